"""English loanwords written in Cyrillic, spelled back the English way.

Russian and Bulgarian company names borrow English words and write them as they sound:
``Маритайм Ассистанс`` (Maritime Assistance), ``Гиперспэйс`` (Hyperspace), ``Трейдинг``
(Trading), ``Дистрибюшънс`` (Distributions). BGN/PCGN gives ``maritaym assistans``, too far
from the English spelling the lists also publish. This reading undoes the usual Russian
renderings of English spelling, rule by rule:

* the silent-e syllables: ``ай``/``эй``/``ей`` + one consonant at the end of a word stand for
  ``i-e``/``a-e`` (``тайм`` time, ``спэйс`` space, ``фрейм`` frame), before ``-инг`` without
  the e (``майнинг`` mining, ``трейдинг`` trading);
* ``дж`` inside a word is ``g`` before a front vowel (``диджитал`` digital, ``энерджи``
  energy) and ``j`` elsewhere (``джет`` jet); ``кс`` is ``x`` (``эксперт`` expert); ``тех``
  is ``tech``; ``с`` before the silent e is ``c`` (``спэйс`` space, ``девайс`` device);
* the ``-tion`` ending (``-юшн``/``-юшън``/``-юшен``), ``-анс`` = ``-ance``, ``-вис``/``-фис``
  = ``-vice``/``-fice``, ``-ив`` = ``-ive``, ``-нси`` = ``-ncy``, ``-ери`` = ``-ery``,
  ``-ити`` = ``-ity``, ``-оун`` = ``-one``;
* ``ц`` before ``е``/``и`` is ``c`` (``центр`` centre), Bulgarian ``ъ`` is ``u``
  (``кансълтинг``), ``ю`` at the start of a word is ``u`` (``юнисервис`` uniservice), and
  a few prefixes: ``евро`` euro, ``гипер`` hyper, ``авто`` auto;
* an initialism spelt by English letter names is its letters (``ЮЭсЭм`` USM).

The rules come from the ordinary correspondences of English-Russian practical transcription
(the reverse of the Ryazantsev/Gilyarevsky tables), not from any list. Only organisation
names get this reading, only words with a spelling Russian keeps for borrowings
(``_BORROWED``), and only when a rule changes them; the BGN/PCGN reading stays beside it.
"""

from __future__ import annotations

import re

from nkwatch.sanctions.names.translit import cyrillic

_CONSONANT = "бвгдзклмнпрстфхцчш"
# (pattern on the lower-case Cyrillic word, Latin replacement); applied in order, then
# whatever is still Cyrillic is romanised by BGN/PCGN.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"^евро", "euro"),
        (r"^гипер", "hyper"),
        (r"^авто", "auto"),
        (r"^ю", "u"),
        (r"тех", "tech"),
        (r"олоджи", "ology"),
        (r"[юу]ш[ъеи]?н(?=с?$|з?$)", "ution"),
        (r"кшн(?=с?$)", "ction"),
        (rf"ай([{_CONSONANT}])(?=инг)", r"i\1"),
        (rf"[эе]й([{_CONSONANT}])(?=инг)", r"a\1"),
        (rf"ай([{_CONSONANT}])[сз]$", r"i\1es"),
        (rf"[эе]й([{_CONSONANT}])[сз]$", r"a\1es"),
        (rf"ай([{_CONSONANT}])$", r"i\1e"),
        (rf"[эе]й([{_CONSONANT}])$", r"a\1e"),
        (r"(?<=.)дж(?=[иеэ])", "g"),
        (r"дж", "j"),
        (r"кс", "x"),
        (r"анс$", "ance"),
        (r"(?<=[вф])исис$", "ices"),
        (r"(?<=[вф])ис$", "ice"),
        (r"(?<=[бвтд])ив$", "ive"),
        (r"нси$", "ncy"),
        (r"ери$", "ery"),
        (r"ити$", "ity"),
        (r"оун", "one"),
        (r"ц(?=[еи])", "c"),
        (r"ъ", "u"),
        (r"с(?=e$)", "c"),
    )
)


# English letter names as Russian writes them, for initialisms spelt out (ЮЭсЭм = USM).
_LETTERS = {
    "эйч": "h", "эй": "a", "би": "b", "си": "c", "ди": "d", "эф": "f", "джи": "g",
    "ай": "i", "джей": "j", "кей": "k", "эл": "l", "эм": "m", "эн": "n", "пи": "p",
    "кью": "q", "ар": "r", "эс": "s", "ти": "t", "ю": "u", "ви": "v", "экс": "x",
    "уай": "y", "зед": "z",
}  # fmt: skip
_LETTER = "|".join(sorted(_LETTERS, key=len, reverse=True))
_INITIALISM = re.compile(rf"(?:{_LETTER})+")
_ONE_LETTER = re.compile(_LETTER)


# Spellings Russian and Bulgarian use mostly in borrowings: э, дж, ай/эй/ей before a
# consonant, -инг, the -tion and -ance endings, кс (x), ц before е/и (c), -оун, Bulgarian ъ
# inside a word, euro-/hyper-/auto-. A word without one gets no loanword reading (Николай,
# Юрий, Китай).
_BORROWED = re.compile(
    rf"э|дж|[аэе]й[{_CONSONANT}]|инг$|[юу]ш[ъеи]?нс?$|кшн|анс$|[вф]ис(?:ис)?$|(?<=[бвтд])ив$"
    r"|кс|ц[еи]|оун|\wъ\w|^евро|^гипер|^авто"
)


def initialism(word: str) -> str | None:
    """The letters of an initialism spelt by English letter names (``юэсэм`` -> ``usm``):
    three or more names, one of them an ``э``-name (``эс``, ``эм``...), so that ordinary
    words (``пиви``) are not read as letters."""
    if "э" not in word or not _INITIALISM.fullmatch(word):
        return None
    letters = [_LETTERS[m] for m in _ONE_LETTER.findall(word)]
    return "".join(letters) if len(letters) >= 3 else None


def romanize(word: str) -> str | None:
    """English spelling of a lower-case Cyrillic word if a loanword rule applies, else None."""
    letters = initialism(word)
    if letters is not None:
        return letters
    if len(word) <= 3 or not _BORROWED.search(word):  # ИКС is an abbreviation, not "ix"
        return None
    text = word
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    if text == word:
        return None
    return cyrillic.romanize(text, ukrainian=False)
