"""Japanese readings of kanji (and kana) names: modified Hepburn through cutlet + UniDic.

A Han-script name may be Chinese or Japanese, and their readings share nothing (``後藤忠正``
is ``hou teng zhong zheng`` in pinyin, ``Goto Tadamasa`` in Japanese). Kanji readings depend
on the word (on/kun readings, name readings), so a dictionary tokenizer is needed: cutlet
segments with MeCab and UniDic (``unidic-lite``) and romanises in Hepburn. Long vowels come
out as ``ou``/``uu`` (``Gotou``); the phonetic key folds them to the lists' ``Goto``.

Only plausibly Japanese names get this reading, to keep readings per name few:

* any kana, or a kanji form or word used in Japan and not in Chinese (``実``, ``株式会社``);
* a personal name of 4-5 kanji (a Chinese one has 2-3 unless its surname is compound);
* a 3-kanji personal name starting with one of the commonest two-kanji Japanese surnames
  (one-kanji ones such as 林 are common Chinese surnames too).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Protocol

_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
# Shinjitai forms Chinese writes differently (実 vs 实/實, 沢 vs 泽/澤 ...) and Japanese-only
# company or group words.
_JAPANESE_FORMS = frozenset("実沢浜桜県駅広栄辺斎亜円売読込峠畑辻働薬伝団図労戦")
_JAPANESE_WORDS = ("株式会社", "有限会社", "合同会社", "代目", "一家")
# Commonest Japanese surnames (national frequency lists); two-kanji ones only.
_SURNAMES = frozenset(
    [
        "佐藤",
        "鈴木",
        "高橋",
        "田中",
        "伊藤",
        "渡辺",
        "渡邊",
        "山本",
        "中村",
        "小林",
        "加藤",
        "吉田",
        "山田",
        "山口",
        "松本",
        "井上",
        "木村",
        "斎藤",
        "清水",
        "山崎",
        "池田",
        "橋本",
        "阿部",
        "石川",
        "山下",
        "中島",
        "石井",
        "小川",
        "前田",
        "岡田",
        "藤田",
        "後藤",
        "近藤",
        "村上",
        "遠藤",
        "青木",
        "坂本",
        "福田",
        "太田",
        "西村",
        "藤井",
        "金子",
        "岡本",
        "藤原",
        "中野",
        "三浦",
        "原田",
        "中川",
        "松田",
        "竹内",
        "小野",
        "田村",
        "中山",
        "和田",
        "石田",
        "森田",
        "上田",
        "柴田",
        "酒井",
        "工藤",
        "横山",
        "宮崎",
        "宮本",
        "内田",
        "高木",
        "安藤",
        "島田",
        "谷口",
        "大野",
        "高田",
        "丸山",
        "今井",
        "河野",
        "藤本",
        "村田",
        "武田",
        "上野",
        "杉山",
        "増田",
        "小山",
        "大塚",
        "平野",
        "菅原",
        "久保",
        "松井",
        "千葉",
        "岩崎",
        "桜井",
        "木下",
        "野口",
        "松尾",
        "菊地",
        "野村",
        "新井",
        "渡部",
        "佐野",
        "杉本",
        "山内",
        "大西",
        "吉川",
        "西田",
        "北村",
        "小島",
        "水野",
        "平田",
        "五十嵐",
        "市川",
        "服部",
        "岩田",
        "古川",
    ]
)
# Chinese compound surnames: a 4-character name starting with one is Chinese.
_CHINESE_COMPOUND = ("欧阳", "歐陽", "司马", "司馬", "上官", "诸葛", "諸葛", "东方", "東方",
                     "皇甫", "尉迟", "尉遲", "公孙", "公孫", "慕容", "长孙", "長孫", "宇文",
                     "司徒", "夏侯", "令狐", "端木", "轩辕", "軒轅")  # fmt: skip


class _Romaniser(Protocol):
    def romaji(self, text: str, capitalize: bool = ...) -> str: ...


@cache
def _cutlet() -> _Romaniser:
    """The tokenizer loads UniDic once, on the first Japanese name (not at import)."""
    import cutlet  # type: ignore[import-untyped]

    katsu: _Romaniser = cutlet.Cutlet("hepburn")
    katsu.use_foreign_spelling = False  # type: ignore[attr-defined]
    return katsu


def plausible(name: str, *, is_person: bool) -> bool:
    """Whether a (lower-cased) name that has Han characters may be Japanese."""
    if _KANA.search(name) or any(w in name for w in _JAPANESE_WORDS):
        return True
    if _JAPANESE_FORMS.intersection(name):
        return True
    if not is_person:
        return False
    han = "".join(ch for ch in name if "\u4e00" <= ch <= "\u9fff")
    if 4 <= len(han) <= 5:
        return not han.startswith(_CHINESE_COMPOUND)
    return len(han) == 3 and han[:2] in _SURNAMES


def romanize(text: str) -> str:
    """Hepburn romaji of a Japanese run (kanji and kana), lower case; ``?`` for unknown."""
    return _cutlet().romaji(text, capitalize=False).lower()
