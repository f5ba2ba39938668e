"""Readings added for cross-script recall: syllable joins, ё, Belarusian, Russian glossary."""

from __future__ import annotations

import pytest

from nkwatch.sanctions.model import Party, PartyName, Schema
from nkwatch.sanctions.names import NameIndex, NameQuery
from nkwatch.sanctions.names.keys import form_keys
from nkwatch.sanctions.names.normalize import analyze
from nkwatch.sanctions.names.translit import cantonese, glossary
from nkwatch.sanctions.names.translit.cyrillic import is_belarusian, romanize_belarusian
from nkwatch.sanctions.names.variants import phonetic_key


def _texts(name: str, *, person: bool) -> list[str]:
    return [f.text for f in analyze(name, is_person=person)]


def test_hanzi_syllables_share_a_key_with_the_joined_latin_word() -> None:
    hanzi = set().union(*(form_keys(f) for f in analyze("刘翠英", is_person=True)))
    latin = set().union(*(form_keys(f) for f in analyze("Liu Cuiying", is_person=True)))
    # "cuiying" is one Latin word: its key is not the concatenation of the syllable keys
    assert phonetic_key("cuiying") != phonetic_key("cui") + phonetic_key("ying")
    assert phonetic_key("cuiying") in hanzi & latin


def test_chinese_person_reaches_pinyin_written_as_two_words() -> None:
    parties = [
        Party(f"p{i}", "t", Schema.PERSON, (PartyName(n),))
        for i, n in enumerate(["Liu Cuiying", "Liu Ying", "Li Cui", "Wu Weihua", "Wu Hua"])
    ]
    index = NameIndex.build(parties)
    assert index.search(NameQuery("刘翠英"), limit=3)[0].entity_id == "p0"
    assert index.search(NameQuery("武维华"), limit=3)[0].entity_id == "p3"


def test_yo_gets_its_english_spelling_as_a_second_reading() -> None:
    texts = _texts("Евгений Алексеевич Фёдоров", person=True)
    assert texts[0] == "yevgeniy alekseyevich fedorov"  # BGN/PCGN
    assert "yevgeniy alekseyevich fyodorov" in texts
    assert _texts("Хрущёв", person=True) == ["khrushchev", "khrushchov"]  # o after щ, not yo


def test_belarusian_names_get_the_passport_romanisation() -> None:
    assert is_belarusian("аземша сяргей якаўлевіч")
    assert not is_belarusian("сергей викторович лавров")
    assert romanize_belarusian("сяргей") == "siarhei"
    assert romanize_belarusian("наталля") == "natallia"
    assert romanize_belarusian("мікалаеўна") == "mikalaeuna"
    texts = _texts("Аземша Сяргей Якаўлевiч", person=True)  # Latin i as published
    assert "azemsha siarhei yakaulevich" in texts


@pytest.mark.parametrize(
    "group",
    [
        "yevgeniy evgenii yevgeny",
        "alekseyevich alekseevich",
        "natalya natallia natalia",
        "konoveyev konoveev",
    ],
)
def test_slavic_spellings_share_a_key(group: str) -> None:
    assert len({phonetic_key(w) for w in group.split()}) == 1


def test_key_keeps_myint_apart_from_mint() -> None:
    assert phonetic_key("myint") != phonetic_key("mint")


def test_russian_glossary_matches_stems_with_inflection_endings_only() -> None:
    assert glossary.russian("государственная") == ("state",)
    assert glossary.russian("завода") == ("plant",)
    assert glossary.russian("банкротство") is None  # "банк" + 7 letters is not an ending
    assert glossary.russian("газ") == ("gas",)
    assert glossary.russian("газета") is None  # whole-word entry
    assert glossary.russian("объединённая") == ("united",)  # ё looked up as е


def test_place_adjectives_read_as_their_place() -> None:
    assert glossary.toponym("казанский") == "казан"
    assert glossary.toponym("донецкого") == "донец"
    assert glossary.toponym("завод") is None
    texts = _texts(
        "Акционерное Общество Казанский Завод Компрессорного Машиностроения", person=False
    )
    assert texts[0] == "jsc kazanskiy zavod kompressornogo mashinostroyeniya"
    assert "jsc kazanskiy plant compressor machine building" in texts
    assert "jsc kazan plant compressor machine building" in texts


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Объединенная Судостроительная Корпорация", "united shipbuilding corp"),
        ("ООО Новые Технологии", "llc new technologies"),
        ("Общество с ограниченной ответственностью Белое Золото", "llc white gold"),
        ("Товариство з обмеженою відповідальністю Імператив", "llc imperatyv"),
    ],
)
def test_russian_organisation_names_read_word_by_word(name: str, expected: str) -> None:
    assert expected in _texts(name, person=False)


def test_russian_legal_forms_fold_to_their_english_equivalents() -> None:
    assert _texts("OOO Arsenal", person=False) == ["llc arsenal"]
    assert _texts("ООО Арсенал", person=False)[0] == "llc arsenal"
    assert analyze("ПАО Сбербанк", is_person=False)[0].tokens[0].text == "pjsc"
    assert analyze("АО Сбербанк", is_person=False)[0].tokens[0].text == "jsc"


@pytest.mark.parametrize(
    ("name", "person", "reading"),
    [
        ("後藤忠正", True, "gotou tadamasa"),  # 4 kanji: a Japanese personal name
        ("高木康男", True, "takagi yasuo"),
        ("東洋信用実業株式会社", False, "touyou shinyou jitsugyou co ltd"),  # 実, 株式会社
    ],
)
def test_plausibly_japanese_names_get_a_hepburn_reading(
    name: str, person: bool, reading: str
) -> None:
    forms = analyze(name, is_person=person)
    assert forms[0].translit == "Hanzi -> pinyin"  # pinyin stays the first reading
    assert (reading, "Kanji -> Hepburn") in [(f.text, f.translit) for f in forms]


@pytest.mark.parametrize("name", ["刘翠英", "习近平", "延边银星网络科技有限公司"])
def test_chinese_names_get_no_japanese_reading(name: str) -> None:
    for person in (True, False):
        assert all(f.translit != "Kanji -> Hepburn" for f in analyze(name, is_person=person))


def test_japanese_reading_meets_the_published_latin_name() -> None:
    parties = [
        Party("goto", "t", Schema.PERSON, (PartyName("GOTO Tadamasa"),)),
        Party("hou", "t", Schema.PERSON, (PartyName("HOU Teng"),)),
    ]
    top = NameIndex.build(parties).search(NameQuery("後藤忠正"), limit=2)[0]
    assert top.entity_id == "goto"


def test_chinese_glossary_reads_company_words() -> None:
    texts = _texts("香港昆侖船務有限公司", person=False)
    assert "hong kong kun lun shipping co ltd" in texts


@pytest.mark.parametrize(
    ("jyutping", "hk"),
    [
        ("zoeng1", "cheung"),
        ("gwok3", "kwok"),
        ("jyun4", "yuen"),
        ("ceoi4", "chui"),
        ("lou4", "lo"),
        ("ng4", "ng"),
        ("waa4", "wa"),
    ],
)
def test_jyutping_respelled_the_hong_kong_way(jyutping: str, hk: str) -> None:
    assert cantonese.syllable(jyutping) == hk


def test_hong_kong_names_get_a_cantonese_reading() -> None:
    forms = analyze("趙詠蘭", is_person=True)
    assert ("chiu wing lan", "Hanzi -> Cantonese (HK)") in [(f.text, f.translit) for f in forms]
    org = [f.text for f in analyze("鴻祥海運(香港)有限公司", is_person=False)]
    assert "hung cheung hoi wan heung kong co ltd" in org
    # a mainland company name does not say Hong Kong: no Cantonese reading
    assert all(
        f.translit != "Hanzi -> Cantonese (HK)"
        for f in analyze("延边银星网络科技有限公司", is_person=False)
    )


def test_cantonese_reading_meets_a_hong_kong_name() -> None:
    parties = [
        Party("hk", "t", Schema.PERSON, (PartyName("CHIU Margaret Wing Lan"),)),
        Party("zh", "t", Schema.PERSON, (PartyName("Zhao Yong"),)),
    ]
    top = NameIndex.build(parties).search(NameQuery("趙詠蘭"), limit=2)[0]
    assert top.entity_id == "hk"


def test_hangul_tables_differ_from_mccune_reischauer_only_where_the_systems_do() -> None:
    from nkwatch.sanctions.names.translit.hangul import _INITIAL_VOICELESS, System

    mr, dprk, rr = (_INITIAL_VOICELESS[s] for s in (System.MR, System.DPRK, System.RR))
    assert [i for i in range(19) if mr[i] != dprk[i]] == [12, 13, 15, 16, 17]
    assert [rr[i] for i in (0, 3, 7, 12)] == ["g", "d", "b", "j"]


def test_ukrainian_is_decided_on_the_whole_name() -> None:
    # "Луганська" has no Ukrainian-only letter; "Республіка" beside it makes г an h
    texts = _texts("Луганська Народна Республіка", person=False)
    assert texts[0] == "luhanska narodna respublika"
    assert "luhanska peoples republic" in texts  # Ukrainian і looked up as Russian и
    assert _texts("Сергей Лавров", person=True) == ["sergey lavrov"]


def test_transliterated_russian_legal_phrase_spellings_fold() -> None:
    for name in (
        "Obshchestvo S Ogranichennoi Otvetstvennostyu Progress",
        "Obshchestvo s Ogranichennoy Otvetstvennostyu Progress",
        "OOO Progress",
    ):
        assert _texts(name, person=False) == ["llc progress"]


def test_korean_glossary_reads_dprk_organisation_words() -> None:
    assert _texts("로케트공업부", person=False)[-1] == "rocket industry department"
    assert "un song internet technology co" in _texts("은성인터네트기술회사", person=False)
