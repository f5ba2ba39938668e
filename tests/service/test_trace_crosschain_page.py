"""The case page of a cross-chain report: every asset in the Sankey, one box per chain in
the flow graph, the links with chain, asset and converted amount per hop, Bitcoin-side
exchanges in the freeze requests, and hostile text from the data shown as text."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from tests.trace import crosschain_case as cc

from nkwatch.settings import Settings
from nkwatch.store import open_store
from nkwatch.trace.freeze import freeze_requests
from nkwatch.trace.pages import flow_graph, sankey
from nkwatch.trace.render import render
from nkwatch.trace.repository import save_report

from .conftest import Keys, login

HOSTILE = '<img src=x onerror="alert(1)">'


def test_pictures_show_every_asset_and_the_chain_boundaries(
    settings: Settings, tmp_path: Path
) -> None:
    report = cc.traced_report(settings, tmp_path, hostile=HOSTILE)
    graph = flow_graph(report)
    assert graph["chains"] == ["bitcoin", "ethereum", "litecoin"]
    nodes = {e["data"]["id"]: e["data"] for e in graph["elements"] if "source" not in e["data"]}
    edges = [e["data"] for e in graph["elements"] if "source" in e["data"]]
    assert {"chain:bitcoin", "chain:ethereum"} <= set(nodes)
    assert nodes[f"bitcoin:{cc.BTC_EXCHANGE}"]["parent"] == "chain:bitcoin"
    assert nodes[cc.THIEF]["parent"] == "chain:ethereum"
    bridge = next(e for e in edges if e["link"] == "bridge")
    assert (bridge["from_chain"], bridge["chain"], bridge["cross"]) == ("ethereum", "bitcoin", True)
    assert bridge["label"].startswith("bridge → bitcoin: 1.5 BTC ← 200 ETH on ethereum")
    swap = next(e for e in edges if e["link"] == "swap")
    assert swap["symbol"] == "USDT" and "ETH" in swap["label"] and not swap["cross"]
    flight = next(e for e in edges if e["link"] == "in flight")
    assert nodes[flight["target"]]["label"].startswith("left for chain litecoin")
    sk = sankey(report)
    assert {"USDT (ethereum)", "ETH (ethereum)", "BTC (bitcoin)"} <= set(sk["assets"])
    pairs = {(lk["source"], lk["target"]) for lk in sk["links"]}
    assert (cc.THIEF, f"bitcoin:{cc.BTC_DEST}") in pairs  # the bridge crosses into bitcoin
    assert (f"bitcoin:{cc.BTC_DEST}", f"bitcoin:{cc.BTC_EXCHANGE}") in pairs
    assert all(lk["value"] > 0 for lk in sk["links"])
    deposit = next(lk for lk in sk["links"] if lk["target"] == f"bitcoin:{cc.BTC_EXCHANGE}")
    assert deposit["value"] == 80.0  # 1.2 of the 1.5 BTC that arrived
    # the standalone HTML report lists the links too, as text
    html = render(report, "html")
    assert "Across swaps and chains" in html and "left for chain litecoin" in html
    assert HOSTILE not in html and "&lt;img src=x" in html
    # freeze requests reach the Bitcoin-side exchange like an Ethereum-side one
    letters = freeze_requests(report)
    assert any(r["chain"] == "bitcoin" and r["addresses"][0]["amounts"] == {"BTC": "1.2"}
               for r in letters.values())  # fmt: skip


def test_case_page_lists_links_and_escapes_the_data(
    client: TestClient, keys: Keys, settings: Settings, tmp_path: Path
) -> None:
    report = cc.traced_report(settings, tmp_path, hostile=HOSTILE)
    with open_store(settings) as store:
        save_report(store, "cross-case", report)
    login(client)
    page = client.get("/cases/cross-case")
    assert page.status_code == 200
    text = page.text
    assert 'id="links"' in text and "left for chain litecoin" in text
    assert "bridge via THORChain" in text and "1.5 of 1.5 BTC" in text
    assert "BTC (bitcoin)" in text and "one box per chain" in text
    assert HOSTILE not in text and "&lt;img src=x" in text
    blob = text.split('id="sankey-data">')[1].split("</script>")[0]
    assert "<img" not in blob and json.loads(blob)["links"]
