"""Cross-script readings of organisation names: English loanwords in Cyrillic, two-way
glossary words, Han/Hangul syllables that spell a foreign name, generic-only names."""

from __future__ import annotations

import pytest

from nkwatch.sanctions.model import Party, PartyName, Schema
from nkwatch.sanctions.names import NameIndex, NameQuery
from nkwatch.sanctions.names.keys import form_keys
from nkwatch.sanctions.names.normalize import analyze
from nkwatch.sanctions.names.translit import glossary, loanword
from nkwatch.sanctions.names.variants import phonetic_key


@pytest.mark.parametrize(
    ("cyrillic", "english"),
    [
        ("маритайм", "maritime"),
        ("ассистанс", "assistance"),
        ("гиперспэйс", "hyperspace"),
        ("трейдинг", "trading"),
        ("геопромайнинг", "geopromining"),
        ("дистрибюшънс", "distributions"),
        ("солюшн", "solution"),
        ("диджитал", "digital"),
        ("джетком", "jetkom"),  # initial дж is j; the key folds k/c
        ("эмердженси", "emergency"),
        ("технолоджи", "technology"),
        ("аддитив", "additive"),
        ("эксперт", "expert"),
        ("фрейм", "frame"),
        ("лайнз", "lines"),
        ("юнисервис", "uniservice"),
        ("евробет", "eurobet"),
    ],
)
def test_loanword_spelled_back_in_english(cyrillic: str, english: str) -> None:
    assert loanword.romanize(cyrillic) == english


@pytest.mark.parametrize(
    "word",
    [
        "москва",
        "завод",
        "сергей",
        "банк",
        "групп",
        "николай",
        "китай",
        "юрьевна",
    ],
)
def test_native_words_get_no_loanword_reading(word: str) -> None:
    assert loanword.romanize(word) is None


def test_loanword_reading_is_for_organisations_only() -> None:
    org = {f.text for f in analyze("ООО Маритайм Ассистанс", is_person=False)}
    assert "llc maritime assistance" in org
    assert "llc maritaym assistans" in org  # BGN/PCGN kept beside it
    person = {f.text for f in analyze("Маритайм Ассистанс", is_person=True)}
    assert person == {"maritaym assistans"}


def test_glossary_word_with_two_renderings_gives_both() -> None:
    assert glossary.russian_renderings("решения") == (("solutions",), ("decisions",))
    assert glossary.russian("решения") == ("solutions",)  # the usual one first
    texts = {f.text for f in analyze("ООО Новые Решения", is_person=False)}
    assert {"llc new solutions", "llc new decisions"} <= texts


def test_bulgarian_spellings_in_the_glossary() -> None:
    assert glossary.russian("национална") == ("national",)
    assert glossary.russian("националист") is None  # whole words only: not "national"
    assert glossary.russian("лотария") == ("lottery",)


def test_han_syllables_are_never_legal_forms_or_particles() -> None:
    # 薩 is "sa" (S.A. as a Latin token), 達 "da", 德 "de": syllables of a name here
    form = analyze("薩利塔貿易有限公司", is_person=False)[0]
    sa = form.tokens[0]
    assert (sa.text, sa.legal, sa.share) == ("sa", False, 1.0)
    latin = analyze("SA Trading", is_person=False)[0].tokens[0]
    assert latin.legal  # a Latin "SA" is still the legal form


def test_three_syllables_spelling_one_latin_word_share_a_key() -> None:
    keys = set().union(*(form_keys(f) for f in analyze("薩利塔貿易有限公司", is_person=False)))
    assert phonetic_key("salita") in keys
    keys = set().union(*(form_keys(f) for f in analyze("依明巴海艾力更", is_person=True)))
    assert phonetic_key("yimingbahai") in keys


def test_a_name_of_generic_words_only_is_still_filed() -> None:
    assert form_keys(analyze("LLC MV", is_person=False)[0])


def _index(names: list[str]) -> NameIndex:
    parties = [
        Party(f"o{i}", "t", Schema.ORGANIZATION, (PartyName(n),)) for i, n in enumerate(names)
    ]
    return NameIndex.build(parties)


def test_cyrillic_loanword_name_finds_its_english_listing() -> None:
    index = _index(
        [
            "Maritime Assistance LLC",
            "Al Aqsa Assistance Charitable Council",
            "Maritime Bank",
            "Hyperspace Technologies LLC",
            "Supreme Council of Cyberspace",
        ]
    )
    top = index.search(NameQuery("ООО Маритайм Ассистанс"), limit=3)
    assert top[0].entity_id == "o0"
    top = index.search(NameQuery("ООО Гиперспэйс Технологии"), limit=3)
    assert top[0].entity_id == "o3"


def test_chinese_transcription_of_a_western_name_finds_it() -> None:
    index = _index(["Salita Trade Limited", "Sali Trading Co", "Lita Trade Limited"])
    assert index.search(NameQuery("薩利塔貿易有限公司"), limit=3)[0].entity_id == "o0"


def test_initialism_spelt_by_english_letter_names() -> None:
    assert loanword.initialism("юэсэм") == "usm"
    assert loanword.initialism("эмэс") is None  # two letters: too short to tell from a word
    texts = {f.text for f in analyze("ЮЭсЭм Цемент ООО", is_person=False)}
    assert "usm cement llc" in texts


def test_letters_and_digits_keyed_run_by_run() -> None:
    assert phonetic_key("skay17") == phonetic_key("skai") + "17"
    assert phonetic_key("2000") == "2000"
    index = _index(["Limited Liability Company Skay17", "Sky Lines"])
    assert index.search(NameQuery("ООО Скай17"), limit=2)[0].entity_id == "o0"


def test_taiwanese_company_read_in_wade_giles_with_its_glossary_words() -> None:
    texts = {f.text for f in analyze("瑞邦海運股份有限公司", is_person=False)}
    assert "jui pang shipping co ltd" in texts
    # mainland (simplified) names get no Wade-Giles glossary reading
    texts = {f.text for f in analyze("瑞邦海运股份有限公司", is_person=False)}
    assert "jui pang shipping co ltd" not in texts


def test_transliterated_russian_descriptors_weigh_like_their_english_words() -> None:
    form = analyze("Kompaniya Planar", is_person=False)[0]
    assert [t.share for t in form.tokens] == [0.1, 1.0]
    assert loanword.romanize("икс") is None  # an abbreviation, not "ix" (nine)


def test_korean_general_corporation_is_a_legal_form() -> None:
    texts = {f.text for f in analyze("대진무역총회사", is_person=False)}
    assert "tae jin trading general corp" in texts


def test_chinese_transcription_of_a_foreign_company_name_read_as_one_word() -> None:
    texts = {f.text for f in analyze("托爾幹有限公司", is_person=False)}
    assert "torgan co ltd" in texts  # tuo -> to, 爾 after a syllable -> r
    texts = {f.text for f in analyze("米达斯照明", is_person=False)}
    assert "midas lighting" in texts
    # a personal name is no transcription, even read as an organisation's
    assert all(" " in f.text for f in analyze("刘德华", is_person=False))


def test_descriptor_syllables_weigh_what_the_translated_word_weighs() -> None:
    form = analyze("亞新電子科技有限公司", is_person=False)[0]  # plain pinyin reading
    shares = {t.text: t.share for t in form.tokens}
    assert shares["ke"] == shares["ji"] == 0.35  # 科技 = technology, a descriptor
    assert shares["ya"] == shares["xin"] == shares["dian"] == 1.0  # name and content words
    person = analyze("李科技", is_person=True)[0]  # a person's syllables are names
    assert all(t.share == 1.0 for t in person.tokens)
