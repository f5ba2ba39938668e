from __future__ import annotations

from pathlib import Path

import pytest

from nkwatch.errors import UserError
from nkwatch.store import Store
from nkwatch.trace.label_sources import (
    bundled_labels,
    etherscan_labels,
    graphsense_tagpack,
    load_label_book,
    save_labels,
    user_csv,
)
from nkwatch.trace.labels import LabelBook


def test_graphsense_tornado_pack_is_mixers_with_authority_confidence(shared_data: Path) -> None:
    labels = list(
        graphsense_tagpack(shared_data / "chain/labels/graphsense_tagpacks/tornado_cash.yaml")
    )
    assert len(labels) == 39
    assert {lb.category for lb in labels} == {"mixer"}
    assert all(lb.confidence == 0.95 and lb.address == lb.address.lower() for lb in labels)
    assert labels[0].source_date == "2022-08-10"


def test_etherscan_export_categories(shared_data: Path) -> None:
    book = LabelBook(
        etherscan_labels(shared_data / "chain/labels/etherscan/combinedAllLabels.json")
    )
    # mixed-case keys are normalised: lookups are case-insensitive
    assert book.best("ethereum", "0x3FC91A3AFD70395CD496C647D5A6CC9D4B2B7FAD").category == "dex"
    kucoin = book.best("ethereum", "0x689c56aef474df92d44a1b70850f808488f9769c")
    assert kucoin is not None and kucoin.category == "exchange" and kucoin.is_endpoint
    exploiter = book.best("ethereum", "0x47666fab8bd0ac7003bce3f5c3585383f09486e2")
    assert exploiter is None or exploiter.category == "incident"


def test_bundled_packs_include_thorchain_and_bitcoin_exchanges() -> None:
    book = LabelBook(bundled_labels())
    thor = book.endpoint("ethereum", "0x54acab846901bdbdc553a675d97240511e4bfba2")
    assert thor is not None and thor.category == "bridge" and "THORChain" in thor.service
    assert any(lb.chain == "bitcoin" and lb.category == "exchange" for lb in book.all())


def test_user_csv_round_trip_and_errors(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "chain,address,service,category,confidence\n"
        "ethereum,0x" + "ab" * 20 + ",Acme Exchange,exchange,0.9\n"
    )
    assert save_labels(store, user_csv(path)) == 1
    assert save_labels(store, user_csv(path)) == 0
    book = load_label_book(store, with_bundled=False)
    assert book.endpoint("ethereum", "0x" + "AB" * 20).service == "Acme Exchange"
    path.write_text("chain,address,service,category\nethereum,0x12,X,exchange\n")
    with pytest.raises(UserError, match="not a valid ethereum address"):
        list(user_csv(path))
    path.write_text("chain,address,service,category\nethereum,0x" + "ab" * 20 + ",X,casino\n")
    with pytest.raises(UserError, match="unknown category"):
        list(user_csv(path))
