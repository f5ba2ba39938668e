"""The name-matching hot path runs compiled (mypyc) and gives exactly what the source gives.

setup.py compiles the search path (``kernel.COMPILED``); an install that silently fell back to
the interpreter would pass every other test, only slower, so the first test fails then. The
second runs the same searches in a child process that imports those modules from their
``.py`` sources, and compares every result (party, score, matched name, each feature).
"""

from __future__ import annotations

import pickle
import random
import subprocess
import sys
from pathlib import Path

import pytest

from nkwatch.sanctions.model import Party
from nkwatch.sanctions.names import NameIndex, NameQuery, kernel

# The child: import the hot-path modules from source, then search and pickle the results.
CHILD = """
import importlib.machinery, importlib.util, pickle, sys
from pathlib import Path

FORCED = {"nkwatch.sanctions.names." + m for m in sys.argv[3].split(",")}

class FromSource:
    def find_spec(self, name, path=None, target=None):
        if name not in FORCED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        source = Path(spec.origin).with_name(name.rsplit(".", 1)[1] + ".py")
        return importlib.util.spec_from_file_location(name, source)

sys.meta_path.insert(0, FromSource())
from nkwatch.sanctions.names import NameIndex, NameQuery, kernel

assert not any(b.compiled for b in kernel.module_builds()), kernel.describe()
parties, queries = pickle.loads(Path(sys.argv[1]).read_bytes())
index = NameIndex.build(parties)
results = [index.search(NameQuery(q), limit=10) for q in queries]
Path(sys.argv[2]).write_bytes(pickle.dumps(results))
"""


def test_hot_path_is_compiled_and_current() -> None:
    builds = kernel.module_builds()
    assert [b.name for b in builds] == list(kernel.COMPILED)
    assert all(b.compiled for b in builds), kernel.describe()
    assert all(b.current for b in builds), kernel.describe()


@pytest.mark.timeout(300)
def test_compiled_equals_interpreted(real_parties: tuple[Party, ...], tmp_path: Path) -> None:
    rng = random.Random(5)
    parties = rng.sample(real_parties, 4000)
    names = [n.value for p in parties for n in p.names]
    queries = rng.sample(names, 250) + ["김정은", "Kim Jong Un", "延边银星网络科技有限公司", "Иван"]
    queries += [q.upper()[::-1] for q in rng.sample(names, 50)]  # no real hit: penalty paths
    case, out = tmp_path / "case.pickle", tmp_path / "out.pickle"
    case.write_bytes(pickle.dumps((parties, queries)))
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(case), str(out), ",".join(kernel.COMPILED)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    interpreted = pickle.loads(out.read_bytes())
    index = NameIndex.build(parties)
    compiled = [index.search(NameQuery(q), limit=10) for q in queries]
    assert sum(len(r) for r in compiled) > 500  # not a vacuous comparison
    for query, mine, theirs in zip(queries, compiled, interpreted, strict=True):
        assert mine == theirs, query
