"""Settings are built once at the edge (CLI, service start-up) and passed in.

Nothing in the package reads the environment at import time; tests build their own
``Settings`` with a temporary store.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_LISTS_BASE_URL = "https://sanctionslistservice.ofac.treas.gov"
DEFAULT_UN_URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"


def default_data_dir(env: Mapping[str, str]) -> Path:
    """Per-user data directory (XDG on Linux), used when no store path is given."""
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".local/share")
    return Path(base) / "nkwatch"


@dataclass(frozen=True)
class Settings:
    """Everything configurable, in one immutable value."""

    db_path: Path
    lists_base_url: str = DEFAULT_LISTS_BASE_URL
    un_list_url: str = DEFAULT_UN_URL
    http_timeout_s: float = 60.0
    max_download_bytes: int = 512 * 1024 * 1024
    name_threshold: float | None = None  # None: the matcher's documented default
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, db_path: Path | None = None
    ) -> Settings:
        env = os.environ if env is None else env
        if db_path is None:
            raw = env.get("NKWATCH_DB")
            db_path = Path(raw) if raw else default_data_dir(env) / "nkwatch.duckdb"
        threshold = env.get("NKWATCH_NAME_THRESHOLD")
        return cls(
            db_path=db_path,
            lists_base_url=env.get("NKWATCH_LISTS_BASE_URL", DEFAULT_LISTS_BASE_URL),
            un_list_url=env.get("NKWATCH_UN_LIST_URL", DEFAULT_UN_URL),
            name_threshold=float(threshold) if threshold else None,
            extra={k: v for k, v in env.items() if k.startswith("NKWATCH_")},
        )

    def with_db(self, db_path: Path) -> Settings:
        return replace(self, db_path=db_path)
