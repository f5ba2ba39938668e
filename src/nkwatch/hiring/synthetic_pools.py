"""Faker-drawn pools (names, addresses, companies, resume sentences) per locale."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from faker import Faker

# (Faker locale, ISO country, IANA zone, UTC offset in Sep-Oct)
LOCALE_INFO: tuple[tuple[str, str, str, float], ...] = (
    ("en_US", "US", "America/New_York", -4),
    ("en_GB", "GB", "Europe/London", 1),
    ("de_DE", "DE", "Europe/Berlin", 2),
    ("fr_FR", "FR", "Europe/Paris", 2),
    ("es_ES", "ES", "Europe/Madrid", 2),
    ("pl_PL", "PL", "Europe/Warsaw", 2),
    ("pt_BR", "BR", "America/Sao_Paulo", -3),
    ("ja_JP", "JP", "Asia/Tokyo", 9),
    ("ko_KR", "KR", "Asia/Seoul", 9),
    ("zh_CN", "CN", "Asia/Shanghai", 8),
    ("vi_VN", "VN", "Asia/Ho_Chi_Minh", 7),
    ("uk_UA", "UA", "Europe/Kyiv", 3),
    ("en_IN", "IN", "Asia/Kolkata", 5.5),
    ("es_MX", "MX", "America/Mexico_City", -6),
    ("nl_NL", "NL", "Europe/Amsterdam", 2),
    ("tr_TR", "TR", "Europe/Istanbul", 3),
    ("en_CA", "CA", "America/Toronto", -4),
)
LOCALES = tuple(x[0] for x in LOCALE_INFO)
NO_SPACE = ("ja_JP", "zh_CN", "ko_KR")
SKILLS = (
    "Python",
    "Go",
    "Rust",
    "Java",
    "Kotlin",
    "Swift",
    "TypeScript",
    "React",
    "Vue",
    "Angular",
    "Node.js",
    "Django",
    "Flask",
    "FastAPI",
    "Spring",
    "PostgreSQL",
    "MySQL",
    "MongoDB",
    "Redis",
    "Kafka",
    "Kubernetes",
    "Docker",
    "Terraform",
    "AWS",
    "GCP",
    "Azure",
    "Solidity",
    "Web3",
    "GraphQL",
    "gRPC",
    "Elasticsearch",
    "Spark",
    "Airflow",
    "PyTorch",
    "TensorFlow",
    "Flutter",
    "React Native",
    "Unity",
    "C++",
    "C#",
    ".NET",
    "Ruby on Rails",
    "PHP",
    "Laravel",
    "Scala",
)
TEMPLATES = (
    "Built {bs} at {company} using {s1} and {s2}.",
    "Led a team of {n} engineers to {bs} for {company}.",
    "{job} at {company} for {n} years; {phrase}.",
    "Cut infrastructure costs by {p} percent by moving {s1} workloads to {s2}.",
    "Shipped {phrase} in {s1}, used by {n}00 customers.",
    "Mentored {n} juniors in {s1} and code review practice at {company}.",
    "Designed {bs} with {s1}, {s2} and {s3}.",
    "Maintained open-source {s1} libraries about {bs}.",
    "Improved latency of {company}'s {s1} services by {p} percent.",
    "Studied {school}; thesis on {bs}.",
)
DOMAINS = (
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "proton.me",
    "icloud.com",
    "hotmail.com",
    "gmx.de",
    "mail.ru",
    "qq.com",
    "naver.com",
    "yandex.com",
    "fastmail.com",
)


def _iban(cc: str, rng: random.Random) -> str:
    bban = "".join(str(rng.randint(0, 9)) for _ in range(18))
    digits = "".join(str(int(c, 36)) for c in bban + cc + "00")
    return f"{cc}{98 - int(digits) % 97:02d}{bban}"


def ascii_fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z]", "", "".join(c for c in folded if ord(c) < 128).lower())


@dataclass
class Pools:
    first: dict[str, list[str]]
    last: dict[str, list[str]]
    common: dict[str, list[tuple[str, str]]]
    addresses: dict[str, list[str]]
    usernames: list[str]
    phone_prefix: dict[str, str]
    country: dict[str, str]
    tz: dict[str, str]
    utc_offset: dict[str, float]
    companies: list[str]
    schools: list[str]
    sentences: list[str]
    domains: tuple[str, ...] = DOMAINS

    def full_name(self, loc: str, first: str, last: str) -> str:
        return f"{last}{first}" if loc in NO_SPACE else f"{first} {last}"

    def handle(self, loc: str, first: str, last: str, rng: random.Random) -> str:
        f, la = ascii_fold(first), ascii_fold(last)
        base = f"{f}.{la}" if f and la else rng.choice(self.usernames)
        return base + (str(rng.randint(1, 99)) if rng.random() < 0.4 else "")

    def iban(self, loc: str, rng: random.Random) -> str:
        return _iban(self.country[loc], rng)


def build_pools(size: int, seed: int) -> Pools:
    rng = random.Random(seed)
    first, last, common, addresses, prefixes = {}, {}, {}, {}, {}
    for loc, cc, _, _ in LOCALE_INFO:
        fk = Faker(loc)
        fk.seed_instance(seed)
        first[loc] = [fk.first_name() for _ in range(size)]
        last[loc] = [fk.last_name() for _ in range(size)]
        common[loc] = [(first[loc][i], last[loc][i]) for i in range(3)]
        addresses[loc] = [fk.address().replace("\n", ", ") for _ in range(size)]
        example = phonenumbers.example_number_for_type(cc, phonenumbers.PhoneNumberType.MOBILE)
        assert example is not None, cc
        e164 = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
        prefixes[loc] = e164[:-6]
    en = Faker("en_US")
    en.seed_instance(seed)
    companies = [en.company() for _ in range(size * 4)]
    schools = [
        f"{en.city()} {rng.choice(['University', 'Institute of Technology', 'College'])}"
        for _ in range(size)
    ]
    bs = [en.bs() for _ in range(size * 4)]
    phrases = [en.catch_phrase().lower() for _ in range(size * 4)]
    jobs = [en.job() for _ in range(size)]
    sentences = []
    for _ in range(size * 40):
        s1, s2, s3 = rng.sample(SKILLS, 3)
        sentences.append(
            rng.choice(TEMPLATES).format(
                bs=rng.choice(bs),
                company=rng.choice(companies),
                s1=s1,
                s2=s2,
                s3=s3,
                n=rng.randint(2, 15),
                p=rng.randint(10, 70),
                job=rng.choice(jobs),
                phrase=rng.choice(phrases),
                school=rng.choice(schools),
            )
        )
    return Pools(
        first,
        last,
        common,
        addresses,
        [en.user_name() for _ in range(size)],
        prefixes,
        {x[0]: x[1] for x in LOCALE_INFO},
        {x[0]: x[2] for x in LOCALE_INFO},
        {x[0]: x[3] for x in LOCALE_INFO},
        companies,
        schools,
        sentences,
    )
