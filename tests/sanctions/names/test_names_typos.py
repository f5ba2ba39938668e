"""Typo-proof candidate generation: a mistyped word still reaches its name among many others.

Each case has more same-share rivals than the candidate step keeps (``TIED_CANDIDATES``),
with the true name filed last, so only the typo path can bring it into scoring.
"""

from __future__ import annotations

from nkwatch.sanctions.model import Party, PartyName, Schema
from nkwatch.sanctions.names import NameIndex, NameQuery
from nkwatch.sanctions.names.index import TIED_CANDIDATES
from nkwatch.sanctions.names.normalize import analyze

_GIVEN = ["Ahmad", "Bashir", "Dawud", "Farid", "Ghalib", "Hamid", "Jamil", "Khalid", "Latif"]
_MIDDLE = ["Nasir", "Qasim", "Rashid", "Samir", "Tariq", "Wasim", "Yasin", "Zafar"]


def _party(eid: str, name: str, schema: Schema = Schema.PERSON) -> Party:
    return Party(eid, "test", schema, (PartyName(name),))


def _rivals(pattern: str, schema: Schema) -> list[Party]:
    names = [pattern.format(f"{g} {m}") for g in _GIVEN for m in _MIDDLE]
    assert len(names) > TIED_CANDIDATES
    return [_party(f"r{k}", n, schema) for k, n in enumerate(names)]


def texts(name: str) -> list[tuple[str, ...]]:
    """Token texts of each organisation reading of ``name``."""
    return [tuple(t.text for t in f.tokens) for f in analyze(name, is_person=False)]


def _top(parties: list[Party], query: str) -> str:
    return NameIndex.build(parties).search(NameQuery(query), limit=3)[0].entity_id


def test_two_swapped_letters_that_spell_another_filed_word() -> None:
    # 'Siidki' keys like 'Sitki', a name some party has, so its key is no typo by itself;
    # as written it is one swap from 'Sidiki', whose key it misses
    parties = [*_rivals("{} Abbas", Schema.PERSON), _party("sitki", "Sitki Demir")]
    parties.append(_party("true", "Sidiki Abbas"))
    assert _top(parties, "Siidki Abbas") == "true"


def test_dropped_and_doubled_letters_of_a_filed_word() -> None:
    parties = [*_rivals("Amir {}", Schema.PERSON), _party("rehmi", "Rehmi Tas")]
    parties.append(_party("true", "Amir Rahimi"))
    assert _top(parties, "amir raihmi") == "true"  # 'ai' keys as 'e': 'rehmi', not 'rahimi'
    assert _top(parties, "AMIR RAHIMMI") == "true"


def test_person_reading_of_a_company_name_does_not_outrank_its_company_reading() -> None:
    # read as a person's name, 'joint stock' is two words joined into a key that every
    # 'Joint Stock Bank ...' has; read as a company's, the name is the one word it has in full
    parties = _rivals("Joint Stock Bank {}", Schema.ORGANIZATION)
    parties.append(_party("true", "Joint Stock Company Iliadis", Schema.ORGANIZATION))
    assert _top(parties, "Joint Stoock Company Iliadis") == "true"


def test_legal_phrase_with_a_letter_left_out_of_a_five_letter_word() -> None:
    assert texts("Jint Stock Company Quorum") == texts("Joint Stock Company Quorum")
    assert texts("Open Jont Stock Company Mostotrest") == texts(
        "Open Joint Stock Company Mostotrest"
    )
    assert texts("Joint Stoc Company Scan") == texts("Joint Stock Company Scan")


def test_missing_space_beside_a_long_legal_word() -> None:
    assert texts("limited liability companyksk ltd") == texts("Limited Liability Company KSK LTD")
    assert texts("BINRINLIMITED") == texts("Binrin Limited")
    assert texts("Unlimited") == [("unlimited",)]  # 'un' is too short to be a word of its own
    parties = _rivals("Limited Liability Company {}", Schema.ORGANIZATION)
    parties.append(_party("true", "Limited Liability Company Globaltek", Schema.ORGANIZATION))
    assert _top(parties, "LIMITED LIABILITY COMPANYGLOBALTEK") == "true"
