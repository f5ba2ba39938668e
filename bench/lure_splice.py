"""Lures spliced into real bundles: every JavaScript file of a rebuilt lure that is high on
its own is appended to, and prepended to, large real bundles (from the cached Next.js
tarball: webpack, the app-page runtime, React DOM, terser); the lure must stay high in that
file. Large files get syntax trees of windows only, so this is what shows the windows still
find appended and prepended code.

    nice -n 19 python bench/lure_splice.py [results.json]   # also run by lure.py --part quality
"""

from __future__ import annotations

import shutil
import tarfile
import tempfile
from pathlib import Path

BUNDLES = (
    "package/dist/compiled/webpack/bundle5.js",
    "package/dist/compiled/next-server/app-page.runtime.prod.js",
    "package/dist/compiled/react-dom/cjs/react-dom-client.development.js",
    "package/dist/compiled/terser/bundle.min.js",
)
_JS = (".js", ".cjs", ".mjs", ".ts")


def _bundles(next_tgz: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    with tarfile.open(next_tgz) as tf:
        for name in BUNDLES:
            src = tf.extractfile(name)
            if src is not None:
                out[name.rsplit("/", 1)[-1]] = src.read()
    return out


def spliced(lures: Path, next_tgz: Path) -> dict[str, object]:
    from nkwatch.lure import Severity, check_path

    bundles = _bundles(next_tgz) if next_tgz.exists() else {}
    cases, missed = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        for lure in sorted(p for p in lures.iterdir() if p.is_dir()):
            own = check_path(lure)
            for rel in sorted(
                {
                    f.path
                    for f in own.findings
                    if f.severity == Severity.high and f.path.endswith(_JS)
                }
            ):
                code = (lure / rel).read_bytes()
                for bundle, big in bundles.items():
                    for mode, data in (
                        ("append", big + b"\n" + code),
                        ("prepend", code + b"\n" + big),
                    ):
                        dest = Path(tmp) / "l"
                        shutil.copytree(lure, dest)
                        (dest / rel).write_bytes(data)
                        report = check_path(dest)
                        cases += 1
                        if not any(
                            f.severity == Severity.high and f.path == rel for f in report.findings
                        ):
                            missed.append(f"{lure.name}/{rel} {mode} {bundle}")
                        shutil.rmtree(dest)
    return {"bundles": sorted(bundles), "cases": cases, "missed": missed}


if __name__ == "__main__":
    import json
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from lure import merge
    from lure_inputs import CACHE, LURES, ROOT

    nxt = sorted((CACHE / "npm").glob("next-[0-9]*.tgz"))
    result = spliced(LURES, nxt[-1] if nxt else Path("-"))
    merge(
        Path(sys.argv[1]) if sys.argv[1:] else ROOT / "bench/results/lure.json", {"spliced": result}
    )
    print(json.dumps(result, indent=1))
