"""Fetch the current official list files and import them atomically.

Downloads stream to a temporary directory with timeouts and a size cap, every file is
parsed (which verifies it) before the store is touched, and all imports run in one
transaction: a 404, a cut connection or a truncated file leaves the store as it was.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from nkwatch import __version__
from nkwatch.errors import OperationalError, UserError
from nkwatch.sanctions.parsers import parse_list
from nkwatch.sanctions.repository import ImportResult, import_document
from nkwatch.settings import Settings
from nkwatch.store import Store

# The OFAC Sanctions List Service export of the SDN list in the advanced XML schema.
OFAC_EXPORT_PATH = "/api/PublicationPreview/exports/SDN_ADVANCED.XML"


@dataclass(frozen=True)
class ListSource:
    name: str
    url: str
    filename: str


def official_sources(settings: Settings) -> list[ListSource]:
    """Where the current lists live, from the settings (configurable for mirrors and tests)."""
    return [
        ListSource(
            "OFAC SDN (advanced XML)",
            settings.lists_base_url.rstrip("/") + OFAC_EXPORT_PATH,
            "sdn_advanced.xml",
        ),
        ListSource("UN consolidated list", settings.un_list_url, "un_consolidated.xml"),
    ]


def download(client: httpx.Client, source: ListSource, dest: Path, max_bytes: int) -> Path:
    """Stream ``source`` to ``dest``; ``UserError`` on HTTP errors, cut transfers or size cap."""
    target = dest / source.filename
    try:
        with client.stream("GET", source.url) as response:
            if response.status_code != 200:
                failed = f"download failed: HTTP {response.status_code} {response.reason_phrase}"
                if response.status_code >= 500 or response.status_code == 429:
                    raise OperationalError(failed, where=source.url)  # their side: retry later
                raise UserError(failed, where=source.url)
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise UserError(
                    f"file is {declared} bytes, over the {max_bytes}-byte cap", where=source.url
                )
            received = 0
            with target.open("wb") as fh:
                for chunk in response.iter_bytes(1 << 20):
                    received += len(chunk)
                    if received > max_bytes:
                        raise UserError(
                            f"download exceeds the {max_bytes}-byte cap", where=source.url
                        )
                    fh.write(chunk)
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # could not reach the list server
        raise OperationalError(
            f"download failed: {type(exc).__name__}: {exc}", where=source.url
        ) from exc
    except httpx.HTTPError as exc:
        raise UserError(f"download failed: {type(exc).__name__}: {exc}", where=source.url) from exc
    return target


def update_lists(store: Store, settings: Settings) -> list[ImportResult]:
    """Download, verify and import every official list; all-or-nothing."""
    timeout = httpx.Timeout(settings.http_timeout_s, connect=min(10.0, settings.http_timeout_s))
    headers = {"User-Agent": f"nkwatch/{__version__} (sanctions list update)"}
    with (
        tempfile.TemporaryDirectory(prefix="nkwatch-lists-") as tmp,
        httpx.Client(timeout=timeout, headers=headers, follow_redirects=True) as client,
    ):
        # Download everything first (fail fast on the network), then verify by parsing.
        sources = official_sources(settings)
        paths = [download(client, s, Path(tmp), settings.max_download_bytes) for s in sources]
        docs = []
        for source, path in zip(sources, paths, strict=True):
            try:
                docs.append(parse_list(path))
            except UserError as exc:
                raise UserError(
                    f"downloaded file is not usable: {exc.message}", where=source.url
                ) from exc
    with store.transaction():
        return [import_document(store, doc) for doc in docs]
