"""JavaScript / TypeScript: syntax-tree facts (tree-sitter) for the lure rules.

Queries (with native ``#match?`` predicates, so the scan of a large bundle stays in C)
collect ``require``/``import`` aliases, then the calls that can matter: code execution
(``eval``, ``Function``, ``vm``), process spawns, network calls and decoders. Callees are
resolved through the aliases (``const cp = require('child_process')`` makes ``cp.exec`` a
spawn). :mod:`jsflow` follows values from those calls to the sinks.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from nkwatch.lure import commands, textscan
from nkwatch.lure.model import Hit

_MODULES = rb"child_process|vm|https?|axios|request|node-fetch|got|needle|superagent|cross-fetch"
_IMPORTS = re.compile(
    rb"""(?:require\s*\(\s*|from\s*)['"`](?:node:)?(""" + _MODULES + rb""")['"`]"""
)
_CANDIDATE = re.compile(
    rb"(?<![\w$.])(eval|Function|fetch|atob|axios|request|got|needle|superagent|unescape|"
    rb"decodeURIComponent|XMLHttpRequest|Buffer\s*\.\s*from|String\s*\.\s*fromCharCode|"
    rb"https?\s*\.\s*(?:get|request)|vm\s*\.\s*\w+)\s*[(.\[]|"
    rb"\.\s*(exec|execSync|spawn|spawnSync|execFile|execFileSync|fork|constructor|get|post|"
    rb"put|request)\s*\("
)
SINK = textscan.Words(
    b"eval", b"Function", b"vm.", b"child_process", b"exec", b"spawn", b"fork", b"constructor"
)
NET = textscan.Words(
    b"fetch",
    b"axios",
    b"request",
    b"got(",
    b"needle",
    b"superagent",
    b"http.get",
    b"https.get",
    b"XMLHttpRequest",
    b"'https'",
    b'"https"',
    b"'http'",
    b'"http"',
    b"node:http",
    b"`https`",
)
DEC = textscan.Words(b"atob", b"Buffer.from", b"fromCharCode", b"unescape", b"decodeURIComponent")
ENV = re.compile(rb"process\.env(?![\w$.\[])")
_IP_COLON = re.compile(rb"\.\d{1,3}:\d")
_DOT_QUOTE = re.compile(rb"\.['\"`]")
_HELPER_BEFORE = re.compile(rb"(?:=>|return)\s*\Z")
_CALLISH = {"call_expression", "new_expression"}
_CHAIN = {
    "member_expression",
    "subscript_expression",
    "identifier",
    "property_identifier",
    "parenthesized_expression",
    "sequence_expression",
    "number",
}

_REQUIRE = re.compile(r"""require\(\s*['"`](?:node:)?([\w@./-]+)['"`]\s*\)""")
_OX = re.compile(rb"\b_0x[0-9a-f]{4,6}\b")
_ROTATE = re.compile(rb"""\[?['"]?push['"]?\]?\(\s*[\w$]+\[?['"]?\.?shift['"]?\]?\(\)\s*\)""")
_ENCODED_TO = (
    b"atob(",
    b"Buffer.from(",
    b"eval(",
    b"unescape(",
    b"decodeURIComponent(",
    b"fromCharCode(",
)
_LONG_ENCODED = re.compile(  # a long encoded literal handed straight to a decoder or eval
    rb"\s*(['\"`])(?!AGFzbQ)"
    rb"(?:[A-Za-z0-9+/=]{800,}|(?:\\x[0-9a-fA-F]{2}){120,}|(?:%[0-9a-fA-F]{2}){120,})\1"
)
_STRINGS = {"string", "template_string", "comment", "regex", "string_fragment"}

EXEC = {
    "eval",
    "Function",
    "vm.runInNewContext",
    "vm.runInThisContext",
    "vm.runInContext",
    "vm.Script",
    "vm.compileFunction",
    "window.eval",
    "global.eval",
    "globalThis.eval",
    "Function.constructor",
}
SPAWN = {
    "child_process." + f
    for f in ("exec", "execSync", "spawn", "spawnSync", "execFile", "execFileSync", "fork")
}
NET_MODULES = {"axios", "request", "node-fetch", "got", "needle", "superagent", "cross-fetch"}
NET_EXACT = {"fetch", "http.get", "https.get", "http.request", "https.request", "XMLHttpRequest"}
DECODE = {"atob", "Buffer.from", "String.fromCharCode", "decodeURIComponent", "unescape"}


@functools.cache
def language(kind: str) -> tuple[Any, Any]:
    import tree_sitter as ts

    if kind in ("ts", "tsx"):
        import tree_sitter_typescript as tst

        lang = ts.Language(tst.language_tsx() if kind == "tsx" else tst.language_typescript())
    else:
        import tree_sitter_javascript as tsj

        lang = ts.Language(tsj.language())
    return lang, ts.Parser(lang)


@dataclass
class Facts:
    data: bytes
    tree: Any
    calls: list[tuple[str, str, Any, Any]] = field(default_factory=list)  # kind, callee, node, args
    aliases: dict[str, str] = field(default_factory=dict)

    def of(self, *kinds: str) -> list[tuple[str, Any, Any]]:
        return [(c, n, a) for k, c, n, a in self.calls if k in kinds]


def kind_of(callee: str) -> str:
    if callee in EXEC or callee.endswith(".constructor.constructor") or callee == "(0,eval)":
        return "exec"
    if re.fullmatch(r"\(?\[\]\)?\.\w+\.constructor|\(function\(\)\{\}\)\.constructor", callee):
        return "exec"
    if callee in SPAWN:
        return "spawn"
    if callee in NET_EXACT or callee.split(".", 1)[0] in NET_MODULES:
        return "net"
    if callee in DECODE:
        return "decode"
    return ""


def _norm(text: str) -> str:
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"""\[['"]([\w$]+)['"]\]""", r".\1", text)
    return text.removeprefix("await")


def _resolve(callee: str, aliases: dict[str, str]) -> str:
    m = _REQUIRE.match(callee)
    if m:
        return m.group(1) + callee[m.end() :]
    head, dot, rest = callee.partition(".")
    if head in aliases:
        return aliases[head] + (dot + rest if dot else "")
    return callee


def _climb_to_call(node: Any) -> tuple[Any, Any] | None:
    """The call or ``new`` whose callee contains ``node`` (and the callee node)."""
    cur = node
    for _ in range(8):
        parent = cur.parent
        if parent is None:
            return None
        if parent.type in _CALLISH:
            field = "function" if parent.type == "call_expression" else "constructor"
            callee = parent.child_by_field_name(field)
            if (
                callee is not None
                and callee.start_byte == cur.start_byte
                and callee.end_byte == cur.end_byte
            ):
                return parent, callee
            return None
        if parent.type not in _CHAIN:
            return None
        cur = parent
    return None


def _bind(facts: Facts, node: Any, module: str) -> None:
    cur = node
    for _ in range(8):
        cur = cur.parent
        if cur is None:
            return
        if cur.type == "import_statement":
            clause = cur.text.split(b"from")[0].removeprefix(b"import")
            for m in re.finditer(rb"([\w$]+)(?:\s+as\s+([\w$]+))?", clause):
                name, alias = m.group(1).decode(), (m.group(2) or m.group(1)).decode()
                if name not in ("type", "as"):
                    inner = b"{" in clause[: m.start()] and b"}" not in clause[: m.start()]
                    facts.aliases[alias] = f"{module}.{name}" if inner else module
            return
        if cur.type == "variable_declarator":
            left, value = cur.child_by_field_name("name"), cur.child_by_field_name("value")
            if left is None or value is None:
                return
            tail = value.text.rsplit(b")", 1)[-1].strip()
            prop = tail[1:].decode() if tail.startswith(b".") and tail[1:].isidentifier() else ""
            full = f"{module}.{prop}" if prop else module
            if left.type == "identifier":
                facts.aliases[left.text.decode()] = full
            elif left.type == "object_pattern":
                for pair in re.finditer(rb"([\w$]+)\s*(?::\s*([\w$]+))?", left.text):
                    key, alias = pair.group(1).decode(), (pair.group(2) or pair.group(1)).decode()
                    facts.aliases[alias] = f"{full}.{key}"
            return


def collect(data: bytes, kind: str) -> Facts:
    """Parse, then visit only the places a byte regex found a callee of interest."""
    _lang, parser = language(kind)
    tree = parser.parse(data)
    facts = Facts(data, tree)
    root = tree.root_node
    for m in _IMPORTS.finditer(data):
        node = root.descendant_for_byte_range(m.start(1), m.end(1))
        if node is not None:
            _bind(facts, node, m.group(1).decode())
    names = [re.escape(a.encode()) for a in facts.aliases if re.fullmatch(r"[\w$]+", a)]
    patterns = [_CANDIDATE]
    if names:
        patterns.append(re.compile(rb"(?<![\w$.])(" + b"|".join(names) + rb")\s*[(.]"))
    seen: set[int] = set()
    for pattern in patterns:
        for m in pattern.finditer(data):
            group = 1 if m.group(1) else 2
            start = m.start(group)
            node = root.descendant_for_byte_range(start, start + 1)
            found = _climb_to_call(node) if node is not None else None
            if found is None or found[0].id in seen:
                continue
            call, fn = found
            seen.add(call.id)
            callee = _resolve(_norm(fn.text[:300].decode("utf-8", "replace")), facts.aliases)
            args = call.child_by_field_name("arguments")
            facts.calls.append((kind_of(callee), callee, call, args))
    return facts


def _finds(data: bytes, word: bytes) -> Iterator[int]:
    at = data.find(word)
    while at >= 0:
        yield at
        at = data.find(word, at + 1)


def ip_hints(data: bytes) -> Iterator[int]:
    """Offsets where a raw-IP URL may be written or split: ``.2:1224`` or ``192.0.' + '``
    (literal-led patterns: a regex starting with a character class scans every byte)."""
    for m in _IP_COLON.finditer(data):
        yield m.start()
    for m in _DOT_QUOTE.finditer(data):
        if data[m.start() - 1 : m.start()].isdigit():
            yield m.start()


def helper_decoders(data: bytes) -> Iterator[int]:
    """Offsets of ``atob(``/``Buffer.from(`` returned by a function (``s => atob(s)``)."""
    for word in (b"atob(", b"Buffer.from("):
        for at in _finds(data, word):
            if _HELPER_BEFORE.search(data, max(0, at - 40), at):
                yield at


_CALL_AFTER = re.compile(rb"\s*[()]")
SINK_WORDS = textscan.Words(
    b".constructor(",
    b"constructor']",
    b'constructor"]',
    b"child_process",
    b"vm.run",
    b"vm.Script",
    b"compileFunction",
    b"runInNewContext",
    b"runInThisContext",
)
NET_WORDS = textscan.Words(
    b"axios",
    b"XMLHttpRequest",
    b"http.get",
    b"https.get",
    b"http.request",
    b"https.request",
    b"'https'",
    b'"https"',
    b"`https`",
    b"'http'",
    b'"http"',
    b"node:http",
    b"request'",
    b'request"',
    b"needle",
    b"superagent",
    b"node-fetch",
    b"cross-fetch",
)


def called(data: bytes, names: tuple[bytes, ...]) -> bool:
    """Is one of ``names`` called (``eval(``, ``fetch (``, ``(0,eval)``) and not merely the
    tail of a longer name (``isFunction(``, ``prefetch(``)?"""
    for name in names:
        for at in _finds(data, name):
            before = data[at - 1 : at]
            if before and (before.isalnum() or before in b"_$"):
                continue
            if _CALL_AFTER.match(data, at + len(name)):
                return True
    return False


def needs_tree(data: bytes, config: bool) -> bool:
    """Whether any tree-based rule can fire: the byte-level preconditions of each rule (a
    sink is a call of eval/Function, a constructor chain, vm or child_process; a network
    use is a call of fetch/got/request or a network module by name)."""
    if config or textscan.BLANK_RUN.search(data) or _first(helper_decoders(data)) >= 0:
        return True
    if _first(ip_hints(data)) >= 0:
        return True
    net = NET_WORDS.search(data) or called(data, (b"fetch", b"got", b"request"))
    if net and ENV.search(data):
        return True
    if not (SINK_WORDS.search(data) or called(data, (b"eval", b"Function"))):
        return False
    return net or DEC.search(data) or textscan.DOWNLOADER.search(data)


def _inside_text(tree: Any, offset: int) -> bool:
    node = tree.root_node.descendant_for_byte_range(offset, offset + 1)
    while node is not None:
        if node.type in _STRINGS:
            return True
        node = node.parent
    return False


def hidden_code(data: bytes, tree: Any) -> list[Hit]:
    for m in textscan.BLANK_RUN.finditer(data):
        if tree is not None and _inside_text(tree, m.end()):
            continue
        if data[m.end() : m.end() + 2] in (b"//", b"/*", b"*/"):
            continue
        return [textscan.blank_hit(data, m)]
    return []


def _first(offsets: Iterator[int]) -> int:
    return next(offsets, -1)


def obfuscation(data: bytes) -> str:
    names = set(_OX.findall(data)) if b"_0x" in data else set()
    if len(names) >= 10:
        return f"{len(names)} distinct _0x identifiers"
    if names and b"shift" in data and _ROTATE.search(data):
        return "rotated string array (push/shift)"
    if any(_LONG_ENCODED.match(data, at + len(w)) for w in _ENCODED_TO for at in _finds(data, w)):
        return "long encoded string handed to a decoder or eval"
    return ""


def spawn_commands(facts: Facts) -> list[tuple[Any, str]]:
    """(call node, joined string arguments) of process spawns whose command downloads."""
    out = []
    for _callee, node, args in facts.of("spawn"):
        if args is not None:
            parts = re.findall(rb"""['"`]([^'"`]{3,})['"`]""", args.text)
            joined = " ".join(p.decode("utf-8", "replace") for p in parts)
            if joined and "downloads" in commands.risks(joined):
                out.append((node, joined))
    return out


def hit(rule: str, facts: Facts, node: Any, message: str, **kw: Any) -> Hit:
    line, col = node.start_point[0] + 1, node.start_point[1] + 1
    return Hit(rule, line, col, textscan.line_at(facts.data, node.start_byte), message, **kw)
