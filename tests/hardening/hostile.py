"""The hostile-input corpus: malformed files and parameters for every command that reads them.

Each :class:`Case` is one command line plus the files it names. Every case must end in one
clear line and exit 2 (a :class:`~nkwatch.errors.UserError`), never a traceback, an
internal error (exit 70) or a change to the store. Cases are built from a few families:

- *file-level*: a directory, a missing file, empty, binary, UTF-16, Latin-1, NUL bytes,
  an unterminated CSV quote, deep JSON nesting, a 5,000-digit integer, a YAML alias bomb,
  a huge single line: applied to every file argument of every command;
- *field-level*: one hostile value in one field of an otherwise valid row (amounts beyond
  2**256 or with lost digits, exponents, Arabic-Indic digits, impossible dates, look-alike
  and bad-checksum addresses, script tags and 300 kB strings as hashes...), per format;
- *parameter-level*: the same values as command-line options and arguments.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

A = "0x098b716b8aaf21512996dc57eb0615e2383e2f96"  # Ronin exploiter (lower case)
B = "0x" + "cd" * 20
C = "0x" + "ef" * 20
H = "0x" + "ab" * 32
LOOKALIKE = "0x098B716B8Аaf21512996dC57EB0615e2383E2f96"  # Cyrillic А at character 12
BAD_CHECKSUM = "0x098B716B8AAf21512996dC57EB0615e2383E2f96"
BTC = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]  # "{f}" / "{f2}"... name files below; "{dir}" the case folder
    files: dict[str, bytes] = field(default_factory=dict)


# ---- values ------------------------------------------------------------------------------

BAD_AMOUNTS = {
    "31-digits": "1234567890123456789012345678901",
    "above-2^256": str(2**256),
    "5000-digits": "9" * 5000,
    "negative": "-5",
    "exp-overflow": "1e999999999",
    "exp-huge-neg": "1e-999999999",
    "nan": "NaN",
    "inf": "Infinity",
    "arabic-indic": "\u0661\u0662\u0663",
    "hex": "0x10",
    "words": "ten",
    "two-dots": "1.2.3",
    "space-inside": "1 000",
    "nul": "1\x002",
}
BAD_HASHES = {
    "script": "<script>alert(1)</script>",
    "300kB": "0x" + "a" * 300_000,
    "short": "0x1234",
    "non-hex": "0x" + "zz" * 32,
    "ansi": "\x1b[31m" + H[2:],
    "empty": "",
}
BAD_BLOCKS = {
    "arabic-indic": "\u0661\u0662",
    "negative": "-1",
    "float": "1.5",
    "exp": "1e5",
    "80-digits": "9" * 80,
    "fullwidth": "\uff11\uff12",
}
BAD_TIMES = {
    "month-13": "2012-13-45 00:00:00",
    "zero-date": "0000-00-00 00:00:00",
    "year-10000": "10000-01-01 00:00:00",
    "huge-unix": "9" * 30,
    "words": "yesterday",
}
BAD_ADDRESSES = {
    "lookalike": LOOKALIKE,
    "bad-checksum": BAD_CHECKSUM,
    "short-hex": "0xdeadbeef",
    "ansi": "\x1b[2J" + A,
    "nul": A[:10] + "\x00" + A[11:],
    "rtl-override": "\u202e" + A,
    "long": "0x" + "a" * 5000,
}


# ---- file-level hostiles -----------------------------------------------------------------


def _nested_json(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


ALIAS_BOMB = (
    b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    b"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    b"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    b"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    b"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    b"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    b"h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    b"i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)

FILE_HOSTILES: dict[str, bytes | None] = {
    "directory": None,  # the path is a folder
    "empty": b"",
    "binary": bytes(range(256)) * 8,
    "utf16": "address,label\nabc,é\n".encode("utf-16"),
    "latin1": "address,label,name\nabc,caf\xe9,r\xe9sum\xe9\n".encode("latin-1"),
    "nul-bytes": b"address,label\nab\x00cd,x\n",
    "unterminated-quote": b'address,label\n"abc,x\n' + b"y,z\n" * 50,
    "deep-json": _nested_json(20_000),
    "big-int-json": b'{"value": ' + b"9" * 5000 + b"}",
    "yaml-alias-bomb": ALIAS_BOMB,
    "gzip-magic-garbage": b"\x1f\x8b\x08\x00garbage" * 10,
    "bom-only": b"\xef\xbb\xbf",
}


def file_cases(command: str, argv: tuple[str, ...], suffix: str) -> Iterator[Case]:
    """Every file-level hostile given as ``{f}`` (and a missing file)."""
    for name, data in FILE_HOSTILES.items():
        if data is None:
            yield Case(f"{command}/file:{name}", tuple(a.replace("{f}", "{dir}") for a in argv))
        else:
            yield Case(f"{command}/file:{name}", argv, {"f" + suffix: data})
    yield Case(
        f"{command}/file:missing", tuple(a.replace("{f}", "{dir}/nope" + suffix) for a in argv)
    )


FILE_COMMANDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("lists-import", ("lists", "import", "{f}"), ".xml"),
    ("screen-file", ("screen", "file", "{f}", "-o", "{dir}/out.csv"), ".csv"),
    ("trace-import-etherscan", ("trace", "import", "etherscan-csv", "{f}", "--from-address", A), ".csv"),
    ("trace-import-eth-etl", ("trace", "import", "ethereum-etl", "{f}"), ".csv"),
    ("trace-import-bitcoin-etl", ("trace", "import", "bitcoin-etl", "{f}"), ".jsonl"),
    ("trace-import-btc-2009", ("trace", "import", "btc-2009", "{f}"), ".csv"),
    ("trace-labels-csv", ("trace", "labels", "csv", "{f}"), ".csv"),
    ("trace-labels-graphsense", ("trace", "labels", "graphsense", "{f}"), ".yaml"),
    ("trace-labels-etherscan", ("trace", "labels", "etherscan", "{f}"), ".json"),
    ("trace-report", ("trace", "report", "{f}", "-o", "{dir}/out.md"), ".json"),
    ("trace-freeze", ("trace", "freeze-requests", "{f}", "-o", "{dir}/out"), ".json"),
    ("intel-import-csv", ("intel", "import", "{f}"), ".csv"),
    ("intel-import-yaml", ("intel", "import", "{f}"), ".yaml"),
    ("intel-import-json", ("intel", "import", "{f}"), ".json"),
    ("exposure-risk-list", ("exposure", "address", A, "--risk-list", "{f}"), ".csv"),
    ("exposure-rules", ("exposure", "address", A, "--rules", "{f}"), ".yaml"),
    ("exposure-file", ("exposure", "file", "{f}", "-o", "{dir}/out.csv"), ".csv"),
    ("hiring-screen", ("hiring", "screen", "{f}", "-o", "{dir}/out", "--no-sanctions", "--no-splink"), ".csv"),
    ("hiring-logins", ("hiring", "screen", "{f2}", "-o", "{dir}/out", "--logins", "{f}", "--no-sanctions", "--no-splink"), ".csv"),
    ("watch-config", ("watch", "--config", "{f}", "--once", "--rpc", "http://127.0.0.1:9"), ".yaml"),
)  # fmt: skip

APPLICANTS = b"id,full_name,email\na1,Kim Chol,kim@example.com\n"


# ---- field-level hostiles ----------------------------------------------------------------

ETHERSCAN_HEADER = "hash,timestamp_utc,to,amount,asset,kind,contract,block,is_error\n"


def _etherscan(**over: str) -> bytes:
    row = {"hash": H, "timestamp_utc": "2025-02-21 14:16:11", "to": B, "amount": "1.5",
           "asset": "ETH", "kind": "native", "contract": "", "block": "21895238", "is_error": "0"}  # fmt: skip
    row.update(over)
    cells = [json.dumps(v) if ("," in v or '"' in v or "\n" in v) else v for v in row.values()]
    return (ETHERSCAN_HEADER + ",".join(cells) + "\n").encode("utf-8", "surrogatepass")


ETL_HEADER = "hash,block_number,from_address,to_address,value,block_timestamp\n"


def _etl(**over: str) -> bytes:
    row = {"hash": H, "block_number": "100", "from_address": A, "to_address": B,
           "value": "5000000000000000000", "block_timestamp": "1700000000"}  # fmt: skip
    row.update(over)
    return (ETL_HEADER + ",".join(row.values()) + "\n").encode()


def _btc_etl(tx: dict[str, object]) -> bytes:
    return (json.dumps(tx) + "\n").encode()


def _btc_tx(**over: object) -> dict[str, object]:
    tx: dict[str, object] = {
        "hash": "aa" * 32, "block_number": 5, "block_timestamp": 1231006505, "is_coinbase": False,
        "inputs": [{"spent_transaction_hash": "bb" * 32, "spent_output_index": 0, "addresses": [BTC], "value": 100}],
        "outputs": [{"index": 0, "addresses": [BTC], "value": 90}],
    }  # fmt: skip
    tx.update(over)
    return tx


def field_cases() -> Iterator[Case]:
    imp = ("trace", "import")
    es = (*imp, "etherscan-csv", "{f}", "--from-address", A)
    for name, value in BAD_AMOUNTS.items():
        yield Case(f"etherscan/amount:{name}", es, {"f.csv": _etherscan(amount=value)})
        if name == "31-digits":  # in wei that is below 2**127 and kept exactly: one above instead
            name, value = "above-2^127", str(2**127)
        yield Case(
            f"eth-etl/value:{name}", (*imp, "ethereum-etl", "{f}"), {"f.csv": _etl(value=value)}
        )
        yield Case(f"btc-etl/value:{name}", (*imp, "bitcoin-etl", "{f}"),
                   {"f.jsonl": _btc_etl(_btc_tx(outputs=[{"index": 0, "addresses": [BTC], "value": value}]))})  # fmt: skip
    for name, value in BAD_HASHES.items():
        yield Case(f"etherscan/hash:{name}", es, {"f.csv": _etherscan(hash=value)})
        yield Case(
            f"eth-etl/hash:{name}", (*imp, "ethereum-etl", "{f}"), {"f.csv": _etl(hash=value)}
        )
        yield Case(
            f"btc-etl/hash:{name}",
            (*imp, "bitcoin-etl", "{f}"),
            {"f.jsonl": _btc_etl(_btc_tx(hash=value))},
        )
    for name, value in BAD_BLOCKS.items():
        yield Case(f"etherscan/block:{name}", es, {"f.csv": _etherscan(block=value)})
        yield Case(
            f"eth-etl/block:{name}",
            (*imp, "ethereum-etl", "{f}"),
            {"f.csv": _etl(block_number=value)},
        )
        yield Case(
            f"btc-etl/block:{name}",
            (*imp, "bitcoin-etl", "{f}"),
            {"f.jsonl": _btc_etl(_btc_tx(block_number=value))},
        )
    for name, value in BAD_TIMES.items():
        yield Case(f"etherscan/time:{name}", es, {"f.csv": _etherscan(timestamp_utc=value)})
        yield Case(
            f"eth-etl/time:{name}",
            (*imp, "ethereum-etl", "{f}"),
            {"f.csv": _etl(block_timestamp=value)},
        )
    for name, value in BAD_ADDRESSES.items():
        yield Case(f"etherscan/to:{name}", es, {"f.csv": _etherscan(to=value)})
        yield Case(
            f"eth-etl/from:{name}",
            (*imp, "ethereum-etl", "{f}"),
            {"f.csv": _etl(from_address=value)},
        )
        yield Case(f"risk-list/address:{name}", ("exposure", "address", A, "--risk-list", "{f}"),
                   {"f.csv": ("address,label\n" + value + ",x\n").encode("utf-8", "surrogatepass")})  # fmt: skip
        yield Case(f"labels-csv/address:{name}", ("trace", "labels", "csv", "{f}"),
                   {"f.csv": ("chain,address,service,category\nethereum," + value + ",X,exchange\n").encode()})  # fmt: skip
        yield Case(f"etherscan/from-address:{name}", (*imp, "etherscan-csv", "{f}", "--from-address", value),
                   {"f.csv": _etherscan()})  # fmt: skip
    # bitcoin-etl shapes
    shapes: dict[str, dict[str, object]] = {
        "inputs-string": _btc_tx(inputs="abc"),
        "inputs-object": _btc_tx(inputs={"a": 1}),
        "output-int": _btc_tx(outputs=[5]),
        "input-no-spent-hash": _btc_tx(inputs=[{"spent_output_index": 0, "addresses": [BTC], "value": 1}]),
        "input-no-index": _btc_tx(inputs=[{"spent_transaction_hash": "bb" * 32, "addresses": [BTC], "value": 1}]),
        "addresses-string": _btc_tx(outputs=[{"index": 0, "addresses": BTC, "value": 1}]),
        "address-invalid": _btc_tx(outputs=[{"index": 0, "addresses": ["1notanaddress"], "value": 1}]),
        "value-list": _btc_tx(outputs=[{"index": 0, "addresses": [BTC], "value": [1]}]),
        "value-float": _btc_tx(outputs=[{"index": 0, "addresses": [BTC], "value": 1.5}]),
        "value-bool": _btc_tx(outputs=[{"index": 0, "addresses": [BTC], "value": True}]),
        "index-negative": _btc_tx(outputs=[{"index": -1, "addresses": [BTC], "value": 1}]),
        "time-string": _btc_tx(block_timestamp="2012-13-45"),
        "hash-int": _btc_tx(hash=12),
        "is-coinbase-string": _btc_tx(is_coinbase="maybe"),
    }  # fmt: skip
    for name, tx in shapes.items():
        yield Case(f"btc-etl/shape:{name}", (*imp, "bitcoin-etl", "{f}"), {"f.jsonl": _btc_etl(tx)})
    yield Case("btc-etl/shape:array", (*imp, "bitcoin-etl", "{f}"), {"f.jsonl": b"[1,2]\n"})
    # label packs of the wrong shape
    for name, doc in {
        "list": b"- a\n- b\n", "tags-string": b"tags: abc\n", "tags-of-strings": b"tags: [a, b]\n",
        "tags-of-lists": b"tags: [[1]]\n", "scalar": b"42\n",
    }.items():  # fmt: skip
        yield Case(
            f"labels-graphsense/shape:{name}",
            ("trace", "labels", "graphsense", "{f}"),
            {"f.yaml": doc},
        )
    for name, doc in {
        "list": b"[1,2]", "entry-string": b'{"0xabc": "x"}', "labels-int": b'{"' + A.encode() + b'": {"labels": 5}}',
        "string": b'"abc"', "null": b"null",
    }.items():  # fmt: skip
        yield Case(
            f"labels-etherscan/shape:{name}",
            ("trace", "labels", "etherscan", "{f}"),
            {"f.json": doc},
        )
    yield Case("labels-ofac/empty-folder", ("trace", "labels", "ofac", "{dir}"))
    # a UN list that repeats an entry (was a DuckDB ConstraintException)
    entry = (
        "<INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>KIM</FIRST_NAME><UN_LIST_TYPE>DPRK</UN_LIST_TYPE>"
        "<REFERENCE_NUMBER>KPi.001</REFERENCE_NUMBER></INDIVIDUAL>"
    )
    un = (
        '<?xml version="1.0" encoding="UTF-8"?><CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:00Z">'
        f"<INDIVIDUALS>{entry}{entry}</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>"
    )
    yield Case("lists-import/un-repeated-entry", ("lists", "import", "{f}"), {"f.xml": un.encode()})
    # reports of the wrong shape
    for name, doc in {
        "list": b"[]",
        "string": b'"x"',
        "empty-object": b"{}",
        "endpoints-string": b'{"endpoints": "x"}',
    }.items():
        yield Case(
            f"trace-report/shape:{name}",
            ("trace", "report", "{f}", "-o", "{dir}/o.md"),
            {"f.json": doc},
        )
        yield Case(
            f"trace-freeze/shape:{name}",
            ("trace", "freeze-requests", "{f}", "-o", "{dir}/o"),
            {"f.json": doc},
        )


# ---- parameter-level hostiles ------------------------------------------------------------


RUN = ("trace", "run", "--chain", "ethereum", "-o", "{dir}/report.json")


def param_cases() -> Iterator[Case]:
    for name, value in BAD_ADDRESSES.items():
        yield Case(f"screen-address/{name}", ("screen", "address", value))
        yield Case(f"exposure-address/{name}", ("exposure", "address", value))
        yield Case(f"trace-run/seed:{name}", (*RUN, "--seed", value))
        yield Case(f"intel-address/{name}", ("intel", "address", value))
    for name, value in {"empty": "", "blank": "   ", "nul": "Kim\x00Jong", "ansi": "\x1b[31m\x1b[0m",
                        "million": "a" * 1_000_000, "only-punct": "!!!"}.items():  # fmt: skip
        yield Case(f"screen-name/{name}", ("screen", "name", value))
    for name, value in BAD_HASHES.items():
        yield Case(f"exposure-tx/{name}", ("exposure", "tx", value))
        yield Case(f"trace-run/seed-tx:{name}", (*RUN, "--seed-tx", value))
    seed = (*RUN, "--seed", A)
    for name, value in {
        "huge": "1" + "0" * 40,
        "negative": "-1",
        "zero": "0",
        "big": "100000",
    }.items():
        yield Case(f"trace-run/max-hops:{name}", (*seed, "--max-hops", value))
        yield Case(f"exposure/max-hops:{name}", ("exposure", "address", A, "--max-hops", value))
    for name, value in BAD_AMOUNTS.items():
        if name not in ("31-digits", "above-2^256"):  # large thresholds are thresholds
            yield Case(f"trace-run/min-amount:{name}", (*seed, "--min-amount", value))
    for name, value in BAD_TIMES.items():
        yield Case(f"trace-run/since:{name}", (*seed, "--since", value))
    for name, value in BAD_AMOUNTS.items():
        if name not in ("31-digits", "above-2^256", "arabic-indic"):  # those are numbers
            yield Case(f"trace-run/seed-amount:{name}", (*RUN, "--seed", f"{A}={value}"))
    for name, value in {"huge": "9" * 5000, "negative": "-3", "words": "ten"}.items():
        yield Case(f"trace-run/max-addresses:{name}", (*seed, "--max-addresses", value))
        yield Case(f"intel-history/limit:{name}", ("intel", "history", "x", "--limit", value))
        yield Case(f"lists-diff/limit:{name}", ("lists", "diff", "1", "2", "--limit", value))
    for name, value in {
        "traversal": "../../etc/passwd",
        "nul": "a\x00b",
        "ansi": "\x1b[2J",
        "long": "x" * 100_000,
    }.items():
        yield Case(f"intel-incident/{name}", ("intel", "incident", value))
        yield Case(f"trace-run/policy:{name}", (*seed, "--policy", value))
        yield Case(
            f"trace-run/chain:{name}",
            ("trace", "run", "--seed", A, "--chain", value, "-o", "{dir}/report.json"),
        )
        yield Case(f"keys-revoke/{name}", ("keys", "revoke", value))
        yield Case(
            f"users-create/{name}",
            ("users", "create", value, "--role", "viewer", "--password", "pw-long-enough-1"),
        )
    for name, value in {
        "nan": "NaN",
        "negative": "-0.5",
        "above-one": "7",
        "words": "high",
    }.items():
        yield Case(
            f"screen-name/threshold:{name}", ("screen", "name", "Kim Jong Un", "--threshold", value)
        )
    for name, value in {
        "month-13": "2012-13-45",
        "zero": "0000-00-00",
        "year-10000": "10000-01-01",
    }.items():
        yield Case(f"screen-name/dob:{name}", ("screen", "name", "Kim Jong Un", "--dob", value))
    for name, value in {
        "not-decimals": "0xabc=x",
        "no-eq": "0xabc",
        "huge": "0xabc=" + "9" * 400,
    }.items():
        yield Case(f"trace-import/token-decimals:{name}",
                   ("trace", "import", "etherscan-csv", "{f}", "--from-address", A, "--token-decimals", value),
                   {"f.csv": _etherscan()})  # fmt: skip
    for name, value in {"huge": "9" * 30, "negative": "-1", "100": "100"}.items():
        yield Case(f"trace-import/assume-decimals:{name}",
                   ("trace", "import", "etherscan-csv", "{f}", "--from-address", A, "--assume-decimals", value),
                   {"f.csv": _etherscan(kind="token", contract=C, asset="XYZ")})  # fmt: skip


# ---- found by fuzzing (bench/fuzz.py): each crash's input, reduced, through its command ----

_OFAC_NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML"


def fuzz_cases() -> Iterator[Case]:
    ofac = (f'<?xml version="1.0"?><Sanctions xmlns="{_OFAC_NS}"><DateOfIssue><Year>{"9" * 20}</Year>'
            "<Month>1</Month><Day>1</Day></DateOfIssue></Sanctions>")  # fmt: skip
    yield Case(
        "fuzz/ofac-xml:year-past-c-long", ("lists", "import", "{f}"), {"f.xml": ofac.encode()}
    )
    brace = ofac.replace(
        _OFAC_NS, "https://sanctionslistservice.ofac.treas.gov/A}B@C_XML"
    )  # '}' in the namespace URI
    yield Case(
        "fuzz/ofac-xml:brace-in-namespace", ("lists", "import", "{f}"), {"f.xml": brace.encode()}
    )
    lake = (
        "trace",
        "import",
        "ethereum-etl",
        "{transactions}",
        "--engine",
        "local",
        "--lake",
        "{dir}/lake",
    )
    ragged = ETL_HEADER + "1,2\n"
    yield Case("fuzz/lake:csv-ragged-first-block", lake, {"transactions.csv": ragged.encode()})
    yield Case("fuzz/lake:csv-header-not-utf8", lake, {"transactions.csv": b"ha\xffsh,b\n1,2\n"})
    twice = ETL_HEADER.replace("value,", "value,block_number,") + _etl().decode().split("\n")[1]
    yield Case(
        "fuzz/lake:csv-repeated-column", lake, {"transactions.csv": (twice + ",7\n").encode()}
    )
    btc = (
        "trace",
        "import",
        "bitcoin-etl",
        "{transactions}",
        "--engine",
        "local",
        "--lake",
        "{dir}/lake",
    )
    big = _btc_tx(
        inputs=[{"index": 2**70, "spent_transaction_hash": "bb" * 32, "spent_output_index": 0}]
    )
    yield Case(
        "fuzz/lake-bitcoin:nested-int-past-64-bits", btc, {"transactions.jsonl": _btc_etl(big)}
    )
    midgard = (*RUN, "--seed", A, "--midgard", "{f}")
    for name, doc in {
        "not-utf8": b'{"actions": [{"type": "swap", "memo": "\x95"}]}',
        "coin-a-string": b'{"actions": [{"type": "swap", "in": [{"coins": ["BTC.BTC"]}]}]}',
        "metadata-a-list": b'{"actions": [{"type": "swap", "metadata": [1]}]}',
        "nested-deep": b'{"actions": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    }.items():
        yield Case(f"fuzz/midgard:{name}", midgard, {"f.json": doc})
    misp = ('{"response": [{"Event": {"info": "x", "date": "2025-02-21", "Tag": [{"colour": "#fff"}],'
            ' "Attribute": []}}]}')  # fmt: skip
    yield Case(
        "fuzz/intel:misp-tag-without-name", ("intel", "import", "{f}"), {"f.json": misp.encode()}
    )
    bare_cr = b"incident_id,theft_date,victim\r\n2025-01-01-x,2025-01-01,a\rb\n"
    yield Case("fuzz/intel:csv-bare-cr-in-field", ("intel", "import", "{f}"), {"f.csv": bare_cr})
    archives = {
        "method-99": _zip_method(99),
        "encrypted": _zip_flags(0x1),
        "empty-name": _zip_named(""),
    }
    for name, archive in archives.items():
        yield Case(f"fuzz/lure-archive:{name}", ("lure", "check", "{f}"), {"f.zip": archive})


def _zip_member() -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("package/index.js", "module.exports = 1;\n")
    return out.getvalue()


def _zip_named(name: str) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(zipfile.ZipInfo(name), "x")
    return out.getvalue()


def _zip_method(method: int) -> bytes:
    """A zip whose member names a compression method ``zipfile`` does not implement."""
    data = bytearray(_zip_member())
    data[8:10] = method.to_bytes(2, "little")  # local header
    central = data.rindex(b"PK\x01\x02")
    data[central + 10 : central + 12] = method.to_bytes(2, "little")
    return bytes(data)


def _zip_flags(flags: int) -> bytes:
    """A zip whose member is flagged encrypted (bit 0)."""
    data = bytearray(_zip_member())
    data[6:8] = flags.to_bytes(2, "little")
    central = data.rindex(b"PK\x01\x02")
    data[central + 8 : central + 10] = flags.to_bytes(2, "little")
    return bytes(data)


def all_cases() -> list[Case]:
    cases: list[Case] = []
    for command, argv, suffix in FILE_COMMANDS:
        extra = {"f2.csv": APPLICANTS} if "{f2}" in " ".join(argv) else {}
        for case in file_cases(command, argv, suffix):
            cases.append(Case(case.id, case.argv, {**case.files, **extra}))
    cases.extend(field_cases())
    cases.extend(param_cases())
    cases.extend(fuzz_cases())
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    return cases
