"""Real lists: withheld non-Latin names find their party through transliteration alone."""

from __future__ import annotations

import pytest

from nkwatch.sanctions.model import Party
from nkwatch.sanctions.names import DEFAULT_THRESHOLD, NameIndex, NameQuery

NON_LATIN = {"Hang", "Hani", "Hans", "Hant", "Cyrl"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def latin_only(real_parties: tuple[Party, ...]) -> tuple[NameIndex, dict[str, Party]]:
    """The full OFAC + UN corpus with every Hangul, Chinese and Cyrillic name withheld."""
    kept = []
    for p in real_parties:
        names = tuple(n for n in p.names if n.script not in NON_LATIN)
        if names:
            kept.append(Party(p.entity_id, p.list_id, p.schema, names, p.programs))
    return NameIndex.build(kept), {p.entity_id: p for p in real_parties}


@pytest.mark.parametrize(
    ("entity_id", "script"),
    [
        ("ofac-24979", "Hang"),  # 정성화 / Jong Song Hwa
        ("ofac-43598", "Hang"),  # 최철민 / Choe Chol Min
        ("ofac-51328", "Hang"),  # 리창호 / Ri Chang Ho
        ("ofac-22609", "Hans"),  # 李红日 / LI Hong Ri
        ("ofac-22614", "Hans"),  # 丹东天富贸易有限公司 / Dandong Tianfu Trade Co., Ltd.
        ("ofac-24977", "Hans"),  # 延边银星网络科技有限公司 / Yanbian Silverstar Network Technology
        ("ofac-16659", "Cyrl"),  # Клишас Андрей Александрович / Klishas Andrey Aleksandrovich
        ("ofac-16661", "Cyrl"),  # Мизулина Елена Борисовна / MIZULINA Yelena Borisovna
    ],
)
def test_withheld_name_ranks_its_party_first(
    latin_only: tuple[NameIndex, dict[str, Party]], entity_id: str, script: str
) -> None:
    index, by_id = latin_only
    names = [n.value for n in by_id[entity_id].names if n.script == script]
    assert names, f"{entity_id} has no {script} name in this snapshot"
    for name in names:
        top = index.search(NameQuery(name), limit=5)
        assert top[0].entity_id == entity_id, (name, [(m.entity_id, m.score) for m in top])
        assert top[0].score >= DEFAULT_THRESHOLD
        assert any(f.name == "transliteration" for f in top[0].explanation)


def test_full_index_kim_jong_un(real_index: NameIndex) -> None:
    top = real_index.search(NameQuery("김정은"), limit=10)
    assert top[0].matched_name.value.lower().replace("-", " ") == "kim jong un"
    man = real_index.search(NameQuery("KIM Jong Man"), limit=10)
    assert all(
        m.score < DEFAULT_THRESHOLD for m in man if "jong un" in m.matched_name.value.lower()
    )
