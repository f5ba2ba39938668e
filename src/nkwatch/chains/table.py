"""The built-in chains: ids, the names people use for them, native assets and address formats.

Version bytes and human-readable parts are each chain's published mainnet/testnet
parameters (Bitcoin ``chainparams.cpp`` and its forks, Tron, XRP, Zcash protocol spec); EVM
chain ids are EIP-155's (chainlist). Ids are the spellings the transfer store has always
used ("ethereum", "bitcoin", "bsc"), so stored data needs no migration.
"""

from __future__ import annotations

from nkwatch.chains import formats as f
from nkwatch.chains.codecs.base58 import RIPPLE_ALPHABET
from nkwatch.chains.model import AddressFormat, Chain, Family

MAIN, TEST = "mainnet", "testnet"

BTC_LEGACY = f.base58check(
    {
        b"\x00": ("p2pkh", MAIN),
        b"\x05": ("p2sh", MAIN),
        b"\x6f": ("p2pkh", TEST),
        b"\xc4": ("p2sh", TEST),
    }
)
BITCOIN = (BTC_LEGACY, f.segwit("bc"), f.segwit("tb", TEST))
EVM = (f.evm_account(),)
TRON = (f.base58check({b"\x41": ("tron", MAIN)}, label="tron"),)
SOLANA = (f.solana(),)
BNB_BEACON = (f.bech32_plain("bnb", 20, "bnb-beacon"),)


def _legacy(p2pkh: bytes, *p2sh: bytes) -> AddressFormat:
    versions = {p2pkh: ("p2pkh", MAIN)}
    versions.update({v: ("p2sh", MAIN) for v in p2sh})
    return f.base58check(versions)


# (id, name, native symbol, codes, aliases, EIP-155 chain id)
_EVM: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...], int | None], ...] = (
    ("ethereum", "Ethereum", "ETH", ("ETH",), ("ether", "eth-mainnet", "mainnet"), 1),
    ("ethereum-classic", "Ethereum Classic", "ETC", ("ETC",), ("classic",), 61),
    ("bsc", "BNB Smart Chain", "BNB", ("BSC", "BNB", "BEP20"), ("binance-smart-chain", "bnb-smart-chain", "binance"), 56),
    ("polygon", "Polygon PoS", "POL", ("POL", "MATIC"), ("polygon-pos", "matic-network"), 137),
    ("arbitrum", "Arbitrum One", "ETH", ("ARB",), ("arbitrum-one", "arb1"), 42161),
    ("optimism", "Optimism", "ETH", ("OP",), ("op-mainnet",), 10),
    ("base", "Base", "ETH", (), ("base-mainnet",), 8453),
    ("avalanche", "Avalanche C-Chain", "AVAX", ("AVAX",), ("avalanche-c", "avax-c"), 43114),
    ("fantom", "Fantom Opera", "FTM", ("FTM",), ("opera",), 250),
    # dev nodes (anvil: id 31337 by default, configurable) serve under any chain name
    ("heco", "Huobi ECO Chain", "HT", ("HECO",), (), 128),
    ("blast", "Blast", "ETH", ("BLAST",), (), 81457),
    ("zksync", "zkSync Era", "ETH", ("ZKSYNC",), ("zksync-era",), 324),
    ("anvil", "Anvil dev node", "ETH", (), ("foundry",), None),
    # the reproducible chain of ``nkwatch.trace.synthetic`` (benchmarks, tests)
    ("synthetic", "Synthetic test chain", "SYN", (), (), None),
)  # fmt: skip


def _evm_chains() -> list[Chain]:
    decimals = {"synthetic": 8}
    return [
        Chain(cid, name, "evm", symbol, decimals.get(cid, 18), codes, aliases, chain_id, EVM)
        for cid, name, symbol, codes, aliases, chain_id in _EVM
    ]


def _utxo_chains() -> list[Chain]:
    utxo: Family = "utxo"
    return [
        Chain("bitcoin", "Bitcoin", utxo, "BTC", 8, ("BTC", "XBT"), ("btc-mainnet",), formats=BITCOIN),
        Chain("litecoin", "Litecoin", utxo, "LTC", 8, ("LTC",),
              formats=(_legacy(b"\x30", b"\x32", b"\x05"), f.segwit("ltc"))),
        Chain("bitcoin-cash", "Bitcoin Cash", utxo, "BCH", 8, ("BCH",), ("bitcoincash", "bcash"),
              formats=(f.cashaddr(), f.base58check({b"\x00": ("p2pkh", MAIN), b"\x05": ("p2sh", MAIN)},
                                                   alias=f.legacy_to_cashaddr))),
        Chain("bitcoin-sv", "Bitcoin SV", utxo, "BSV", 8, ("BSV",), ("bitcoinsv",),
              formats=(_legacy(b"\x00", b"\x05"),)),
        Chain("bitcoin-gold", "Bitcoin Gold", utxo, "BTG", 8, ("BTG",), ("bitcoingold",),
              formats=(_legacy(b"\x26", b"\x17"), f.segwit("btg"))),
        Chain("dogecoin", "Dogecoin", utxo, "DOGE", 8, ("DOGE",), ("doge-mainnet",),
              formats=(_legacy(b"\x1e", b"\x16"),)),
        Chain("dash", "Dash", utxo, "DASH", 8, ("DASH",), formats=(_legacy(b"\x4c", b"\x10"),)),
        Chain("verge", "Verge", utxo, "XVG", 8, ("XVG",), formats=(_legacy(b"\x1e", b"\x21"),)),
        Chain("monacoin", "Monacoin", utxo, "MONA", 8, ("MONA",),
              formats=(f.pattern("monacoin", r"[MP][1-9A-HJ-NP-Za-km-z]{25,34}|mona1[02-9ac-hj-np-z]{6,87}"),)),
        Chain("zcash", "Zcash", utxo, "ZEC", 8, ("ZEC",),
              formats=(f.base58check({b"\x1c\xb8": ("t-p2pkh", MAIN), b"\x1c\xbd": ("t-p2sh", MAIN)},
                                     payload_len=22), f.bech32_plain("zs", 43, "sapling"))),
    ]  # fmt: skip


def _account_chains() -> list[Chain]:
    acct: Family = "account"
    return [
        Chain("tron", "Tron", acct, "TRX", 6, ("TRX", "TRC20"), formats=TRON),
        Chain("xrp", "XRP Ledger", acct, "XRP", 6, ("XRP",), ("ripple", "xrpl"),
              formats=(f.base58check({b"\x00": ("classic", MAIN)}, alphabet=RIPPLE_ALPHABET, label="xrp"),)),
        Chain("solana", "Solana", acct, "SOL", 9, ("SOL",), formats=SOLANA),
        Chain("monero", "Monero", acct, "XMR", 12, ("XMR",), formats=(f.monero_address(),)),
        Chain("xdc", "XDC Network", acct, "XDC", 18, ("XDC",), ("xinfin",), 50,
              (f.pattern("xdc", r"(0x|xdc)[0-9a-fA-F]{40}"),)),
        Chain("stellar", "Stellar", acct, "XLM", 7, ("XLM",), formats=(f.pattern("stellar", r"G[A-Z2-7]{55}"),)),
        Chain("ton", "TON", acct, "TON", 9, ("TON",), ("the-open-network",),
              formats=(f.pattern("ton", r"[A-Za-z0-9_-]{48}|-?\d:[0-9a-fA-F]{64}"),)),
        Chain("eos", "EOS", acct, "EOS", 4, ("EOS",), formats=(f.pattern("eos", r"[a-z1-5.]{1,12}"),)),
        Chain("cardano", "Cardano", acct, "ADA", 6, ("ADA",),
              formats=(f.pattern("cardano", r"addr1[02-9ac-hj-np-z]{50,}|[1-9A-HJ-NP-Za-km-z]{50,}"),)),
        Chain("polkadot", "Polkadot", acct, "DOT", 10, ("DOT",), formats=(f.pattern("ss58", r"[1-9A-HJ-NP-Za-km-z]{46,48}"),)),
        Chain("algorand", "Algorand", acct, "ALGO", 6, ("ALGO",), formats=(f.pattern("algorand", r"[A-Z2-7]{58}"),)),
        Chain("sui", "Sui", acct, "SUI", 9, ("SUI",), formats=(f.pattern("sui", r"0x[0-9a-fA-F]{64}"),)),
        Chain("cosmos", "Cosmos Hub", acct, "ATOM", 6, ("ATOM",), formats=(f.pattern("cosmos", r"cosmos1[02-9ac-hj-np-z]{38,58}"),)),
        Chain("filecoin", "Filecoin", acct, "FIL", 18, ("FIL",), formats=(f.pattern("filecoin", r"f[0-4][a-z0-9]{1,86}"),)),
        Chain("tezos", "Tezos", acct, "XTZ", 6, ("XTZ",), formats=(f.pattern("tezos", r"(tz[1-3]|KT1)[1-9A-HJ-NP-Za-km-z]{33}"),)),
        Chain("bnb-beacon", "BNB Beacon Chain", acct, "BNB", 8, (), ("binance-chain", "bep2"),
              formats=BNB_BEACON),
    ]  # fmt: skip


def builtin_chains() -> list[Chain]:
    return [*_evm_chains(), *_utxo_chains(), *_account_chains()]
