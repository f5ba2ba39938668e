"""TAXII 2.1 pull (taxii2-client): page through a collection and return one STIX bundle.

The objects are then imported like any STIX bundle, so a partner feed obeys the same
checks (known types, intact references) and lands in one transaction, or not at all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import requests
from taxii2client.exceptions import TAXIIServiceException
from taxii2client.v21 import Collection, as_pages

from nkwatch.errors import OperationalError, UserError


@dataclass(frozen=True)
class TaxiiSource:
    """Where to pull from: the API root URL, a collection id and optional credentials."""

    api_root: str
    collection_id: str
    user: str | None = None
    password: str | None = None
    page_size: int = 500
    verify_tls: bool = True

    @property
    def collection_url(self) -> str:
        return f"{self.api_root.rstrip('/')}/collections/{self.collection_id}/"


def pull(source: TaxiiSource) -> dict[str, Any]:
    """Every object of the collection (all pages) as a STIX 2.1 bundle dict."""
    where = source.collection_url
    try:
        collection = Collection(
            where, user=source.user, password=source.password, verify=source.verify_tls
        )
        if not collection.can_read:
            raise UserError("collection is not readable with these credentials", where=where)
        objects: list[dict[str, Any]] = []
        for envelope in as_pages(collection.get_objects, per_request=source.page_size):
            objects.extend(envelope.get("objects", []))
    except (requests.ConnectionError, requests.Timeout) as exc:  # could not reach the server
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise OperationalError(f"TAXII pull failed: {text}", where=where) from None
    except (requests.RequestException, TAXIIServiceException) as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(f"TAXII pull failed: {text}", where=where) from None
    bundle_id = f"bundle--{uuid.uuid5(uuid.NAMESPACE_URL, where)}"
    return {"type": "bundle", "id": bundle_id, "objects": objects}
