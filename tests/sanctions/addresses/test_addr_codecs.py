"""Codec and validator tests against the official vectors (BIP-173/350, EIP-55, CashAddr)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nkwatch.chains.codecs import base58, bech32, monero
from nkwatch.chains.codecs.evm import to_checksum
from nkwatch.errors import UserError
from nkwatch.sanctions.addresses import detect_chains, parse_address

# BIP-350 valid addresses (including the corrected BIP-173 ones) -> scriptPubKey hex.
BIP350_VALID = {
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4": "0014751e76e8199196d454941c45d1b3a323f1433bd6",
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7": (
        "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"
    ),
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y": (
        "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"
    ),
    "BC1SW50QGDZ25J": "6002751e",
    "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs": "5210751e76e8199196d454941c45d1b3a323",
    "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy": (
        "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"
    ),
    "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c": (
        "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"
    ),
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0": (
        "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    ),
}

BIP173_INVALID = [
    "tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty",  # invalid human-readable part
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",  # invalid checksum
    "BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2",  # invalid witness version
    "bc1rw5uspcuh",  # invalid program length
    "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",  # invalid program length for v0
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",  # mixed case
    "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",  # zero padding of more than 4 bits
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv",  # non-zero padding
    "bc1gmk9yu",  # empty data section
]

BIP350_INVALID = [
    "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",  # invalid hrp
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # bech32 for v1
    "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",  # bech32 for v2
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",  # bech32 for v16
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # bech32m for v0
    "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",  # bech32m for v0
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",  # invalid character
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",  # witness version 17
    "bc1pw5dgrnzv",  # 1-byte program
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",  # 41 bytes
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",  # v0 16-byte program
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",  # mixed case
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",  # > 4 padding bits
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",  # non-zero padding
    "bc1gmk9yu",  # empty data section
]

EIP55_VECTORS = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


def _script_pubkey(address: str) -> str:
    hrp = address.lower().split("1", 1)[0]
    decoded = bech32.decode_segwit(hrp, address)
    assert decoded is not None
    version, program = decoded
    op = 0 if version == 0 else 0x50 + version
    return (bytes([op, len(program)]) + program).hex()


@pytest.mark.parametrize(("address", "script"), BIP350_VALID.items())
def test_bip350_valid_vectors(address: str, script: str) -> None:
    assert _script_pubkey(address) == script
    parsed = parse_address(address, "XBT")
    assert parsed.canonical == address.lower()
    assert parsed.network == ("testnet" if address.lower().startswith("tb") else "mainnet")


@pytest.mark.parametrize("address", sorted(set(BIP173_INVALID + BIP350_INVALID)))
def test_bip173_bip350_invalid_vectors(address: str) -> None:
    with pytest.raises(UserError):
        parse_address(address, "XBT")
    with pytest.raises(UserError):
        parse_address(address)


def test_segwit_kinds() -> None:
    assert parse_address("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4").format == "p2wpkh"
    taproot = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
    assert parse_address(taproot).format == "p2tr"


def test_bech32_checksum_error_names_the_address() -> None:
    with pytest.raises(UserError, match=r"checksum.*bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"):
        parse_address("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5")


@pytest.mark.parametrize("address", EIP55_VECTORS)
def test_eip55_vectors(address: str) -> None:
    assert to_checksum(address.lower()) == address
    parsed = parse_address(address)
    assert parsed.canonical == address.lower()
    assert parsed.evm
    # all-lower and all-upper carry no checksum and are valid
    assert parse_address(address.lower()).canonical == address.lower()
    assert parse_address("0x" + address[2:].upper()).canonical == address.lower()


def test_eip55_bad_checksum_is_one_line_user_error() -> None:
    good = EIP55_VECTORS[0]
    flipped = good[:3] + good[3].swapcase() + good[4:]  # 'a' -> 'A'
    with pytest.raises(UserError) as info:
        parse_address(flipped, "ETH")
    assert str(info.value).startswith(f"invalid EIP-55 checksum in {flipped}:")
    assert "\n" not in str(info.value)
    with pytest.raises(UserError, match="invalid EIP-55 checksum"):
        parse_address(flipped)  # detection reports the specific reason too


def test_evm_is_one_identity_on_every_evm_chain() -> None:
    keys = {
        parse_address(EIP55_VECTORS[1], chain).canonical
        for chain in ("ETH", "BSC", "ARB", "ETC", "MATIC", "usdt")
    }
    assert keys == {EIP55_VECTORS[1].lower()}


def test_base58check_bitcoin() -> None:
    genesis = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
    payload = base58.decode_check(genesis)
    assert payload.hex() == "0062e907b15cbf27d5425399ebf6f0fb50ebb88f18"
    assert base58.encode_check(payload) == genesis
    assert parse_address(genesis).format == "p2pkh"
    assert parse_address("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy").format == "p2sh"
    with pytest.raises(UserError, match="checksum"):
        parse_address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")
    with pytest.raises(UserError, match="not a valid LTC"):
        parse_address(genesis, "LTC")


def test_cashaddr_spec_vectors_and_legacy_alias() -> None:
    cash = "bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a"
    legacy = "1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu"
    parsed = parse_address(cash)
    assert (parsed.chain, parsed.format) == ("BCH", "cashaddr-p2pkh")
    assert parsed.aliases == (legacy,)
    # prefix optional, upper case allowed
    assert parse_address(cash.split(":")[1].upper(), "BCH").canonical == cash
    assert set(parse_address(legacy, "BCH").keys) == {cash, legacy}
    p2sh = parse_address("bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq")
    assert p2sh.aliases == ("3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC",)
    with pytest.raises(UserError, match="cashaddr checksum"):
        parse_address("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6q")
    with pytest.raises(UserError, match="not in the cashaddr alphabet"):
        parse_address("bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6b")


def test_legacy_address_detected_on_every_chain_that_shares_the_format() -> None:
    chains = [p.chain for p in detect_chains("1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu")]
    assert chains == ["XBT", "BCH", "BSV"]


@given(st.binary(min_size=1, max_size=40))
def test_base58_round_trip(data: bytes) -> None:
    assert base58.decode(base58.encode(data)) == data
    assert base58.decode_check(base58.encode_check(data)) == data
    ripple = base58.RIPPLE_ALPHABET
    assert base58.decode(base58.encode(data, ripple), ripple) == data


@given(st.integers(0, 16), st.binary(min_size=2, max_size=40))
def test_segwit_round_trip(version: int, program: bytes) -> None:
    if version == 0 and len(program) not in (20, 32):
        return
    address = bech32.encode_segwit("bc", version, program)
    assert bech32.decode_segwit("bc", address) == (version, program)


@given(st.binary(min_size=32, max_size=32), st.binary(min_size=32, max_size=32))
def test_monero_round_trip(spend: bytes, view: bytes) -> None:
    standard = monero.build(18, spend, view)
    parsed = monero.parse(standard)
    assert (parsed.kind, parsed.spend_key, parsed.view_key) == ("standard", spend, view)
    assert len(standard) == 95 and standard[0] == "4"
    integrated = monero.build(19, spend, view, b"\x01" * 8)
    assert len(integrated) == 106
    assert monero.parse(integrated).payment_id == b"\x01" * 8
    sub = monero.build(42, spend, view)
    assert parse_address(sub).format == "monero-subaddress"


def test_monero_checksum_error() -> None:
    good = monero.build(18, bytes(range(32)), bytes(range(32, 64)))
    assert parse_address(good, "XMR").format == "monero-standard"
    i = 50
    bad = good[:i] + ("2" if good[i] != "2" else "3") + good[i + 1 :]
    with pytest.raises(UserError, match="checksum"):
        parse_address(bad, "XMR")


def test_tron_xrp_solana_zcash_dash_shapes() -> None:
    assert parse_address("TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq").chain == "TRX"
    assert parse_address("rnXyVQzgxZe7TR1EPzTkGj2jxH4LMJYh66").chain == "XRP"
    assert parse_address("42RLPACwZPx3vYYmxSueqsogfynBDqXK298EDsNoyoHi").chain == "SOL"
    assert parse_address("t1MMXtBrSp1XG38Lx9cePcNUCJj5vdWfUWL").format == "t-p2pkh"
    assert parse_address("XnPFsRWTaSgiVauosEwQ6dEitGYXgwznz2").chain == "DASH"
    assert parse_address("bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf23").format == "bnb-beacon"
    # a Tron address is not a Bitcoin address, even though both are base58check
    with pytest.raises(UserError, match="not a valid XBT"):
        parse_address("TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq", "XBT")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty address"),
        ("   ", "empty address"),
        ("x" * 1_000_000, "address too long"),
        ("hello world", "unrecognised address"),
        ("0x123", "unrecognised address"),
    ],
)
def test_bad_input_is_user_error(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message) as info:
        parse_address(text)
    assert len(str(info.value)) < 400


def test_unknown_chain_is_user_error() -> None:
    with pytest.raises(UserError, match="unknown chain or currency 'DOGEZ'"):
        parse_address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "DOGEZ")


def test_registry_is_pluggable() -> None:
    from nkwatch.chains import formats as f
    from nkwatch.sanctions.addresses import ChainRegistry, ChainValidator
    from nkwatch.sanctions.addresses.validate import parse_address as parse_with

    registry = ChainRegistry()
    doge = ChainValidator("DOGE", "Dogecoin", (f.base58check({b"\x1e": ("p2pkh", "mainnet")}),))
    registry.register(doge)
    with pytest.raises(ValueError, match="already registered"):
        registry.register(doge)
    address = base58.encode_check(b"\x1e" + bytes(20))
    assert parse_with(registry, address, "doge").chain == "DOGE"
    with pytest.raises(UserError, match="unrecognised"):
        parse_with(registry, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")


BASE58_VERSIONS = [
    (b"\x00", "XBT", "p2pkh"),
    (b"\x05", "XBT", "p2sh"),
    (b"\x6f", "XBT", "p2pkh"),
    (b"\x30", "LTC", "p2pkh"),
    (b"\x32", "LTC", "p2sh"),
    (b"\x4c", "DASH", "p2pkh"),
    (b"\x10", "DASH", "p2sh"),
    (b"\x1e", "XVG", "p2pkh"),
    (b"\x26", "BTG", "p2pkh"),
    (b"\x17", "BTG", "p2sh"),
    (b"\x41", "TRX", "tron"),
    (b"\x1c\xb8", "ZEC", "t-p2pkh"),
    (b"\x1c\xbd", "ZEC", "t-p2sh"),
]


@pytest.mark.parametrize(("version", "chain", "kind"), BASE58_VERSIONS)
@given(digest=st.binary(min_size=20, max_size=20))
def test_every_base58_version_is_detected(
    version: bytes, chain: str, kind: str, digest: bytes
) -> None:
    # the first-character shortcut in detection must never hide a valid address
    address = base58.encode_check(version + digest)
    assert parse_address(address).chain == chain
    assert parse_address(address, chain).format == kind
    ripple = base58.encode_check(b"\x00" + digest, base58.RIPPLE_ALPHABET)
    assert parse_address(ripple).chain == "XRP"
