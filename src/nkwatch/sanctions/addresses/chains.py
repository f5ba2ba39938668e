"""The list currency codes: every code the OFAC list uses, plus common EVM siblings.

A sanctions list names a *currency* (XBT, ETH, USDT...), not always a chain: a stablecoin
lives on several chains. Each code here is a :class:`ChainValidator` whose formats come from
the chain table (``nkwatch.chains``), the product's one set of address rules.
"""

from __future__ import annotations

from nkwatch.chains import AddressFormat, get_chain
from nkwatch.sanctions.addresses.registry import ChainRegistry, ChainValidator

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


def _formats(chain: str) -> tuple[AddressFormat, ...]:
    return get_chain(chain, where=None).formats


def _utxo_chains() -> list[ChainValidator]:
    return [
        ChainValidator("XBT", "Bitcoin", _formats("bitcoin"), aliases=("BTC", "BITCOIN")),
        ChainValidator("LTC", "Litecoin", _formats("litecoin"), aliases=("LITECOIN",)),
        ChainValidator("BCH", "Bitcoin Cash", _formats("bitcoin-cash"), aliases=("BITCOINCASH",)),
        ChainValidator("BSV", "Bitcoin SV", _formats("bitcoin-sv")),
        ChainValidator("BTG", "Bitcoin Gold", _formats("bitcoin-gold")),
        ChainValidator("DASH", "Dash", _formats("dash")),
        ChainValidator("XVG", "Verge", _formats("verge")),
        ChainValidator("ZEC", "Zcash", _formats("zcash"), aliases=("ZCASH",)),
    ]


def _account_chains() -> list[ChainValidator]:
    evm = _formats("ethereum")
    chains = [
        ChainValidator(code, name, evm, aliases=aliases, evm=True, detect=code == "ETH")
        for code, name, aliases in EVM_CHAINS
    ]
    chains += [
        ChainValidator("TRX", "Tron", _formats("tron"), aliases=("TRON", "TRC20")),
        ChainValidator("XRP", "XRP Ledger", _formats("xrp"), aliases=("RIPPLE",)),
        ChainValidator("SOL", "Solana", _formats("solana"), aliases=("SOLANA",)),
        ChainValidator("XMR", "Monero", _formats("monero"), aliases=("MONERO",)),
        # OFAC's BNB entries are BNB Beacon Chain (bnb1...) accounts; BNB also trades on BSC.
        ChainValidator("BNB", "BNB (Beacon Chain or BSC)", (*_formats("bnb-beacon"), *evm)),
    ]
    return chains


def _tokens() -> list[ChainValidator]:
    """Stablecoins are listed by token, not chain: accept the shape of each chain they live on."""
    evm, tron, solana = _formats("ethereum"), _formats("tron"), _formats("solana")
    btc_legacy = _formats("bitcoin")[:1]  # Omni lives on Bitcoin's base58 addresses
    return [
        ChainValidator(
            "USDT",
            "Tether (ERC-20, TRC-20, Omni, SPL)",
            (*evm, *tron, *btc_legacy, *solana),
            detect=False,
        ),  # fmt: skip
        ChainValidator(
            "USDC", "USD Coin (ERC-20, SPL, TRC-20)", (*evm, *solana, *tron), detect=False
        ),
    ]


def register_builtin_chains(registry: ChainRegistry) -> ChainRegistry:
    for validator in [*_utxo_chains(), *_account_chains(), *_tokens()]:
        registry.register(validator)
    return registry
