"""Template rendering shared by every page: the nav, the user and the CSRF token.

Templates are looked up in each capability's ``templates/`` folder (named by its manifest),
the host's own first; the nav is the capabilities' declared entries the user's role sees.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import Response

from nkwatch import capabilities
from nkwatch.capability import NavEntry
from nkwatch.service.auth import Principal, Role


def _json_script(value: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block, safe against ``</script>``."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # escaped above; never executed (CSP, JSON type)


@cache
def templates() -> Jinja2Templates:
    """One Jinja environment over every capability's templates folder."""
    folders = [
        str(resources.files(cap.templates) / "templates")
        for cap in capabilities.load()
        if cap.templates is not None
    ]
    found = Jinja2Templates(directory=folders)
    found.env.filters["json_script"] = _json_script
    return found


def nav_for(who: Principal | None) -> list[NavEntry]:
    """The nav entries ``who`` may see, in their declared order."""
    if who is None:
        return []
    return [entry for entry in capabilities.nav() if who.role.allows(Role(entry.role))]


def render(
    request: Request,
    name: str,
    who: Principal | None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    return templates().TemplateResponse(
        request,
        name,
        {"who": who, "nav": nav_for(who), "csrf_token": who.csrf_token if who else None, **context},
        status_code=status_code,
    )
