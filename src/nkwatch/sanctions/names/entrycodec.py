"""The indexed names of a persisted :class:`NameIndex` as number columns, decoded one by one.

A batch of 2,000 names reaches about a third of the 52,000 indexed names, each once per
worker process. Stored as one JSON record each, a name cost about 28 µs to decode: the parse,
a new object per token, and its index keys computed again from its readings. Here every
distinct token is stored once (38,000 for 206,000 uses in the full lists), a reading names its
tokens and its index keys by number (keys as ids in the postings vocabulary), and a name's
fields are fixed-width columns: decoding an entry looks numbers up in memory-mapped arrays,
parses nothing, recomputes nothing, and equal tokens are one shared object.

Sections (``persist`` lays them out and checks the file; all little-endian)::

    tokens.text / tokens.key      offsets <i8 + utf-8 bytes per distinct token
    tokens.share <f8, tokens.flags u1 (legal | syllabic << 1)
    labels                        offsets <i8 + utf-8 bytes per distinct ``translit`` label
    forms.label <i4, forms.tokens <i8 (offsets into forms.token_ids <i4),
    forms.keys <i8 (offsets into forms.key_ids <i4, vocabulary ids)
    entries.party / entries.sig <i4, entries.forms <i8 (offsets into the forms),
    entries.arabic <i4 (form id of the folded Arabic reading, -1: none),
    entries.name                  offsets <i8 + utf-8 bytes of each indexed name
    entries.script / entries.kind u1 (ids in ``scripts`` / ``kinds``), entries.weak u1
    scripts / kinds               offsets <i8 + utf-8 bytes (the distinct values)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, overload

import numpy as np

from nkwatch.sanctions.model import NameKind, PartyName
from nkwatch.sanctions.names.index import IndexEntry
from nkwatch.sanctions.names.normalize import NameForm, Token
from nkwatch.sanctions.names.postings import Postings

Sections = dict[str, tuple[bytes, str]]  # name -> (bytes, dtype), as ``persist`` writes them
_KINDS = {k.value: k for k in NameKind}


# -- writing --------------------------------------------------------------------------------


class _Table:
    """Distinct values, numbered in first-seen order."""

    def __init__(self) -> None:
        self.ids: dict[Any, int] = {}

    def id(self, value: Any) -> int:
        return self.ids.setdefault(value, len(self.ids))


def encode(entries: Sequence[IndexEntry], postings: Postings) -> Sections:
    """The entries' columns; ``ValueError`` when an entry's key is not in the vocabulary."""
    tokens, labels, scripts, kinds = _Table(), _Table(), _Table(), _Table()
    cols: dict[str, list[Any]] = {n: [] for n in _INT_COLUMNS}
    form_tokens, form_keys, entry_forms = [0], [0], [0]
    names: list[str] = []

    def add_form(form: NameForm, keys: Iterable[str]) -> None:
        cols["forms.label"].append(labels.id(form.translit))
        cols["forms.token_ids"] += [tokens.id(t) for t in form.tokens]
        form_tokens.append(len(cols["forms.token_ids"]))
        ids = [postings.key_id(k) for k in sorted(keys)]
        if None in ids:
            raise ValueError("an indexed name's key is missing from the postings")
        cols["forms.key_ids"] += ids
        form_keys.append(len(cols["forms.key_ids"]))

    for entry in entries:
        for form, keys in zip(entry.forms, entry.keys, strict=True):
            add_form(form, keys)
        entry_forms.append(len(cols["forms.label"]))
        cols["entries.party"].append(entry.party)
        cols["entries.sig"].append(entry.sig)
        names.append(entry.name.value)
        cols["entries.script"].append(scripts.id(entry.name.script))
        cols["entries.kind"].append(kinds.id(entry.name.kind.value))
        cols["entries.weak"].append(int(entry.name.weak))
    for entry in entries:  # the Arabic-letter readings follow every entry's own readings
        cols["entries.arabic"].append(-1 if entry.arabic is None else len(cols["forms.label"]))
        if entry.arabic is not None:
            add_form(entry.arabic, ())
    distinct: list[Token] = list(tokens.ids)
    out: Sections = {
        name: (np.asarray(values, dtype=dtype).tobytes(), dtype)
        for name, (values, dtype) in {
            **{n: (cols[n], dtype) for n, dtype in _INT_COLUMNS.items()},
            "forms.tokens": (form_tokens, "<i8"),
            "forms.keys": (form_keys, "<i8"),
            "entries.forms": (entry_forms, "<i8"),
            "tokens.share": ([t.share for t in distinct], "<f8"),
            "tokens.flags": ([int(t.legal) | int(t.syllabic) << 1 for t in distinct], "|u1"),
        }.items()
    }
    _texts(out, "tokens.text", [t.text for t in distinct])
    _texts(out, "tokens.key", [t.key for t in distinct])
    _texts(out, "labels", list(labels.ids))
    _texts(out, "entries.name", names)
    _texts(out, "scripts", list(scripts.ids))
    _texts(out, "kinds", list(kinds.ids))
    return out


_INT_COLUMNS = {
    "forms.label": "<i4",
    "forms.token_ids": "<i4",
    "forms.key_ids": "<i4",
    "entries.party": "<i4",
    "entries.sig": "<i4",
    "entries.arabic": "<i4",
    "entries.script": "|u1",
    "entries.kind": "|u1",
    "entries.weak": "|u1",
}


def _texts(out: Sections, name: str, texts: Sequence[str]) -> None:
    raw = [t.encode() for t in texts]
    offsets = np.zeros(len(raw) + 1, dtype="<i8")
    np.cumsum([len(r) for r in raw], out=offsets[1:])
    out[f"{name}.offsets"] = (offsets.tobytes(), "<i8")
    out[f"{name}.utf8"] = (b"".join(raw), "utf-8")


def section_names() -> set[str]:
    """Every section ``encode`` writes (what ``EntryTable`` needs)."""
    texts = ("tokens.text", "tokens.key", "labels", "entries.name", "scripts", "kinds")
    return {
        *_INT_COLUMNS,
        "forms.tokens",
        "forms.keys",
        "entries.forms",
        "tokens.share",
        "tokens.flags",
        *(f"{t}.{part}" for t in texts for part in ("offsets", "utf8")),
    }


# -- reading --------------------------------------------------------------------------------


class Utf8Texts(Sequence[str]):
    """Texts stored as offsets + utf-8 bytes, decoded on each access (not kept): the tables
    here, and the parties' JSON records (``persist``)."""

    def __init__(self, offsets: Any, raw: memoryview) -> None:
        self._bounds = _column(offsets)
        _check_offsets(offsets, len(raw))
        self._raw = raw

    def __len__(self) -> int:
        return len(self._bounds) - 1

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return str(self._raw[self._bounds[i] : self._bounds[i + 1]], "utf-8")


class EntryTable(Sequence[IndexEntry]):
    """The stored entries, each decoded on first access and kept; equal tokens are shared."""

    def __init__(self, sections: Mapping[str, Any], vocab: Sequence[str]) -> None:
        s = sections
        self._vocab = vocab
        self._text = Utf8Texts(s["tokens.text.offsets"], s["tokens.text.utf8"])
        self._key = Utf8Texts(s["tokens.key.offsets"], s["tokens.key.utf8"])
        self._share, self._flags = _column(s["tokens.share"]), _column(s["tokens.flags"])
        self._labels = list(Utf8Texts(s["labels.offsets"], s["labels.utf8"]))
        self._names = Utf8Texts(s["entries.name.offsets"], s["entries.name.utf8"])
        self._scripts = list(Utf8Texts(s["scripts.offsets"], s["scripts.utf8"]))
        self._kinds = [_KINDS[k] for k in Utf8Texts(s["kinds.offsets"], s["kinds.utf8"])]
        self._form_label = _column(s["forms.label"])
        self._form_tokens, self._token_ids = (
            _column(s["forms.tokens"]),
            _column(s["forms.token_ids"]),
        )
        self._form_keys, self._key_ids = _column(s["forms.keys"]), _column(s["forms.key_ids"])
        self._entry_forms, self._arabic = _column(s["entries.forms"]), _column(s["entries.arabic"])
        self._party, self._sig = _column(s["entries.party"]), _column(s["entries.sig"])
        self._script, self._kind = _column(s["entries.script"]), _column(s["entries.kind"])
        self._weak = _column(s["entries.weak"])
        self._check(s)
        self._tokens: list[Token | None] = [None] * len(self._text)
        self._decoded: list[IndexEntry | None] = [None] * len(self._party)

    def _check(self, s: Mapping[str, Any]) -> None:
        """Every number points inside its table (``ValueError`` otherwise)."""
        forms, entries, tokens = len(self._form_label), len(self._party), len(self._text)
        if not len(self._key) == len(self._share) == len(self._flags) == tokens:
            raise ValueError("token columns differ in length")
        _check_offsets(s["forms.tokens"], len(self._token_ids), forms)
        _check_offsets(s["forms.keys"], len(self._key_ids), forms)
        _check_offsets(s["entries.forms"], None, entries)  # the Arabic readings follow
        if int(s["entries.forms"][-1]) > forms:
            raise ValueError("column entries.forms points outside the forms")
        sizes = {
            "entries.sig": entries,
            "entries.arabic": entries,
            "entries.name.offsets": entries + 1,
        }
        sizes |= {"entries.script": entries, "entries.kind": entries, "entries.weak": entries}
        for name, size in sizes.items():
            if len(s[name]) != size:
                raise ValueError(f"column {name} does not match the entries")
        bounds = {
            "forms.label": len(self._labels),
            "forms.token_ids": tokens,
            "forms.key_ids": len(self._vocab),
            "entries.script": len(self._scripts),
            "entries.kind": len(self._kinds),
        }
        for name, size in bounds.items():
            values = s[name]
            if len(values) and (int(values.min()) < 0 or int(values.max()) >= size):
                raise ValueError(f"column {name} points outside its table")
        arabic = s["entries.arabic"]
        if len(arabic) and (int(arabic.min()) < -1 or int(arabic.max()) >= forms):
            raise ValueError("column entries.arabic points outside the forms")

    def __len__(self) -> int:
        return len(self._decoded)

    @overload
    def __getitem__(self, i: int) -> IndexEntry: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[IndexEntry]: ...
    def __getitem__(self, i: int | slice) -> IndexEntry | Sequence[IndexEntry]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        found = self._decoded[i]
        if found is None:
            found = self._decoded[i] = self._decode(i)
        return found

    def _decode(self, i: int) -> IndexEntry:
        vocab, key_ids, bounds = self._vocab, self._key_ids, self._form_keys
        span = range(self._entry_forms[i], self._entry_forms[i + 1])
        arabic = self._arabic[i]
        name = PartyName(
            self._names[i],
            self._scripts[self._script[i]],
            self._kinds[self._kind[i]],
            bool(self._weak[i]),
        )
        return IndexEntry(
            self._party[i],
            name,
            tuple([self._form(f) for f in span]),
            tuple(
                [frozenset([vocab[k] for k in key_ids[bounds[f] : bounds[f + 1]]]) for f in span]
            ),
            self._sig[i],
            None if arabic < 0 else self._form(arabic),
        )

    def _form(self, f: int) -> NameForm:
        ids = self._token_ids[self._form_tokens[f] : self._form_tokens[f + 1]]
        return NameForm(tuple([self._token(t) for t in ids]), self._labels[self._form_label[f]])

    def _token(self, t: int) -> Token:
        found = self._tokens[t]
        if found is None:
            flags = self._flags[t]
            found = self._tokens[t] = Token(
                self._text[t], self._key[t], self._share[t], bool(flags & 1), bool(flags & 2)
            )
        return found


def _column(array: Any) -> memoryview:
    """A (memory-mapped, native-order) column as a memoryview: indexing it gives Python
    numbers without numpy's per-item cost."""
    return memoryview(array)


def _check_offsets(offsets: Any, end: int | None, count: int | None = None) -> None:
    """Offsets from 0, never decreasing, ending at ``end`` (``None``: anywhere)."""
    if (count is not None and len(offsets) != count + 1) or not len(offsets):
        raise ValueError("offsets do not match their table")
    if int(offsets[0]) != 0 or (end is not None and int(offsets[-1]) != end):
        raise ValueError("offsets do not span their section")
    if bool(np.any(np.diff(offsets) < 0)):
        raise ValueError("offsets decrease")
