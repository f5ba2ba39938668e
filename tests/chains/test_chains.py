"""The chain table: one vocabulary for every capability, one set of address rules."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from nkwatch import chains
from nkwatch.chains import Chain, ChainTable, formats
from nkwatch.cli.main import cli
from nkwatch.errors import UserError
from nkwatch.sanctions.addresses import REGISTRY

HOP4_FROM = "0xf302572594a68aa8f951fae64ed3ae7da41c72be"


@pytest.mark.parametrize(
    ("spelling", "chain_id"),
    [
        ("eth", "ethereum"), ("ETH", "ethereum"), ("Ethereum", "ethereum"), ("1", "ethereum"),
        ("btc", "bitcoin"), ("XBT", "bitcoin"), ("bitcoin", "bitcoin"),
        ("BNB", "bsc"), ("56", "bsc"), ("BEP20", "bsc"), ("MATIC", "polygon"), ("pol", "polygon"),
        ("42161", "arbitrum"), ("TRX", "tron"), ("bitcoincash", "bitcoin-cash"), (" ltc ", "litecoin"),
    ],
)  # fmt: skip
def test_every_spelling_names_one_chain(spelling: str, chain_id: str) -> None:
    assert chains.chain_id(spelling) == chain_id


def test_unknown_chain_names_the_known_ones_and_suggests() -> None:
    with pytest.raises(UserError) as err:
        chains.get_chain("etherium")
    message = str(err.value)
    assert "unknown chain 'etherium'; known: ethereum, " in message
    assert "bitcoin" in message and message.endswith("did you mean 'ethereum'?")
    with pytest.raises(UserError, match="unknown chain 'zzzz'; known: .*[^?]$"):
        chains.get_chain("zzzz")


def test_table_is_consistent() -> None:
    table = chains.all_chains()
    spellings = [s for c in table for s in c.spellings]
    assert len(spellings) == len(set(spellings))  # no spelling names two chains
    assert all(c.id == c.id.lower() and c.decimals >= 0 and c.symbol for c in table)
    assert chains.chain_by_evm_id(56) is chains.get_chain("bsc")
    assert {c.family for c in table} == {"evm", "utxo", "account"}
    assert chains.get_chain("btc").symbol == "BTC" and chains.get_chain("btc").decimals == 8


def test_a_taken_spelling_is_refused() -> None:
    table = ChainTable(lambda: [chains.get_chain("ethereum")])
    with pytest.raises(ValueError, match="eth"):
        table.register(Chain("etherz", "Etherz", "evm", "ETZ", 18, codes=("ETH",)))
    table.register(Chain("etherz", "Etherz", "evm", "ETZ", 18, evm_chain_id=999_999))
    assert table.get("999999").id == "etherz"


def test_addresses_use_one_set_of_codecs() -> None:
    good = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
    assert chains.parse_address("eth", good).canonical == good.lower()
    assert not chains.is_valid_address("ethereum", good.replace("a", "A", 1))  # EIP-55
    assert chains.is_valid_address("bitcoin", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq")
    assert not chains.is_valid_address("bitcoin", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx")
    with pytest.raises(UserError, match="--seed: not a valid bitcoin address: .*checksum"):
        chains.check_address("XBT", "1BoatSLRHtKNngkdXEeobR76b53LETtpyU", where="--seed")
    assert "bitcoin" in {
        c.id for c, _ in chains.detect_chains("1BoatSLRHtKNngkdXEeobR76b53LETtpyT")
    }
    # sanctions' list-currency validators are built on the same formats
    assert REGISTRY.get("XBT").formats == chains.get_chain("bitcoin").formats
    assert REGISTRY.get("ETH").formats == chains.get_chain("ethereum").formats
    assert REGISTRY.find("1") is REGISTRY.get("ETH")  # a chain's spellings reach its code
    assert chains.address_key(" BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ ") == (
        "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
    )
    shape = formats.pattern("demo", r"D[0-9]{3}")
    assert shape.parse("D123") is not None and shape.parse("D12") is None


def test_trace_run_with_an_alias_reads_the_stored_chain(tmp_path: Path, shared_data: Path) -> None:
    runner = CliRunner()
    db = ["--db", str(tmp_path / "c.duckdb")]
    hop4 = shared_data / "chain/bybit_2025/hop4.csv"
    r = runner.invoke(cli, ["trace", "import", "etherscan-csv", str(hop4), "--chain", "1",
                            "--from-address", HOP4_FROM, "--assume-decimals", "18", *db])  # fmt: skip
    assert r.exit_code == 0, r.output
    out = tmp_path / "r.json"
    r = runner.invoke(cli, ["trace", "run", "--seed", HOP4_FROM, "--chain", "eth",
                            "--max-hops", "2", "-o", str(out), *db])  # fmt: skip
    assert r.exit_code == 0, r.output
    report = json.loads(out.read_text())
    assert report["parameters"]["chain"] == "ethereum" and report["endpoints"]
    r = runner.invoke(cli, ["trace", "run", "--seed", HOP4_FROM, "--chain", "etherium",
                            "-o", str(out), *db])  # fmt: skip
    assert r.exit_code == 2 and "did you mean 'ethereum'?" in r.output


def test_a_lookup_during_the_first_load_waits_for_the_whole_table() -> None:
    """The watcher's threads look chains up while another thread may be loading the table
    (the entry points): the lookup waits for the load instead of seeing a partial table."""
    inside = threading.Event()

    def loader() -> Iterator[Chain]:
        yield chains.get_chain("ethereum")
        inside.set()
        time.sleep(0.3)  # the other thread looks up meanwhile
        yield Chain("etherz", "Etherz", "evm", "ETZ", 18, evm_chain_id=999_999)

    table = ChainTable(loader)
    first = threading.Thread(target=table.ids)
    first.start()
    assert inside.wait(5)
    assert table.get("ethereum").id == "ethereum"
    assert table.find("etherz") is not None
    first.join()
    assert table.ids() == ["ethereum", "etherz"]
