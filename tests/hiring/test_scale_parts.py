"""The parts rebuilt for a million records: near-duplicate photo hashes, vectorised IP
lookups, Arrow tokenising for MinHash, identifier grouping and the Parquet population cache.
Each is checked against the plain definition it replaces (brute force, ``lookup``, sets)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from nkwatch.hiring import photohash, synthetic_io, textsim
from nkwatch.hiring.indicators import ScreeningContext
from nkwatch.hiring.indicators.identity import identifier_groups, photo_pairs
from nkwatch.hiring.linking import link
from nkwatch.hiring.refdata import ReferenceData
from nkwatch.hiring.synthetic import SyntheticConfig, generate

from .helpers import DOB, app, fired_for, hits_of

PHOTO = 0x9F3C_00A1_55E2_7B10


def flip(value: int, *bits: int) -> str:
    for b in bits:
        value ^= 1 << b
    return f"{value:016x}"


def test_near_pairs_equal_brute_force_up_to_five_bits() -> None:
    rng = random.Random(3)
    base = [rng.getrandbits(64) for _ in range(150)]
    values = set(base)
    for v in base[:60]:  # planted near copies at every distance 1..7
        bits = rng.sample(range(64), rng.randint(1, 7))
        values.add(int(flip(v, *bits), 16))
    hashes = np.array(sorted(values), dtype=np.uint64)
    got = {(p.a, p.b, p.distance) for p in photohash.near_pairs(hashes)}
    ints = [int(h) for h in hashes]
    brute = {
        (i, j, d)
        for i in range(len(ints))
        for j in range(i + 1, len(ints))
        if 1 <= (d := bin(ints[i] ^ ints[j]).count("1")) <= photohash.MAX_DISTANCE
    }
    assert got == brute and len(brute) >= 30  # copies at 6-7 bits are (rightly) not found


def test_popcount_and_parse_skip_values_that_are_not_64_bit_hex() -> None:
    pos, hashes = photohash.parse(["ffee00", None, f"{PHOTO:016x}", "zz" * 8, "F" * 16])
    assert pos.tolist() == [2, 4]
    assert photohash.popcount(hashes).tolist() == [bin(PHOTO).count("1"), 64]


def test_reused_photo_with_flipped_bits_fires_and_links_unrelated_photos_do_not() -> None:
    apps = [
        app("a", "Ann Lee", photo_hash=f"{PHOTO:016x}"),
        app("b", "Bo Grant", photo_hash=flip(PHOTO, 3, 40, 61)),  # 3 bits: re-scan
        app("c", "Cy Moss", photo_hash=flip(PHOTO, *range(0, 64, 2))),  # 32 bits: other face
        app("d", "Di Park", photo_hash=flip(PHOTO, 1, 2, 3, 4, 5, 6, 7)),  # 7 bits: too far
    ]
    c = ScreeningContext(apps)
    assert fired_for("identity.shared_identifier", c) == {"a", "b"}
    hit = next(h for h in hits_of("identity.shared_identifier", c) if h.person_id == "a")
    assert hit.details["near"] and "3 bit(s)" in hit.evidence and hit.related == ("b",)
    result = link(ScreeningContext(apps), use_splink=False)
    assert [set(cl.members) for cl in result.clusters] == [{"a", "b"}]
    assert result.clusters[0].evidence[0].kind == "photo_hash"


def test_near_photo_of_the_same_person_reapplying_links_but_does_not_fire() -> None:
    apps = [
        app("a", "Carla Diaz", date_of_birth=DOB, photo_hash=f"{PHOTO:016x}"),
        app("b", "Karla Diaz", date_of_birth=DOB, photo_hash=flip(PHOTO, 9)),
    ]
    c = ScreeningContext(apps)
    assert fired_for("identity.shared_identifier", c) == set()
    assert [(p.a, p.b, p.distance) for p in photo_pairs(c)] == [("a", "b", 1)]


def test_lookup_many_agrees_with_lookup() -> None:
    ref = ReferenceData.bundled()
    rng = random.Random(5)
    ips = [f"175.45.{rng.randint(170, 182)}.{rng.randint(0, 255)}" for _ in range(200)]
    ips += ["198.51.100.9", "203.0.113.1", "8.8.8.8", "2001:db8::1", "not-an-ip", "0.0.0.0"]
    for table in (ref.dprk, ref.vpn):
        assert table.lookup_many(ips) == [table.lookup(ip) for ip in ips]
    assert any(ref.dprk.lookup_many(ips)) and any(ref.vpn.lookup_many(ips))


def test_shingles_are_content_hashes_and_tokenising_ignores_case_and_punctuation() -> None:
    docs, first = textsim.shingle_hashes(["Built a Kafka pipeline, fast.", None, "hi"])
    assert docs.tolist() == [0, 0, 0, 2]  # 5 words -> 3 shingles; None -> none; 1 word -> 1
    _, again = textsim.shingle_hashes(["built a kafka pipeline fast", "hi"])
    assert first.tolist() == again.tolist()  # the same text hashes the same in any batch
    sig = textsim.signatures(
        [
            "ann lee led the move of twelve services to kubernetes and cut spend by a third",
            "bo grant led the move of twelve services to kubernetes and cut spend by a half",
            "wrote firmware for medical pumps in c and rust with formal verification",
        ]
    )
    pairs = textsim.similar_pairs(sig, 0.5)
    assert [(p.a, p.b) for p in pairs] == [(0, 1)]


def test_identifier_groups_match_a_plain_set_grouping() -> None:
    apps = [
        app("a", "Ann", emails=("x@a.org", "x@a.org"), phones=("+14155550100",)),
        app("b", "Bob", emails=("x@a.org",), document_number="D1"),
        app("c", "Cy", emails=("y@a.org",), document_number="D1", phones=("+14155550100",)),
        app("d", "Di", emails=("z@a.org",)),
    ]
    groups = identifier_groups(ScreeningContext(apps))
    assert groups["emails"] == {"x@a.org": ["a", "b"]}  # a record counts once per value
    assert groups["document_number"] == {"D1": ["b", "c"]}
    assert groups["phones"] == {"+14155550100": ["a", "c"]}
    assert groups["payment_accounts"] == {} and groups["photo_hash"] == {}


def test_parquet_population_round_trip(tmp_path: Path) -> None:
    syn = generate(SyntheticConfig(n=120, seed=4, pool_size=40))
    synthetic_io.save(syn, tmp_path / "pop")
    assert synthetic_io.exists(tmp_path / "pop")
    back = synthetic_io.load(tmp_path / "pop")
    assert back.dataset.applicants == syn.dataset.applicants
    assert back.dataset.logins == syn.dataset.logins
    assert back.dataset.host_events == syn.dataset.host_events
    assert back.truth == syn.truth and back.operators == syn.operators


def test_generator_plants_near_copies_of_operator_photos_only() -> None:
    syn = generate(SyntheticConfig(n=3000, seed=9))
    pairs = photo_pairs(ScreeningContext(syn.dataset.applicants))
    assert pairs, "no re-used photo with flipped bits was planted"
    for p in pairs:
        assert syn.truth[p.a] == syn.truth[p.b] and syn.truth[p.a].startswith("op")
