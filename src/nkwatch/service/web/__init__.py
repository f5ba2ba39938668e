"""Server-rendered web UI: Jinja2 templates, static assets and vendored chart libraries."""

from __future__ import annotations

from pathlib import Path

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
