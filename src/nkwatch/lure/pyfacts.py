"""Python: ``ast`` facts and the rules they prove (InvisibleFerret, TraderTraitor tests).

Calls are named through import aliases (``import base64 as b``, ``from os import system``,
``__import__('zlib')``); a flow-insensitive taint by name follows downloaded text, decoded
text and ``os.environ`` through assignments, lambdas and helper functions into ``exec``/
``eval``, process spawns and network sends.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from nkwatch.lure import commands, textscan
from nkwatch.lure.indicators import Indicators
from nkwatch.lure.model import Hit

SINK = textscan.Words(
    b"exec(", b"eval(", b"system(", b"popen(", b"subprocess", b"Popen(", b"__import__"
)
NET_TEXT = textscan.Words(
    b"urlopen(",
    b"requests.",
    b"import requests",
    b"from requests",
    b"httpx.",
    b"urllib3.",
    b"http.client",
    b"urlretrieve(",
)
DEC = textscan.Words(
    b"b64decode",
    b"b32decode",
    b"b85decode",
    b"decompress",
    b"fromhex",
    b"unhexlify",
    b"marshal",
    b"decodebytes",
    b"a2b_",
)
ENV_WHOLE = re.compile(rb"environ(?!\s*\[|\.get\b|\.setdefault|\.pop\b|\.items|\.keys|\.update)")
IP_HINT = re.compile(rb"\.\d{1,3}:\d")
EXEC = {"exec", "eval", "builtins.exec", "builtins.eval"}
SPAWN = {
    "os.system",
    "os.popen",
    "subprocess.run",
    "subprocess.call",
    "subprocess.Popen",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.getoutput",
}
NET = {
    "urllib.request.urlopen",
    "urllib.urlopen",
    "urllib2.urlopen",
    "urllib.request.Request",
    "urllib.request.urlretrieve",
    "http.client.HTTPConnection",
    "http.client.HTTPSConnection",
}
NET_MODULES = {"requests", "httpx", "urllib3"}
DECODE_TAILS = {
    "b64decode",
    "b32decode",
    "b85decode",
    "a85decode",
    "decodebytes",
    "urlsafe_b64decode",
    "decompress",
    "fromhex",
    "unhexlify",
    "a2b_base64",
    "loads",
}
DECODE_MODULES = {"base64", "zlib", "lzma", "bz2", "gzip", "binascii", "marshal", "codecs", "bytes"}


def _dotted(node: ast.expr, aliases: dict[str, str]) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(aliases.get(node.id, node.id))
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "__import__"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        parts.append(str(node.args[0].value))
    else:
        return ""
    return ".".join(reversed(parts))


class _Facts:
    """One walk: calls (named through aliases), parents, scopes and the uses of each name."""

    def __init__(self, tree: ast.Module) -> None:
        self.aliases: dict[str, str] = {}
        self.calls: list[tuple[str, ast.Call]] = []
        self.parent: dict[int, ast.AST] = {}
        self.uses: dict[str, list[ast.Name]] = {}
        raw: list[ast.Call] = []
        stack: list[ast.AST] = [tree]
        while stack:  # one pass: parents, imports, names, calls
            node = stack.pop()
            for child in ast.iter_child_nodes(node):
                self.parent[id(child)] = node
                stack.append(child)
            if isinstance(node, ast.Name):
                self.uses.setdefault(node.id, []).append(node)
            elif isinstance(node, ast.Call):
                raw.append(node)
            elif isinstance(node, ast.Import):
                for a in node.names:
                    key = (a.asname or a.name).split(".")[0]
                    self.aliases[key] = a.name if a.asname else a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom):
                for a in node.names:
                    self.aliases[a.asname or a.name] = f"{node.module or ''}.{a.name}"
        self.calls = [(_dotted(c.func, self.aliases), c) for c in raw]

    def kind(self, name: str) -> str:
        tail = name.rsplit(".", 1)[-1]
        head = name.split(".", 1)[0]
        if name in EXEC:
            return "exec"
        if name in SPAWN:
            return "spawn"
        if name in NET or head in NET_MODULES:
            return "net"
        if tail in DECODE_TAILS and (head in DECODE_MODULES or name == tail):
            return "decode"
        return ""

    def scope(self, node: ast.AST) -> ast.AST:
        cur: ast.AST | None = self.parent.get(id(node))
        while cur is not None and not isinstance(cur, _SCOPES):
            cur = self.parent.get(id(cur))
        return cur if cur is not None else node

    def within(self, node: ast.AST, scope: ast.AST) -> bool:
        cur: ast.AST | None = node
        while cur is not None:
            if cur is scope:
                return True
            cur = self.parent.get(id(cur))
        return False


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.Module)
_CARRY = (
    ast.Attribute,
    ast.BinOp,
    ast.JoinedStr,
    ast.FormattedValue,
    ast.Subscript,
    ast.Tuple,
    ast.List,
    ast.Dict,
    ast.Starred,
    ast.Await,
    ast.IfExp,
    ast.keyword,
    ast.Lambda,
    ast.BoolOp,
    ast.comprehension,
    ast.ListComp,
    ast.GeneratorExp,
)


def _flow(facts: _Facts, seeds: list[ast.AST], sinks: dict[int, ast.Call]) -> list[ast.Call]:
    """Forward taint from ``seeds`` into sink call arguments (see :mod:`jsflow`)."""
    hits: dict[int, ast.Call] = {}
    seen: set[int] = set()
    tainted: set[tuple[int, str]] = set()
    work = list(seeds)
    steps = 0
    while work and steps < 20_000:
        steps += 1
        cur = work.pop()
        for _ in range(24):
            parent = facts.parent.get(id(cur))
            if parent is None or id(parent) in seen:
                break
            seen.add(id(parent))
            if isinstance(parent, ast.Call):
                if id(parent) in sinks and cur is not parent.func:
                    hits[id(parent)] = parent
                cur = parent
                continue
            if isinstance(parent, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.NamedExpr):
                targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
                names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
                work += _taint(facts, names, facts.scope(parent), tainted)
                break
            if isinstance(parent, ast.withitem) and parent.optional_vars is not None:
                names = {n.id for n in ast.walk(parent.optional_vars) if isinstance(n, ast.Name)}
                work += _taint(facts, names, facts.scope(parent), tainted)
                break
            if isinstance(parent, ast.Return):
                fn = facts.scope(parent)
                if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                    work += _taint(facts, {fn.name}, facts.scope(fn), tainted)
                break
            if isinstance(parent, _CARRY):
                cur = parent
                continue
            break
    return list(hits.values())


def _taint(
    facts: _Facts, names: set[str], scope: ast.AST, tainted: set[tuple[int, str]]
) -> list[ast.AST]:
    out: list[ast.AST] = []
    for name in names:
        if (id(scope), name) in tainted or len(tainted) >= 64:
            continue
        tainted.add((id(scope), name))
        out += [
            u
            for u in facts.uses.get(name, [])[:300]
            if isinstance(u.ctx, ast.Load) and facts.within(u, scope)
        ]
    return out


def _pos(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1


def _hit(rule: str, lines: list[str], node: ast.AST, message: str, **kw: object) -> Hit:
    line, col = _pos(node)
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return Hit(rule, line, col, text, message, **kw)  # type: ignore[arg-type]


def _strings(node: ast.AST) -> Iterable[str]:
    for n in ast.walk(node):
        if isinstance(n, ast.Constant) and isinstance(n.value, str | bytes):
            yield n.value.decode("latin-1") if isinstance(n.value, bytes) else n.value


def _needs_tree(data: bytes) -> bool:
    if textscan.BLANK_RUN.search(data) or IP_HINT.search(data):
        return True
    net = NET_TEXT.search(data)
    if net and ENV_WHOLE.search(data):
        return True
    if SINK.search(data) and textscan.DOWNLOADER.search(data):
        return True
    return bool(SINK.search(data) and (net or DEC.search(data)))


def analyse(data: bytes, ind: Indicators) -> list[Hit]:
    hits = textscan.wallet_hits(data, ind, sends=NET_TEXT.search)
    if not _needs_tree(data):
        return hits + textscan.b64_ip_hits(data, ind)
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return hits  # not Python 3 (or not Python): the interpreter would not run it either
    lines = data.decode("utf-8", "replace").splitlines()
    hits += _hidden(data, tree)
    hits += _flows(_Facts(tree), lines)
    hits += _ips(tree, data, lines, ind)
    return hits


def _hidden(data: bytes, tree: ast.Module) -> list[Hit]:
    if not textscan.BLANK_RUN.search(data):
        return []
    spans = [
        (n.lineno, n.end_lineno or n.lineno)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str | bytes)
    ]
    for m in textscan.BLANK_RUN.finditer(data):
        line, _col = textscan.position(data, m.end())
        if data[m.end() : m.end() + 1] == b"#" or any(a <= line <= b for a, b in spans):
            continue
        return [textscan.blank_hit(data, m)]
    return []


def _flows(facts: _Facts, lines: list[str]) -> list[Hit]:
    hits: list[Hit] = []
    by_kind: dict[str, list[ast.Call]] = {}
    names: dict[int, str] = {}
    for name, call in facts.calls:
        by_kind.setdefault(facts.kind(name), []).append(call)
        names[id(call)] = name
    sinks = {id(c): c for c in by_kind.get("exec", []) + by_kind.get("spawn", [])}
    done: set[int] = set()
    if sinks and by_kind.get("net"):
        for call in _flow(facts, list(by_kind["net"]), sinks):
            done.add(id(call))
            hits.append(
                _hit("network-to-exec", lines, call, f"downloaded text reaches {names[id(call)]}()")
            )
    if sinks and by_kind.get("decode"):
        for call in _flow(facts, list(by_kind["decode"]), sinks):
            if id(call) not in done and names[id(call)] in EXEC:
                hits.append(
                    _hit(
                        "decoded-to-exec", lines, call, f"decoded text reaches {names[id(call)]}()"
                    )
                )
    for call in by_kind.get("spawn", []):
        cmd = " ".join(
            s for a in [*call.args, *(k.value for k in call.keywords)] for s in _strings(a)
        )
        if "downloads" in commands.risks(cmd):
            hits.append(_hit("shell-download-pipe", lines, call, f"spawns: {cmd[:100]}"))
    nets = {id(c): c for c in by_kind.get("net", [])}
    seeds = _environs(facts)
    if nets and seeds:
        for call in _flow(facts, seeds, nets)[:1]:
            hits.append(
                _hit(
                    "env-exfiltration", lines, call, f"os.environ is sent with {names[id(call)]}()"
                )
            )
    return hits[:6]


def _environs(facts: _Facts) -> list[ast.AST]:
    """``os.environ`` used whole (``dict(os.environ)``, ``json=os.environ``), not one variable."""
    out = []
    for name in ("os", "environ"):
        for use in facts.uses.get(name, []):
            node: ast.AST = use
            parent = facts.parent.get(id(use))
            if name == "os" and isinstance(parent, ast.Attribute) and parent.attr == "environ":
                node = parent
            elif name != "environ" or facts.aliases.get("environ") != "os.environ":
                continue
            outer = facts.parent.get(id(node))
            if isinstance(outer, ast.Subscript) or (
                isinstance(outer, ast.Attribute) and outer.attr != "copy"
            ):
                continue
            out.append(node)
    return out


def _ips(tree: ast.Module, data: bytes, lines: list[str], ind: Indicators) -> list[Hit]:
    """A literal URL to a raw IP on a documented C2 port (only when the text has one)."""
    if IP_HINT.search(data):
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for host, port in textscan.ip_urls(node.value):
                    if port in ind.c2_ports:
                        msg = f"URL to raw IP {host}:{port}"
                        return [_hit("raw-ip-c2", lines, node, msg, extra_citations=ind.c2_cite)]
    return textscan.b64_ip_hits(data, ind)
