"""Template rendering shared by every page: the nav, the user and the CSRF token."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import Response

from nkwatch.service.auth import Principal, Role
from nkwatch.service.web import TEMPLATES_DIR


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str
    role: Role = Role.viewer


# Pages register here as their capability lands; the dashboard is always first.
NAV: list[NavItem] = [NavItem("/", "Dashboard")]

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))


def _json_script(value: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block, safe against ``</script>``."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # escaped above; never executed (CSP, JSON type)


templates.env.filters["json_script"] = _json_script


def render(
    request: Request,
    name: str,
    who: Principal | None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    nav = [item for item in NAV if who is not None and who.role.allows(item.role)]
    return templates.TemplateResponse(
        request,
        name,
        {"who": who, "nav": nav, "csrf_token": who.csrf_token if who else None, **context},
        status_code=status_code,
    )
