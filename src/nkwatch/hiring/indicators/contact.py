"""Contact details: phone line types and email handle patterns (weak on their own)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
from phonenumbers import PhoneNumberType

from nkwatch.hiring.indicators import verify
from nkwatch.hiring.indicators.base import Hit, ScreeningContext, Severity, indicator
from nkwatch.hiring.indicators.sources import ADVISORY_2022, ADVISORY_2023, MICROSOFT_2025

# Handles built from a role word plus digits ("devmaster1996", "codingguru77") instead of
# the person's name, as the advisories and vendor reports describe for these personas.
ROLE_WORDS = re.compile(
    r"(dev|code|coder|coding|soft|tech|engineer|program|web|blockchain|"
    r"fullstack|smart|master|guru|pro|ninja|expert|senior)"
)


def phone_facts(e164: str, country: str | None) -> list[str]:
    """What is odd about one number: line type, validity, country.

    One parse, one type and one region lookup per number (``number_type`` is UNKNOWN
    exactly when ``is_valid_number`` is false, so validity needs no second pattern pass).
    """
    number = phonenumbers.parse(e164, None)
    facts = []
    kind = phonenumbers.number_type(number)
    if kind is PhoneNumberType.VOIP:
        facts.append(f"{e164} is a VoIP number")
    elif kind is PhoneNumberType.PERSONAL_NUMBER:
        facts.append(f"{e164} is a personal (forwarding) number")
    elif kind is PhoneNumberType.UNKNOWN:
        facts.append(f"{e164} is not a valid number")
    region = phonenumbers.region_code_for_number(number)
    if country and region and region != country and region != "001":
        facts.append(f"{e164} is a {region} number but the claimed country is {country}")
    return facts


@indicator(
    "contact.phone_type",
    family="contact",
    title="VoIP, invalid or foreign phone",
    description="A phone parsed with phonenumbers is VoIP/personal-forwarding, invalid, or"
    " from another country than the one claimed.",
    severity=Severity.WEAK,
    sources=(ADVISORY_2022, MICROSOFT_2025),
    verify=verify.LIVE_ID,
)
def phone_type(ctx: ScreeningContext) -> Iterator[Hit]:
    seen: dict[tuple[str, str | None], list[str]] = {}  # a shared number is typed once
    for app in ctx.applicants:
        facts = []
        for phone in app.phones:
            key = (phone, app.country)
            if key not in seen:
                seen[key] = phone_facts(phone, app.country)
            facts += seen[key]
        if facts:
            yield Hit("contact.phone_type", app.id, "; ".join(facts))


_NOT_LETTER = re.compile(r"[^a-z]")
_DIGITS = re.compile(r"\d+")


def handle_pattern(email: str, name: str) -> str | None:
    """Why a handle looks like a persona's rather than a person's, or None.

    ``name`` is the normalised full name (``norm_text``); both patterns need digits, so
    the common ``first.last`` handle is dismissed before any regex runs.
    """
    local = email.split("@", 1)[0]
    digits = _DIGITS.findall(local)
    if not digits:
        return None
    letters = _NOT_LETTER.sub("", local)
    has_name = any(p in local for p in name.split() if len(p) >= 3)
    role = ROLE_WORDS.search(letters)
    if role and not has_name:
        return f"handle {local!r} is a role word ({role.group(0)}) plus digits, not the name"
    if not has_name and len(letters) >= 4 and any(len(d) >= 4 for d in digits):
        return f"handle {local!r} has no part of the name and a long number"
    return None


@indicator(
    "contact.email_handle",
    family="contact",
    title="Email handle pattern",
    description="Email handles built from role words and numbers rather than the name, a"
    " pattern reused across DPRK personas.",
    severity=Severity.WEAK,
    sources=(ADVISORY_2023, MICROSOFT_2025),
    verify=verify.LIVE_ID,
)
def email_handle(ctx: ScreeningContext) -> Iterator[Hit]:
    for app in ctx.applicants:
        name = ctx.name_key[app.id]
        found = [f for e in app.emails if (f := handle_pattern(e, name))]
        if found:
            yield Hit("contact.email_handle", app.id, "; ".join(found))
