"""What the attack sweeps are generated from: the app's own route table (every route with
the role its dependency demands) and its OpenAPI document (every parameter and body field),
so a route or parameter added later is swept without editing the tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

# Public by design: the health probe and the login form. Everything else needs a gate.
PUBLIC = {("GET", "/health"), ("GET", "/login"), ("POST", "/login")}

# Quick forms (make check); NKWATCH_ATTACK_FULL=1 adds the rest.
SQL_QUICK = (
    "' OR '1'='1",
    "x'; DROP TABLE audit_log; --",
    "1 UNION SELECT username, password_hash FROM service_users --",
)
SQL_FULL = (
    *SQL_QUICK,
    "'",
    '"',
    "\\",
    "' OR 1=1 --",
    "') OR ('1'='1",
    '" OR ""="',
    "1; SELECT * FROM service_api_keys",
    "/**/OR/**/1=1",
    "x' UNION ALL SELECT secret_sha256, role, label FROM service_api_keys --",
    "%' OR '%'='",
    "1' AND sleep(5) --",
    "'||(SELECT version())||'",
    "x\u0000' OR 1=1",
    "$1",
    "?",
)  # fmt: skip
TRAVERSAL = (
    "../../../../../../etc/passwd",
    "..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..%252f..%252f..%252fetc%252fpasswd",
    "....//....//....//etc/passwd",
    "..\\..\\..\\etc\\passwd",
    "%2fetc%2fpasswd",
    "bybit-example%00.json",
    "..%2fnk.duckdb",
    "%2e%2e",
    "~root",
)
# What no error body may contain: a traceback, a source location, a file system path.
LEAKS = re.compile(
    r"Traceback|File \"|site-packages|\.py\b|/work/|/tmp/|/home/|/usr/|duckdb\.|"
    r"Exception:|Error: \w+Error|line \d+, in"
)


@dataclass(frozen=True)
class Gate:
    method: str
    path: str
    kind: str  # "api" (key or session; JSON 401/403) or "page" (session; login redirect)
    role: str  # viewer < analyst < admin
    body: str  # "multipart", "json" or "" : what the route reads, so a refusal is the gate's

    def request(self) -> dict[str, Any]:
        """httpx arguments with a body of the kind the route reads (not a 415 instead)."""
        if self.body == "multipart":
            return {"files": {"file": ("a.csv", b"name\nAda\n", "text/csv")}}
        if self.body == "json":
            return {"json": {}}
        return {}


def _walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):  # FastAPI's included router
            yield from _walk(route.original_router.routes, prefix + route.include_context.prefix)


def _calls(dependant: Any) -> Iterator[Any]:
    yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def _gates(dependant: Any) -> Iterator[tuple[str, Any]]:
    found = getattr(dependant.call, "nkwatch_gate", None)
    if found is not None:
        yield found
    for sub in dependant.dependencies:
        yield from _gates(sub)


@cache
def route_table() -> tuple[Gate, ...]:
    """Every route of the app with its gate; a route with none (outside PUBLIC) is an
    AssertionError here, so a new unguarded route fails the sweep instead of slipping by."""
    from nkwatch.service.app import create_app
    from nkwatch.settings import Settings

    app = create_app(Settings.from_env({"HOME": "/nonexistent"}, db_path=Path("/nonexistent")))
    found: list[Gate] = []
    for path, route in _walk(app.routes):
        for method in sorted(route.methods):
            gates = list(_gates(route.dependant))
            if (method, path) in PUBLIC:
                assert not gates, f"{method} {path} is public by design but has a gate"
                continue
            assert gates, f"{method} {path} has no role gate (deps.require / page_principal)"
            kind, role = max(gates, key=lambda g: ("viewer", "analyst", "admin").index(g[1].value))
            names = {getattr(c, "__name__", "") for c in _calls(route.dependant)}
            body = ("multipart" if "require_multipart" in names
                    else "json" if "require_json" in names else "")  # fmt: skip
            found.append(Gate(method, path, kind, role.value, body))
    return tuple(found)


def fill(path: str, value: str = "x") -> str:
    return re.sub(r"\{[^}]+\}", value, path)


def lower_roles(role: str) -> list[str]:
    order = ["viewer", "analyst", "admin"]
    return order[: order.index(role)]


@dataclass(frozen=True)
class Probe:
    """One request of the SQL sweep: which operation and parameter carry the payload."""

    method: str
    path: str
    where: str  # path, query, json, form, filename
    name: str
    params: dict[str, str]
    json: dict[str, Any] | None
    form: dict[str, str] | None
    files: dict[str, tuple[str, bytes, str]] | None


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(doc, schema["allOf"][0])
    return schema


def _sample(doc: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A plausible value for a field that does not carry the payload."""
    schema = _resolve(doc, schema)
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    for option in schema.get("anyOf", []):
        option = _resolve(doc, option)
        if option.get("type") != "null":
            return _sample(doc, option)
    kind = schema.get("type")
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "array":
        return [_sample(doc, schema.get("items", {}))] * max(1, schema.get("minItems", 1))
    if kind == "object":
        return {k: _sample(doc, v) for k, v in schema.get("properties", {}).items()
                if k in schema.get("required", [])}  # fmt: skip
    return "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"  # a string: an address fits most


def _string_fields(doc: dict[str, Any], schema: dict[str, Any], at: str = "") -> Iterator[str]:
    """Dotted paths of every string field of a JSON body (``seeds.0.address``)."""
    schema = _resolve(doc, schema)
    kinds = [schema.get("type")] + [_resolve(doc, o).get("type") for o in schema.get("anyOf", [])]
    if "string" in kinds:
        yield at
    if schema.get("type") == "object":
        for key, sub in schema.get("properties", {}).items():
            yield from _string_fields(doc, sub, f"{at}.{key}" if at else key)
    if schema.get("type") == "array":
        yield from _string_fields(doc, schema.get("items", {}), f"{at}.0")


def _put(body: dict[str, Any], dotted: str, value: str) -> dict[str, Any]:
    import copy

    out = copy.deepcopy(body)
    node: Any = out
    parts = dotted.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return out


def sql_probes(doc: dict[str, Any], payloads: tuple[str, ...]) -> Iterator[Probe]:
    """Every operation x every parameter/body field x every payload."""
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for payload in payloads:
                yield from _op_probes(doc, path, method.upper(), op, payload)


def _files(doc: dict[str, Any], fields: dict[str, Any], name: str, text: str) -> Any:
    return {k: (name, text.encode(), "text/csv") for k, v in fields.items() if _is_file(doc, v)}


def _op_probes(
    doc: dict[str, Any], path: str, method: str, op: dict[str, Any], payload: str
) -> Iterator[Probe]:
    params = [p for p in op.get("parameters", []) if p["in"] in ("path", "query")]
    base_q = {p["name"]: str(_sample(doc, p.get("schema", {})))
              for p in params if p["in"] == "query" and p.get("required")}  # fmt: skip
    content = op.get("requestBody", {}).get("content", {})
    json_schema = content.get("application/json", {}).get("schema")
    form_schema = content.get("multipart/form-data", {}).get("schema")
    body = _sample(doc, json_schema) if json_schema else None
    fields = _resolve(doc, form_schema).get("properties", {}) if form_schema else {}
    plain = _files(doc, fields, "upload.csv", "name\nAda\n") if form_schema else None
    for p in params:
        vals = {q["name"]: "x" for q in params if q["in"] == "path"}
        query = dict(base_q)
        (vals if p["in"] == "path" else query)[p["name"]] = payload
        target = re.sub(r"\{([^}]+)\}", lambda m, v=vals: _quote(v[m.group(1)]), path)  # type: ignore[misc]
        yield Probe(method, target, p["in"], p["name"], query, body, None, plain)
    target = fill(path)
    for field in _string_fields(doc, json_schema) if json_schema else ():
        yield Probe(method, target, "json", field, base_q, _put(body, field, payload), None, None)
    if form_schema:
        for field in [k for k, v in fields.items() if not _is_file(doc, v)]:
            yield Probe(method, target, "form", field, base_q, None, {field: payload}, plain)
        hostile = _files(doc, fields, f"{payload}.csv", f"name\n{payload}\n")
        yield Probe(method, target, "filename", "file", base_q, None, None, hostile)


def _is_file(doc: dict[str, Any], schema: dict[str, Any]) -> bool:
    schema = _resolve(doc, schema)
    return schema.get("format") == "binary" or "contentMediaType" in schema


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")
