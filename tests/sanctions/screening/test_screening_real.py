"""The screener on the real bundled OFAC + UN lists."""

from __future__ import annotations

import pytest

from nkwatch.errors import UserError
from nkwatch.sanctions.model import CryptoAddress, Party, PartyName, PostalAddress, Schema
from nkwatch.sanctions.names import DEFAULT_THRESHOLD, NameQuery
from nkwatch.sanctions.screening import RelatedParty, Screener, dprk_reasons

MATCH_KEYS = {
    "entity_id",
    "list",
    "name",
    "matched_name",
    "score",
    "programs",
    "dprk_linked",
    "related",
    "explanation",
}
TIAN_YINYIN_BTC = "134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak"
SIM_HYON_SOP_EVM = "0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c"
LAZARUS_ETH = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"


def test_tian_yinyin_address_reports_support_to_lazarus(screener: Screener) -> None:
    result = screener.screen_address(TIAN_YINYIN_BTC)
    assert result.hit
    (match,) = result.matches
    assert match.name == "Tian Yinyin"
    assert set(match.programs) == {"CYBER2", "DPRK3"}
    assert match.list_version.startswith("us_ofac_sdn@2025-11-19#")
    lazarus = [r for r in match.related if r.name == "Lazarus Group"]
    assert lazarus and lazarus[0].relationship == "Providing support to"
    assert lazarus[0].direction == "outgoing" and lazarus[0].dprk_program
    assert match.dprk_linked
    assert "providing support to Lazarus Group (DPRK program)" in match.dprk.reasons
    payload = result.to_json()
    assert set(payload) == {"query", "list_versions", "matches"}
    assert set(payload["matches"][0]) == MATCH_KEYS
    assert payload["query"]["detected_chain"] == "XBT"
    assert len(payload["list_versions"]) == 2


def test_sim_hyon_sop_is_dprk_linked_without_a_dprk_program(screener: Screener) -> None:
    # Listed under NPWMD only; the list still ties him to North Korea: a KP passport, born
    # in Pyongyang, acting for Korea Kwangson Banking Corp (based in KP), NKSR remarks.
    result = screener.screen_address(SIM_HYON_SOP_EVM.upper().replace("0X", "0x"), "BSC")
    (match,) = result.matches
    assert match.name == "Sim Hyon Sop" and match.programs == ("NPWMD",)
    assert match.dprk_linked
    reasons = " | ".join(match.dprk.reasons)
    assert "Passport issued by KP" in reasons
    assert "KOREA KWANGSON BANKING CORP (based in KP)" in reasons
    assert not any(r.startswith("program ") for r in match.dprk.reasons)
    explanation = " ".join(f.detail for f in match.explanation)
    assert "ARB" in explanation and "BSC" in explanation and "ETH" in explanation


def test_lazarus_address_lists_its_supporters(screener: Screener) -> None:
    (match,) = screener.screen_address(LAZARUS_ETH.lower(), "ETH").matches
    assert match.name == "Lazarus Group"
    supporters = {r.name for r in match.related if r.direction == "incoming"}
    assert {"Tian Yinyin", "Li Jiadong"} <= supporters


def test_clean_and_invalid_addresses(screener: Screener) -> None:
    clean = screener.screen_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
    assert not clean.hit and clean.to_json()["matches"] == []
    broken = LAZARUS_ETH[:5] + LAZARUS_ETH[5].swapcase() + LAZARUS_ETH[6:]
    with pytest.raises(UserError, match=r"^invalid EIP-55 checksum in 0x098b716B8Aaf"):
        screener.screen_address(broken)


def test_hangul_name_finds_kim_jong_un(screener: Screener) -> None:
    result = screener.screen_name(NameQuery("김정은"))
    assert result.hit
    top = result.matches[0]
    assert top.name == "Kim Jong Un" and top.dprk_linked and "DPRK3" in top.programs
    scores = [m.score for m in result.matches]
    assert scores == sorted(scores, reverse=True)
    assert all(s >= DEFAULT_THRESHOLD for s in scores)
    assert {f.name for f in top.explanation} >= {"list_version", "dprk_linked"}
    assert set(result.to_json()["matches"][0]) == MATCH_KEYS


def test_threshold_filters_matches(screener: Screener) -> None:
    loose = screener.screen_name(NameQuery("Kim Jong"), threshold=0.3)
    strict = screener.screen_name(NameQuery("Kim Jong"), threshold=0.99)
    assert len(loose.matches) > len(strict.matches)
    assert all(m.score >= 0.3 for m in loose.matches)
    with pytest.raises(UserError, match="threshold"):
        screener.screen_name(NameQuery("Kim Jong"), threshold=1.5)


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "empty name"), ("  ", "empty name"), ("A" * 1_048_576, "name too long")],
)
def test_bad_names(screener: Screener, name: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        screener.screen_name(NameQuery(name))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (NameQuery("Kim Jong Un", country="ZZZ"), "ISO 3166-1 alpha-2"),
        (NameQuery("Kim Jong Un", birth_date="8 Jan 1984"), "ISO 8601"),
        (NameQuery("Kim Jong Un", birth_date="1984-13"), "ISO 8601"),
    ],
)
def test_bad_query_facts(screener: Screener, query: NameQuery, message: str) -> None:
    with pytest.raises(UserError, match=message):
        screener.screen_name(query)
    assert screener.screen_name(NameQuery("Kim Jong Un", country="KP", birth_date="1984")).hit


def _party(**kwargs: object) -> Party:
    base: dict[str, object] = {
        "entity_id": "t-1",
        "list_id": "us_ofac_sdn",
        "schema": Schema.PERSON,
        "names": (PartyName("Test Person"),),
    }
    base.update(kwargs)
    return Party(**base)  # type: ignore[arg-type]


def test_dprk_reasons_rules() -> None:
    assert dprk_reasons(_party(programs=("RUSSIA-EO14024",), countries=("RU",)), []) == ()
    assert dprk_reasons(_party(programs=("DPRK2",)), []) == ("program DPRK2",)
    assert dprk_reasons(_party(programs=("UN-DPRK",)), []) == ("program UN-DPRK",)
    assert dprk_reasons(_party(nationalities=("KP",)), []) == ("nationality KP (North Korea)",)
    assert dprk_reasons(_party(addresses=(PostalAddress("Pyongyang", "KP"),)), []) == (
        "address in KP (North Korea)",
    )
    support = RelatedParty("ofac-27307", "Lazarus Group", "Providing support to", "outgoing", True)
    assert dprk_reasons(_party(), [support]) == (
        "providing support to Lazarus Group (DPRK program)",
    )
    agent = RelatedParty("x", "Agent", "Acting for or on behalf of", "incoming", False)
    assert dprk_reasons(_party(), [agent]) == ()
    assert dprk_reasons(_party(countries=("KP",)), []) == ("country link KP (North Korea)",)
    assert _party(crypto_addresses=(CryptoAddress("ETH", LAZARUS_ETH),)).crypto_addresses
