"""Property-based fuzzing of every file parser: a result or one UserError, nothing else.

Inputs are drawn from a small alphabet of the characters that steer each format (quotes,
commas, brackets, colons, anchors, digits, hex, a look-alike letter, NUL, a BOM) mixed
with mutations of a valid sample, so hypothesis reaches past the first syntax check. The
runs are seeded (``derandomize``) and short for ``make check``; ``NKWATCH_FUZZ_EXAMPLES``
raises the count for a long run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nkwatch.boundary import csv_dicts, exact_units, load_json, load_yaml, parse_int
from nkwatch.chains import parse_address
from nkwatch.errors import UserError
from nkwatch.exposure.batch import read_deposits
from nkwatch.exposure.rules import load_rules
from nkwatch.exposure.sources import from_user_csv
from nkwatch.exposure.watch_config import load_config
from nkwatch.intel.importers import read_text as intel_read_text
from nkwatch.sanctions.batch import parse_csv_text
from nkwatch.trace.importers import ImportOptions, get_importer
from nkwatch.trace.label_sources import etherscan_labels, graphsense_tagpack, user_csv

EXAMPLES = int(os.environ.get("NKWATCH_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
A = "0x098b716b8aaf21512996dc57eb0615e2383e2f96"
H = "0x" + "ab" * 32
PIECES = [
    ",", '"', "\n", "\r\n", "[", "]", "{", "}", ":", " ", "-", "&a ", "*a", "!!", "|", "#",
    "0", "9", "1e999", "-1", ".", "0x", "ab", "\u0410", "\x00", "\ufeff", "\x1b[2J",
    "9" * 90, "true", "null", A, H, "address", "value", "tags", "rules", "incidents",
]  # fmt: skip
SAMPLES = {
    "etherscan": f"hash,timestamp_utc,to,amount,asset,kind,contract,block,is_error\n{H},2025-02-21 14:16:11,{A},1.5,ETH,native,,21895238,0\n",
    "eth-etl": f"hash,block_number,from_address,to_address,value,block_timestamp\n{H},100,{A},{A},5,1700000000\n",
    "btc-etl": '{"hash": "' + "aa" * 32 + '", "block_number": 5, "block_timestamp": 1231006505, "inputs": [], "outputs": [{"index": 0, "addresses": ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"], "value": 90}]}\n',
    "labels": f"chain,address,service,category\nethereum,{A},X,exchange\n",
    "tagpack": f"title: t\ncurrency: ETH\ntags:\n  - address: '{A}'\n    label: x\n",
    "es-labels": '{"' + A + '": {"name": "Binance 14", "labels": ["exchange"]}}',
    "risk": f"address,label\n{A},x\n",
    "rules": "rules:\n  - id: r1\n    decision: block\n    min_share: 0.1\n",
    "watch": f"incidents:\n  - id: x\n    seeds: ['{A}']\n",
    "intel-yaml": "incidents:\n  - incident_id: 2025-01-01-x\n    theft_date: 2025-01-01\n",
    "deposits": f"chain,address\nethereum,{A}\n",
    "screen": "name,address\nKim Jong Un,\n",
}  # fmt: skip


@st.composite
def hostile_text(draw: st.DrawFn, sample: str) -> str:
    """A valid sample with a few pieces spliced in, or pieces alone."""
    if draw(st.booleans()):
        text = sample
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(text)))
            cut = draw(st.integers(0, 8))
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at + cut :]
        return text
    return "".join(draw(st.lists(st.sampled_from(PIECES), max_size=30)))


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


def _only_user_errors(fn: Callable[[], Any]) -> None:
    try:
        fn()
    except UserError as exc:
        assert "\n" not in str(exc) or "\n" in exc.message, "a message split over lines"


def _trace_import(fmt: str, suffix: str) -> Callable[[Path], Any]:
    def run(path: Path) -> Any:
        return list(get_importer(fmt).read([path], ImportOptions(from_address=A)))

    run.__name__ = f"trace-{fmt}"
    return run


FILE_PARSERS: list[tuple[str, str, Callable[[Path], Any]]] = [
    ("etherscan", ".csv", _trace_import("etherscan-csv", ".csv")),
    ("eth-etl", ".csv", _trace_import("ethereum-etl", ".csv")),
    ("btc-etl", ".jsonl", _trace_import("bitcoin-etl", ".jsonl")),
    ("labels", ".csv", lambda p: list(user_csv(p))),
    ("tagpack", ".yaml", lambda p: list(graphsense_tagpack(p))),
    ("es-labels", ".json", lambda p: list(etherscan_labels(p))),
    ("risk", ".csv", from_user_csv),
    ("rules", ".yaml", load_rules),
    ("watch", ".yaml", load_config),
    ("deposits", ".csv", lambda p: read_deposits(p, "ethereum")),
]


@pytest.mark.parametrize(
    ("sample", "suffix", "parse"), FILE_PARSERS, ids=[f[0] for f in FILE_PARSERS]
)
def test_file_parsers_answer_a_result_or_a_user_error(
    sample: str, suffix: str, parse: Callable[[Path], Any], tmp_path: Path
) -> None:
    @FUZZ
    @given(hostile_text(SAMPLES[sample]))
    def check(text: str) -> None:
        path = _file(tmp_path, "in" + suffix, text)
        _only_user_errors(lambda: parse(path))

    check()


@FUZZ
@given(hostile_text(SAMPLES["intel-yaml"]), st.sampled_from([".csv", ".yaml", ".json"]))
def test_intel_imports_answer_a_result_or_a_user_error(text: str, suffix: str) -> None:
    _only_user_errors(lambda: intel_read_text(text, "in" + suffix, set()))


@FUZZ
@given(hostile_text(SAMPLES["screen"]))
def test_screening_csv_answers_a_result_or_a_user_error(text: str) -> None:
    _only_user_errors(lambda: parse_csv_text(text, "in.csv"))


@FUZZ
@given(hostile_text('[1, {"a": 2}]'), hostile_text("a: [1, 2]\n"), hostile_text("a,b\n1,2\n"))
def test_generic_readers_answer_a_result_or_a_user_error(js: str, ym: str, cs: str) -> None:
    _only_user_errors(lambda: load_json(js, where="j"))
    _only_user_errors(lambda: load_yaml(ym, where="y"))
    _only_user_errors(lambda: list(csv_dicts(cs, where="c")[1]))


@FUZZ
@given(hostile_text("12.5"), st.integers(0, 40), hostile_text(A))
def test_numbers_and_addresses_answer_a_result_or_a_user_error(
    amount: str, decimals: int, address: str
) -> None:
    _only_user_errors(lambda: exact_units(amount, decimals, where="a"))
    _only_user_errors(lambda: parse_int(amount, where="a", what="n"))
    for chain in ("ethereum", "bitcoin", "tron", "monero"):
        _only_user_errors(lambda chain=chain: parse_address(chain, address, where="a"))  # type: ignore[misc]
