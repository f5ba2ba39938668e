"""Hostile and broken files: one clear UserError naming the file, exit 2, store unchanged."""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import pytest
from click.testing import CliRunner

from nkwatch.cli.main import cli
from nkwatch.errors import UserError
from nkwatch.sanctions import repository
from nkwatch.sanctions.model import ListDocument
from nkwatch.sanctions.parsers import parse_list
from nkwatch.settings import Settings
from nkwatch.store import open_store

from .conftest import snapshot

OFAC_NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML"

BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE Sanctions [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Sanctions xmlns="{OFAC_NS}"><DateOfIssue><Year>2025</Year></DateOfIssue>&lol9;</Sanctions>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE CONSOLIDATED_LIST [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:00Z"><INDIVIDUALS><INDIVIDUAL>
<FIRST_NAME>&xxe;</FIRST_NAME><REFERENCE_NUMBER>KPi.999</REFERENCE_NUMBER>
</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""

HTML_PAGE = (
    "<!doctype html><html><head><title>Service Unavailable</title></head><body>503</body></html>"
)


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def _bad_files(tmp_path: Path, un_path: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, a fragment the error message must contain)."""
    un_xml = gzip.decompress(un_path.read_bytes())
    cut = un_xml[: len(un_xml) // 2]
    return {
        "billion_laughs": (_write(tmp_path, "laughs.xml", BILLION_LAUGHS), "DTD"),
        "external_entity": (_write(tmp_path, "xxe.xml", EXTERNAL_ENTITY), "DTD"),
        "truncated_xml": (_write(tmp_path, "cut.xml", cut), "malformed XML at line"),
        "malformed_xml": (
            _write(tmp_path, "bad.xml", b"<CONSOLIDATED_LIST><INDIVIDUALS></ENTITIES>"),
            "malformed XML at line 1",
        ),
        "csv": (
            _write(tmp_path, "list.csv", "name,program\nKIM JONG UN,DPRK\n"),
            "not a recognised",
        ),
        "html": (_write(tmp_path, "sdn.xml", HTML_PAGE), "root element <html>"),
        "empty": (_write(tmp_path, "empty.xml", b""), "not a recognised"),
        "missing": (tmp_path / "nope.xml", "file not found"),
        "directory": (tmp_path, "directory"),
        "corrupt_bz2": (_write(tmp_path, "c.xml.bz2", bz2.compress(un_xml)[:5000]), "compressed"),
        "corrupt_gz": (
            _write(tmp_path, "c.xml.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 50),
            "compressed",
        ),
        "gz_truncated": (_write(tmp_path, "t.xml.gz", un_path.read_bytes()[:50_000]), "compressed"),
        "no_records": (
            _write(
                tmp_path, "none.xml", '<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z"/>'
            ),
            "no INDIVIDUAL or ENTITY",
        ),
    }


CASES = [
    "billion_laughs",
    "external_entity",
    "truncated_xml",
    "malformed_xml",
    "csv",
    "html",
    "empty",
    "missing",
    "directory",
    "corrupt_bz2",
    "corrupt_gz",
    "gz_truncated",
    "no_records",
]


@pytest.mark.parametrize("case", CASES)
def test_parse_list_raises_one_line_user_error(case: str, tmp_path: Path, un_path: Path) -> None:
    path, fragment = _bad_files(tmp_path, un_path)[case]
    with pytest.raises(UserError) as info:
        parse_list(path)
    message = str(info.value)
    assert str(path) in message
    assert fragment in message
    assert "\n" not in message


def test_doctype_beyond_the_sniffed_head_is_still_rejected(tmp_path: Path) -> None:
    # A DOCTYPE hidden behind 70 kB of comment escapes the head check; the parser-level
    # check (and resolve_entities=False) must still stop it without reading the entity.
    from nkwatch.sanctions.xmlsafe import open_xml

    padded = EXTERNAL_ENTITY.replace(
        '<?xml version="1.0"?>', '<?xml version="1.0"?><!--' + "x" * 70_000 + "-->"
    )
    path = _write(tmp_path, "xxe_padded.xml", padded)
    seen: list[str] = []
    with pytest.raises(UserError, match="DTD"), open_xml(path, ("INDIVIDUAL",)) as (events, _):
        for elem in events:
            seen.append(elem.findtext("FIRST_NAME") or "")
    assert not any("root:" in text for text in seen)


def test_cli_import_of_bad_files_exits_2_and_leaves_store_unchanged(
    tmp_path: Path, un_path: Path, un_doc: ListDocument
) -> None:
    db = tmp_path / "store.duckdb"
    with open_store(Settings.from_env({}, db_path=db)) as store:
        repository.import_document(store, un_doc)
        before = snapshot(store)
    runner = CliRunner()
    (tmp_path / "files").mkdir()
    files = _bad_files(tmp_path / "files", un_path)
    for name, (path, fragment) in files.items():
        # A good file next to the bad one must not be imported either (all-or-nothing).
        result = runner.invoke(cli, ["lists", "import", "--db", str(db), str(un_path), str(path)])
        assert result.exit_code == 2, (name, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("nkwatch: error: "), (name, result.stderr)
        assert fragment in lines[0]
        assert "Traceback" not in result.output
    with open_store(Settings.from_env({}, db_path=db)) as store:
        assert snapshot(store) == before
