"""Party-level evidence around a name score: weak aliases, schema, birth date, country, identifiers.

A name score says how alike two names are; these facts say whether the candidate can be the
same party. Each adjustment is a :class:`Feature` so the analyst sees why a score moved.
"""

from __future__ import annotations

import re

from nkwatch.sanctions.model import DPRK_PROGRAMS, Identifier, Party, PartyName
from nkwatch.sanctions.names.model import DEFAULT_THRESHOLD, Feature, NameQuery

# A weak (low-quality) alias alone stays visibly below the hit threshold.
WEAK_ALIAS_CAP = round(DEFAULT_THRESHOLD - 0.1, 2)
SCHEMA_MISMATCH = -0.25
DOB_AGREE, DOB_CONFLICT = 0.05, -0.15
COUNTRY_AGREE, COUNTRY_CONFLICT = 0.03, -0.05
IDENTIFIER_MATCH = 0.3
_NON_ALNUM = re.compile(r"[^0-9A-Z]")


_KOREA = frozenset({"KP", "KR"})


def korea_linked(party: Party) -> bool:
    """Whether Han characters may name this party in their Korean reading: a DPRK programme,
    a Korean nationality, country, address or document, or a name written in Hangul. A party
    with no programme and no country at all (a pairwise comparison) is not ruled out.

    A Chinese name read in Korean is a Korean name only by accident (周娜 read 주나 is "Chu Na",
    but the listed CHU Na is 初娜): the Korean reading is tried for the parties it can name."""
    if not party.programs and not party.countries and not party.nationalities:
        return True
    return (
        not DPRK_PROGRAMS.isdisjoint(party.programs)
        or not _KOREA.isdisjoint(party.nationalities)
        or not _KOREA.isdisjoint(party.countries)
        or any(a.country in _KOREA for a in party.addresses)
        or any(i.country in _KOREA for i in party.identifiers)
        or any(n.script == "Hang" for n in party.names)
    )


def weak_capped(score: float, name: PartyName) -> float:
    """The score a name may reach: a weak alias is capped (see ``weak_alias`` for the feature)."""
    return min(score, WEAK_ALIAS_CAP) if name.weak else score


def has_facts(query: NameQuery) -> bool:
    """Whether the query carries anything ``party_facts`` can weigh beyond the name."""
    return bool(query.schema is not None or query.birth_date or query.country or query.identifiers)


def weak_alias(score: float, name: PartyName) -> tuple[float, list[Feature]]:
    """The capped score and the feature that says so (none for a name that is not weak)."""
    if not name.weak:
        return score, []
    capped = weak_capped(score, name)
    if capped == score:
        return score, [Feature("weak alias", 0.0, "matched a weak (low-quality) alias")]
    detail = f"matched a weak (low-quality) alias: capped at {WEAK_ALIAS_CAP:.2f}"
    return capped, [Feature("weak alias penalty", round(capped - score, 3), detail)]


def _dob_agrees(query: str, published: str) -> bool:
    """Partial ISO dates agree when the shorter is a prefix of the longer ("1984" ~ "1984-01-08")."""
    n = min(len(query), len(published))
    return query[:n] == published[:n]


def _identifier_key(ident: Identifier) -> str:
    """Alphanumeric upper-case value without a repeated kind prefix ("IMO 8660313" -> "8660313")."""
    value = _NON_ALNUM.sub("", ident.value.upper())
    kind = _NON_ALNUM.sub("", ident.kind.upper())
    return (
        value[len(kind) :] if kind and value.startswith(kind) and len(value) > len(kind) else value
    )


def party_facts(query: NameQuery, party: Party) -> list[Feature]:
    """Score adjustments from the facts the query gives beyond the name."""
    feats: list[Feature] = []
    if query.schema is not None and query.schema is not party.schema:
        feats.append(
            Feature(
                "schema mismatch",
                SCHEMA_MISMATCH,
                f"query is a {query.schema}, candidate a {party.schema}",
            )
        )
    if query.birth_date and party.birth_dates:
        agree = [d for d in party.birth_dates if _dob_agrees(query.birth_date, d)]
        if agree:
            feats.append(
                Feature("date of birth agrees", DOB_AGREE, f"{query.birth_date} ~ {agree[0]}")
            )
        else:
            listed = ", ".join(party.birth_dates[:3])
            feats.append(
                Feature(
                    "date of birth conflict", DOB_CONFLICT, f"{query.birth_date} vs listed {listed}"
                )
            )
    if query.country:
        country = query.country.upper()
        known = {*party.nationalities, *party.countries}
        if country in known:
            feats.append(Feature("country agrees", COUNTRY_AGREE, country))
        elif known:
            feats.append(
                Feature(
                    "country conflict",
                    COUNTRY_CONFLICT,
                    f"{country} vs {', '.join(sorted(known)[:4])}",
                )
            )
    wanted = {_identifier_key(i) for i in query.identifiers} - {""}
    for ident in party.identifiers if wanted else ():
        if _identifier_key(ident) in wanted:
            feats.append(
                Feature("identifier match", IDENTIFIER_MATCH, f"{ident.kind} {ident.value}")
            )
            break
    return feats
