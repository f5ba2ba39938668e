"""Country names as the lists write them -> ISO 3166-1 alpha-2.

OFAC writes "Korea, North", "Burma", "Bahamas, The"; the UN writes "Democratic People's
Republic of Korea", "Iran (Islamic Republic of)". Screening compares countries as codes, so
every parser maps through here: ISO names from ``pycountry`` plus the list-specific spellings
below (overrides win). Unknown names map to ``None`` rather than a guess.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import pycountry

# Spellings used by OFAC and the UN that ISO names do not cover, and a few non-ISO codes
# that sanctions data uses in practice (XK Kosovo, as OFAC and most KYC vendors do).
_OVERRIDES: dict[str, str] = {
    "korea, north": "KP",
    "north korea": "KP",
    "dprk": "KP",
    "democratic people's republic of korea": "KP",
    "korea, democratic people's republic of": "KP",
    "korea (democratic people's republic of)": "KP",
    "korea, south": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "korea, republic of": "KR",
    "burma": "MM",
    "bahamas, the": "BS",
    "gambia, the": "GM",
    "the gambia": "GM",
    "russia": "RU",
    "iran": "IR",
    "iran (islamic republic of)": "IR",
    "syria": "SY",
    "laos": "LA",
    "vietnam": "VN",
    "viet nam": "VN",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "brunei": "BN",
    "macau": "MO",
    "macao": "MO",
    "taiwan": "TW",
    "turkey": "TR",
    "turkiye": "TR",
    "czech republic": "CZ",
    "cote d ivoire": "CI",
    "cote d'ivoire": "CI",
    "ivory coast": "CI",
    "congo, republic of the": "CG",
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "north macedonia, the republic of": "MK",
    "man, isle of": "IM",
    "virgin islands, british": "VG",
    "palestinian": "PS",
    "west bank": "PS",
    "region: gaza": "PS",
    "gaza": "PS",
    "state of palestine": "PS",
    "kosovo": "XK",
    "united kingdom of great britain and northern ireland": "GB",
    "united states of america": "US",
    "usa": "US",
    "uk": "GB",
    "russian federation": "RU",
    "syrian arab republic": "SY",
    "lao people's democratic republic": "LA",
    "united republic of tanzania": "TZ",
    "republic of moldova": "MD",
    "bolivia (plurinational state of)": "BO",
    "venezuela (bolivarian republic of)": "VE",
    "china, hong kong special administrative region": "HK",
    "hong kong sar": "HK",
    "sudan, south": "SS",
    "bosnia-herzegovina": "BA",
    "macedonia": "MK",
    "drc": "CD",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "palestine": "PS",
    "gaza strip": "PS",
    "west bank (palestinian authority)": "PS",
    "the philippines": "PH",
    "st. vincent and grenadines": "VC",
    "st. vincent and the grenadines": "VC",
    "st. kitts and nevis": "KN",
    "st. lucia": "LC",
    "sao tome & principe": "ST",
    "antigua & barbuda": "AG",
    "trinidad & tobago": "TT",
    "the netherlands": "NL",
    "uae": "AE",
}


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u2019", "'").casefold().strip()
    return re.sub(r"\s+", " ", text).strip(" .")


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for attr in ("name", "official_name", "common_name", "alpha_3"):
            value = getattr(country, attr, None)
            if value:
                index[_key(value)] = code
    index.update({_key(k): v for k, v in _OVERRIDES.items()})
    return index


def to_iso2(name: str | None) -> str | None:
    """ISO alpha-2 for a country name or code as lists publish it; ``None`` if unknown."""
    if not name:
        return None
    key = _key(name)
    if not key:
        return None
    if len(key) == 2 and key.isalpha():
        code = key.upper()
        return code if code == "XK" or pycountry.countries.get(alpha_2=code) else None
    return _index().get(key)


def country_in_text(text: str | None) -> str | None:
    """Country of a free-text place ("Pyongyang, Korea, North"; "Giza, Egypt").

    Tries the whole text, then trailing comma-separated segments (longest first), so
    OFAC's "Korea, North" survives the comma inside it.
    """
    if not text:
        return None
    direct = to_iso2(text)
    if direct:
        return direct
    parts = [p.strip() for p in text.split(",") if p.strip()]
    for start in range(1, len(parts)):
        code = to_iso2(", ".join(parts[start:]))
        if code:
            return code
    return None
