"""The built-in chains: every currency code the OFAC list uses, plus common EVM siblings.

Version bytes and human-readable parts are each chain's published mainnet/testnet
parameters (Bitcoin ``chainparams.cpp`` and its forks, Tron, XRP, Zcash protocol spec).
"""

from __future__ import annotations

from nkwatch.sanctions.addresses import formats as f
from nkwatch.sanctions.addresses.base58 import RIPPLE_ALPHABET
from nkwatch.sanctions.addresses.registry import ChainRegistry, ChainValidator

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

# Chains that share one EVM address space; ETH is the one detection reports.
EVM_CHAINS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("ETH", "Ethereum", ("ETHEREUM",)),
    ("ETC", "Ethereum Classic", ()),
    ("BSC", "BNB Smart Chain", ("BEP20",)),
    ("ARB", "Arbitrum One", ("ARBITRUM",)),
    ("OP", "Optimism", ("OPTIMISM",)),
    ("MATIC", "Polygon PoS", ("POL", "POLYGON")),
    ("AVAX", "Avalanche C-Chain", ()),
    ("BASE", "Base", ()),
)


def _utxo_chains() -> list[ChainValidator]:
    return [
        ChainValidator("XBT", "Bitcoin", BITCOIN, aliases=("BTC", "BITCOIN")),
        ChainValidator(
            "LTC",
            "Litecoin",
            (
                f.base58check(
                    {b"\x30": ("p2pkh", MAIN), b"\x32": ("p2sh", MAIN), b"\x05": ("p2sh", MAIN)}
                ),
                f.segwit("ltc"),
            ),
            aliases=("LITECOIN",),
        ),
        ChainValidator(
            "BCH",
            "Bitcoin Cash",
            (
                f.cashaddr(),
                f.base58check(
                    {b"\x00": ("p2pkh", MAIN), b"\x05": ("p2sh", MAIN)},
                    alias=f.legacy_to_cashaddr,
                ),
            ),
            aliases=("BITCOINCASH",),
        ),
        ChainValidator(
            "BSV",
            "Bitcoin SV",
            (f.base58check({b"\x00": ("p2pkh", MAIN), b"\x05": ("p2sh", MAIN)}),),
        ),
        ChainValidator(
            "BTG",
            "Bitcoin Gold",
            (
                f.base58check({b"\x26": ("p2pkh", MAIN), b"\x17": ("p2sh", MAIN)}),
                f.segwit("btg"),
            ),
        ),
        ChainValidator(
            "DASH",
            "Dash",
            (f.base58check({b"\x4c": ("p2pkh", MAIN), b"\x10": ("p2sh", MAIN)}),),
        ),
        ChainValidator(
            "XVG",
            "Verge",
            (f.base58check({b"\x1e": ("p2pkh", MAIN), b"\x21": ("p2sh", MAIN)}),),
        ),
        ChainValidator(
            "ZEC",
            "Zcash",
            (
                f.base58check(
                    {b"\x1c\xb8": ("t-p2pkh", MAIN), b"\x1c\xbd": ("t-p2sh", MAIN)},
                    payload_len=22,
                ),
                f.bech32_plain("zs", 43, "sapling"),
            ),
            aliases=("ZCASH",),
        ),
    ]


def _account_chains() -> list[ChainValidator]:
    chains = [
        ChainValidator(code, name, EVM, aliases=aliases, evm=True, detect=code == "ETH")
        for code, name, aliases in EVM_CHAINS
    ]
    chains += [
        ChainValidator("TRX", "Tron", TRON, aliases=("TRON", "TRC20")),
        ChainValidator(
            "XRP",
            "XRP Ledger",
            (f.base58check({b"\x00": ("classic", MAIN)}, alphabet=RIPPLE_ALPHABET, label="xrp"),),
            aliases=("RIPPLE",),
        ),
        ChainValidator("SOL", "Solana", SOLANA, aliases=("SOLANA",)),
        ChainValidator("XMR", "Monero", (f.monero_address(),), aliases=("MONERO",)),
        # OFAC's BNB entries are BNB Beacon Chain (bnb1...) accounts; BNB also trades on BSC.
        ChainValidator(
            "BNB", "BNB (Beacon Chain or BSC)", (f.bech32_plain("bnb", 20, "bnb-beacon"), *EVM)
        ),
    ]
    return chains


def _tokens() -> list[ChainValidator]:
    """Stablecoins are listed by token, not chain: accept the shape of each chain they live on."""
    return [
        ChainValidator(
            "USDT",
            "Tether (ERC-20, TRC-20, Omni, SPL)",
            (*EVM, *TRON, BTC_LEGACY, *SOLANA),
            detect=False,
        ),
        ChainValidator(
            "USDC", "USD Coin (ERC-20, SPL, TRC-20)", (*EVM, *SOLANA, *TRON), detect=False
        ),
    ]


def register_builtin_chains(registry: ChainRegistry) -> ChainRegistry:
    for validator in [*_utxo_chains(), *_account_chains(), *_tokens()]:
        registry.register(validator)
    return registry
