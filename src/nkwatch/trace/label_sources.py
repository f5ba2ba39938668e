"""Label loaders: GraphSense TagPacks, the Etherscan label export, sanctions address lists,
user CSVs and nkwatch's curated pack; plus saving labels to and reading them from the store.

Every loader maps its source's vocabulary to nkwatch categories (exchange, bridge, mixer,
dex, sanctioned, incident, service, other) and a confidence, and keeps the source and date.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from nkwatch.boundary import csv_dicts, load_json, load_yaml, read_text
from nkwatch.chains import (
    canonical_address,
    chain_id,
    detect_chains,
    find_chain,
    is_valid_address,
)
from nkwatch.errors import UserError
from nkwatch.store import Store
from nkwatch.trace.labels import CATEGORIES, Label, LabelBook

GS_CATEGORY = {
    "exchange": "exchange", "mixing_service": "mixer", "bridge": "bridge", "dex": "dex",
    "defi_dex": "dex", "wallet_service": "service", "service": "service", "market": "service",
    "gambling": "service", "miner": "other", "user": "other", "perpetrator": "incident",
}  # fmt: skip
GS_CONFIDENCE = {
    "authority_data": 0.95,
    "ownership": 0.9,
    "service_data": 0.9,
    "forensic": 0.8,
    "web_crawl": 0.6,
}
ES_EXCHANGES = {
    "exchange", "hot-wallet", "binance", "huobi", "coinbase", "kraken", "kucoin", "okx", "okex", "bitfinex",
    "bybit", "gate-io", "crypto-com", "ftx", "poloniex", "bittrex", "gemini", "bitstamp", "coinex",
    "mexc", "htx", "bitget", "upbit", "bithumb", "deribit", "coinlist",
}  # fmt: skip
ES_DEX = {
    "dex",
    "uniswap",
    "sushiswap",
    "balancer",
    "bancor",
    "curve-fi",
    "1inch",
    "kyberswap",
    "0x-protocol",
}
ES_OTHER = {"bridge": "bridge", "tornado-cash": "mixer", "mixer": "mixer", "ofac-sanctions-lists": "sanctioned",
            "blocked": "incident", "exploit": "incident", "heist": "incident", "phish-hack": "incident"}  # fmt: skip


def chain_of(code: str, address: str) -> str | None:
    """The chain a source's currency code names; a token code (USDT, USDC: not a chain) is
    read as the chain whose address shape the address has. None: neither is known."""
    chain = find_chain(code)
    if chain is not None:
        return chain.id
    found = detect_chains(address.strip()) if code.strip() else []
    return found[0][0].id if found else None


def graphsense_tagpack(path: Path) -> Iterator[Label]:
    pack = load_yaml(read_text(path, what="TagPack"), where=str(path))
    if not isinstance(pack, dict) or not isinstance(pack.get("tags"), list):
        raise UserError("not a TagPack (no tags list)", where=str(path))
    for n, tag in enumerate(pack["tags"]):
        if not isinstance(tag, dict):
            raise UserError(f"tags[{n}] is not a mapping", where=str(path))
        merged: dict[str, Any] = {**pack, **tag}
        address = str(merged.get("address", "")).strip()
        chain = _known(str(merged.get("currency", "")))
        if chain is None or not is_valid_address(chain, address):
            continue
        category = GS_CATEGORY.get(str(merged.get("category", "")), "other")
        if merged.get("abuse") == "sanction":
            category = "sanctioned" if category == "other" else category
        elif merged.get("abuse") in ("service_hack", "ransomware", "scam") and category == "other":
            category = "incident"
        yield Label(
            chain, canonical_address(chain, address), str(merged.get("label", "")), category,
            GS_CONFIDENCE.get(str(merged.get("confidence", "")), 0.7),
            f"graphsense:{path.name} ({merged.get('source', '')})",
            str(merged.get("lastmod", "")) or None,
        )  # fmt: skip


def _es_category(name: str, slugs: list[str]) -> str | None:
    if "Exploiter" in name or "Hacker" in name:
        return "incident"
    for slug in slugs:
        if slug in ES_OTHER:
            return ES_OTHER[slug]
    if any(s in ES_EXCHANGES for s in slugs):
        return "exchange"
    if any(s in ES_DEX for s in slugs):
        return "dex"
    return None


def etherscan_labels(path: Path, date: str = "2023-06-18") -> Iterator[Label]:
    data = load_json(read_text(path, what="label export"), where=str(path))
    if not isinstance(data, dict):
        raise UserError(
            "not an Etherscan label export (expected an object of addresses)", where=str(path)
        )
    for address, entry in data.items():
        labels = entry.get("labels", []) if isinstance(entry, dict) else None
        if not isinstance(labels, list) or not all(isinstance(s, str) for s in labels):
            raise UserError(
                f"entry {address[:66]!r}: expected an object with a 'labels' list of text",
                where=str(path),
            )
        slugs = list(labels)
        name = str(entry.get("name", ""))
        category = _es_category(name, slugs)
        if category is None or not is_valid_address("ethereum", address):
            continue
        service = name.split(":")[0].strip() or (slugs[0] if slugs else "")
        yield Label("ethereum", address.lower(), service, category, 0.8,
                    f"etherscan-labels ({name or ','.join(slugs)})", date)  # fmt: skip


def ofac_address_lists(folder: Path, date: str) -> Iterator[Label]:
    """``sanctioned_addresses_<CCY>.txt`` files: one address per line."""
    if not folder.is_dir():
        raise UserError(
            "expected the folder of sanctioned_addresses_<CCY>.txt files", where=str(folder)
        )
    files = sorted(folder.glob("sanctioned_addresses_*.txt"))
    if not files:
        raise UserError("no sanctioned_addresses_<CCY>.txt files in this folder", where=str(folder))
    for path in files:
        code = path.stem.rsplit("_", 1)[-1]
        for line in read_text(path, what="address list").splitlines():
            chain = chain_of(code, line) if line.strip() else None
            if chain is not None and is_valid_address(chain, line.strip()):
                yield Label(chain, canonical_address(chain, line), "OFAC SDN", "sanctioned", 1.0,
                            f"ofac-sdn:{path.name}", date)  # fmt: skip


def user_csv(path: Path) -> Iterator[Label]:
    """``chain,address,service,category[,confidence,source,date,detail]``."""
    _, rows = csv_dicts(
        read_text(path, what="label CSV"),
        where=str(path),
        required=("chain", "address", "service", "category"),
    )
    for n, row in rows:
        at = f"{path}:{n}"
        chain = chain_id(row["chain"], where=at)
        address, category = row["address"].strip(), row["category"].strip()
        if category not in CATEGORIES:
            raise UserError(
                f"unknown category {category!r} (known: {', '.join(CATEGORIES)})", where=at
            )
        if not is_valid_address(chain, address):
            raise UserError(f"not a valid {chain} address: {address!r}", where=at)
        try:
            confidence = float(row.get("confidence") or 0.8)
        except ValueError:
            raise UserError(
                f"confidence is not a number: {row['confidence']!r}", where=at
            ) from None
        if not 0 <= confidence <= 1:
            raise UserError("confidence must lie in [0, 1]", where=at)
        yield Label(chain, canonical_address(chain, address), row["service"].strip(), category, confidence,
                    row.get("source") or f"user:{path.name}", row.get("date") or None,
                    row.get("detail") or None)  # fmt: skip


@cache
def bundled_labels() -> tuple[Label, ...]:
    """The label packs shipped in ``nkwatch/data/chain/labels`` (see its README); parsed once."""
    root = resources.files("nkwatch.data") / "chain" / "labels"
    found: list[Label] = []
    with resources.as_file(root) as folder:
        for pack in sorted(Path(folder).glob("graphsense/*.yaml")):
            found.extend(graphsense_tagpack(pack))
        found.extend(etherscan_labels(Path(folder) / "etherscan_services.json"))
        found.extend(user_csv(Path(folder) / "nkwatch_curated.csv"))
    found.extend(intel_incident_addresses())
    return tuple(found)


def _known(code: str) -> str | None:
    found = find_chain(code)
    return found.id if found is not None else None


def intel_incident_addresses() -> Iterator[Label]:
    """DPRK incident addresses from the intel capability's bundled data, when it is shipped."""
    path = resources.files("nkwatch.data") / "intel" / "incident_addresses.csv"
    if not path.is_file():
        return
    for row in csv.DictReader(path.read_text("utf-8").splitlines()):
        chain = _known(row.get("chain", ""))
        address = row.get("address", "").strip()
        if chain is None or not is_valid_address(chain, address):
            continue
        yield Label(chain, canonical_address(chain, address), f"{row['incident_id']} ({row.get('role', '')})",
                    "incident", 0.9, f"nkwatch intel: {row.get('source', '')[:200]}", row["incident_id"][:10])  # fmt: skip


def save_labels(store: Store, labels: Iterable[Label]) -> int:
    rows = [(lb.chain, lb.address, lb.service, lb.category, lb.confidence, lb.source, lb.source_date, lb.detail)
            for lb in labels]  # fmt: skip
    before = int(store.conn.execute("SELECT count(*) FROM trace_labels").fetchall()[0][0])
    if not rows:
        return 0
    with store.transaction() as conn:
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE _nk_labels AS SELECT * FROM trace_labels LIMIT 0"
        )
        conn.executemany("INSERT INTO _nk_labels VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute(
            "INSERT OR IGNORE INTO trace_labels SELECT DISTINCT ON (chain, address, source) * FROM _nk_labels"
        )
        conn.execute("DROP TABLE _nk_labels")
    return int(store.conn.execute("SELECT count(*) FROM trace_labels").fetchall()[0][0]) - before


def load_label_book(store: Store, *, with_bundled: bool = True) -> LabelBook:
    """Labels saved in the store (user imports) plus the bundled packs."""
    rows = store.conn.execute(
        "SELECT chain, address, service, category, confidence, source, source_date, detail FROM trace_labels"
    ).fetchall()
    book = LabelBook(bundled_labels() if with_bundled else ())
    for r in rows:
        book.add(Label(str(r[0]), str(r[1]), str(r[2]), str(r[3]), float(r[4]), str(r[5]),
                       None if r[6] is None else str(r[6]), None if r[7] is None else str(r[7])))  # fmt: skip
    return book
