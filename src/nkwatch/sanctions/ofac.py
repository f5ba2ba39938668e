"""OFAC SDN "advanced" XML (ADVANCED_XML schema v3) -> :class:`ListDocument`.

The file is normalised: ``ReferenceValueSets`` (ids -> names of scripts, countries, feature
types...), then ``Locations`` and ``IDRegDocuments`` (referenced by id), then the
``DistinctParties``, then ``ProfileRelationships`` and ``SanctionsEntries`` (programs,
listing dates) that refer back to profiles. We stream it once with ``iterparse``,
keeping only the small lookup tables and one builder per party, and assemble the parties
at the end. 121 MB parse in seconds at a few hundred MB RSS.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from nkwatch.errors import UserError
from nkwatch.sanctions import ofac_features as feat
from nkwatch.sanctions.model import ListDocument, Relationship
from nkwatch.sanctions.xmlsafe import file_sha256, open_xml, release, text

LIST_ID = "us_ofac_sdn"
# The same schema carries OFAC's Consolidated (non-SDN) lists; those must not be mistaken
# for (and replace) the SDN list's active version.
CONSOLIDATED_LIST_ID = "us_ofac_consolidated"
SDN_LIST_NAME = "SDN List"
PUBLISHER = "US Treasury OFAC"
ROOT_TAG = "Sanctions"
NAMESPACE_HINT = b"sanctionslistservice.ofac.treas.gov"

_TAGS = (
    "{*}DateOfIssue",
    "{*}ReferenceValueSets",
    "{*}Location",
    "{*}IDRegDocument",
    "{*}DistinctParty",
    "{*}ProfileRelationship",
    "{*}SanctionsEntry",
)


@dataclass
class _State:
    ns: str = ""
    published: date | None = None
    refs: feat.Refs = field(default_factory=feat.Refs)
    locations: dict[str, feat.Place] = field(default_factory=dict)
    documents: dict[str, list[feat.Doc]] = field(default_factory=dict)
    builders: dict[str, feat.PartyBuilder] = field(default_factory=dict)
    relationships: list[Relationship] = field(default_factory=list)
    list_names: set[str] = field(default_factory=set)

    def q(self, local: str) -> str:
        return self.ns + local


def parse_ofac_advanced(path: Path) -> ListDocument:
    """Parse an OFAC advanced XML file (plain or compressed) into a list document."""
    state = _State()
    with open_xml(path, _TAGS) as (elements, reader):
        for elem in elements:
            ns, _, local = elem.tag.rpartition("}")
            if not state.ns:
                state.ns = _namespace(ns, path)
            _HANDLERS[local](state, elem)
            release(elem)
        reader.drain()
        sha = reader.hexdigest()
    if state.published is None:
        raise UserError("no DateOfIssue: not an OFAC advanced XML file", where=str(path))
    if not state.builders:
        raise UserError("no DistinctParty records: not an OFAC SDN list", where=str(path))
    list_id = LIST_ID if SDN_LIST_NAME in state.list_names else CONSOLIDATED_LIST_ID
    parties = tuple(b.build(list_id) for b in state.builders.values())
    return ListDocument(
        list_id=list_id,
        publisher=PUBLISHER,
        published=state.published,
        sha256=sha,
        source_name=path.name,
        source_sha256=file_sha256(path),
        parties=parties,
        relationships=tuple(state.relationships),
    )


def _namespace(ns: str, path: Path) -> str:
    """The ``{uri}`` prefix of the document's tags. A ``}`` inside the URI (``ns`` is the
    tag up to its last ``}``) would make every child lookup an invalid element path."""
    if "}" in ns[1:]:
        raise UserError(f"XML namespace {ns[1:][:100]!r} is not a URI", where=str(path))
    return ns + "}" if ns else ""


def _date_of_issue(state: _State, elem: Any) -> None:
    state.published = _ymd(state, elem)


def _ymd(state: _State, elem: Any) -> date | None:
    """A ``<Year><Month><Day>`` group as a date (missing month/day -> 1)."""
    year = text(elem.find(state.q("Year")))
    if not year:
        return None
    month = text(elem.find(state.q("Month"))) or "1"
    day = text(elem.find(state.q("Day"))) or "1"
    try:
        return date(int(year), int(month), int(day))
    except (ValueError, OverflowError):  # a year past C long (fuzzing) is as bad as month 13
        return None


def _reference_sets(state: _State, elem: Any) -> None:
    state.refs = feat.Refs.from_element(elem)


def _location(state: _State, elem: Any) -> None:
    state.locations[elem.get("ID")] = feat.place_from_location(elem, state.refs)


def _id_document(state: _State, elem: Any) -> None:
    doc = feat.doc_from_element(elem, state.refs)
    if doc is not None:
        state.documents.setdefault(elem.get("IdentityID"), []).append(doc)


def _distinct_party(state: _State, elem: Any) -> None:
    builder = feat.party_from_element(
        elem, state.refs, state.locations, state.documents, date_range=lambda d: _dates(state, d)
    )
    if builder is not None:
        state.builders[builder.profile_id] = builder


def _relationship(state: _State, elem: Any) -> None:
    source = state.builders.get(elem.get("From-ProfileID"))
    target = state.builders.get(elem.get("To-ProfileID"))
    if source is None or target is None:
        return
    kind = state.refs.relation_type.get(elem.get("RelationTypeID"), "Related to")
    if elem.get("Former") == "true":
        kind = f"{kind} (former)"
    state.relationships.append(Relationship(source.entity_id, target.entity_id, kind))


def _sanctions_entry(state: _State, elem: Any) -> None:
    builder = state.builders.get(elem.get("ProfileID"))
    if builder is None:
        return
    state.list_names.add(state.refs.name("ListValues", elem.get("ListID")))
    for measure in elem.iterfind(state.q("SanctionsMeasure")):
        kind = state.refs.sanctions_type.get(measure.get("SanctionsTypeID"), "")
        program = text(measure.find(state.q("Comment")))
        if kind == "Program" and program and program not in builder.programs:
            builder.programs.append(program)
    for event in elem.iterfind(state.q("EntryEvent")):
        when = event.find(state.q("Date"))
        listed = _ymd(state, when) if when is not None else None
        if listed and (builder.listed_on is None or listed.isoformat() < builder.listed_on):
            builder.listed_on = listed.isoformat()


def _dates(state: _State, period: Any) -> list[str]:
    """A ``DatePeriod`` as ISO strings: one (possibly partial) date, each year, or the bounds."""
    start_el = period.find(f"{state.q('Start')}/{state.q('From')}")
    end_el = period.find(f"{state.q('End')}/{state.q('To')}")
    start = _ymd(state, start_el) if start_el is not None else None
    end = _ymd(state, end_el) if end_el is not None else None
    if start is None or end is None:
        return [d.isoformat() for d in (start or end,) if d]
    return date_range_iso(start, end)


def date_range_iso(start: date, end: date) -> list[str]:
    """Render an OFAC date period at the precision it really has."""
    if start == end:
        return [start.isoformat()]
    whole_years = (start.month, start.day) == (1, 1) and (end.month, end.day) == (12, 31)
    if whole_years:
        if start.year == end.year:
            return [str(start.year)]
        if end.year - start.year <= 10:
            return [str(y) for y in range(start.year, end.year + 1)]
        return [str(start.year), str(end.year)]
    last_day = calendar.monthrange(end.year, end.month)[1]
    if (start.year, start.month) == (end.year, end.month) and (start.day, end.day) == (
        1,
        last_day,
    ):
        return [f"{start.year:04d}-{start.month:02d}"]
    return [start.isoformat(), end.isoformat()]


_HANDLERS = {
    "DateOfIssue": _date_of_issue,
    "ReferenceValueSets": _reference_sets,
    "Location": _location,
    "IDRegDocument": _id_document,
    "DistinctParty": _distinct_party,
    "ProfileRelationship": _relationship,
    "SanctionsEntry": _sanctions_entry,
}
