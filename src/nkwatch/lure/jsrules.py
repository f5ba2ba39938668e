"""The JavaScript rules, judged over :mod:`jsfacts` facts and :mod:`jsflow` flows."""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Iterator
from dataclasses import replace
from itertools import islice
from typing import Any

from nkwatch.lure import textscan
from nkwatch.lure.indicators import Indicators
from nkwatch.lure.jsfacts import (
    DEC,
    NET,
    Facts,
    collect,
    helper_decoders,
    hidden_code,
    hit,
    ip_hints,
    needs_tree,
    obfuscation,
    spawn_commands,
)
from nkwatch.lure.jsflow import Flow
from nkwatch.lure.model import Hit

_STR = re.compile(rb"^(['\"`])(.*)\1$", re.S)
_CONSTS = """
((string) @s (#match? @s "[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+:[0-9]+"))
((binary_expression left: (_) right: (string)) @cat (#match? @cat "^[('\\"`]"))
((call_expression function: (identifier) arguments: (arguments . [(string) (binary_expression)])) @hcall)
"""
_ENV_WHOLE = re.compile(rb"process\.env(?![\w$.\[])")


@functools.cache
def _consts_query(kind: str) -> Any:
    import tree_sitter as ts

    from nkwatch.lure.jsfacts import language

    return ts.Query(language(kind)[0], _CONSTS)


def const(node: Any, env: dict[bytes, str] | None = None) -> str | None:
    """Fold a constant string expression: literals, '+' concatenation, atob/Buffer.from
    (base64, hex) of a constant, ``.toString()`` and ``.slice(n)`` on a constant, and a call of
    a one-expression helper (``const t = s => atob(s.slice(1))``) on a constant."""
    if node is None:
        return None
    t = node.type
    if t == "identifier" and env is not None:
        return env.get(bytes(node.text))
    if t in ("string", "template_string"):
        if t == "template_string" and b"${" in node.text:
            return None
        m = _STR.match(node.text)
        return m.group(2).decode("utf-8", "replace") if m else None
    if t == "parenthesized_expression" and node.named_children:
        return const(node.named_children[0], env)
    if t == "binary_expression" and node.child_by_field_name("operator").type == "+":
        left = const(node.child_by_field_name("left"), env)
        right = const(node.child_by_field_name("right"), env)
        return left + right if left is not None and right is not None else None
    if t == "call_expression":
        return _const_call(node, env)
    return None


_HELPER_NAMES = re.compile(
    rb"(?:(?:const|let|var)\s+([\w$]+)\s*=\s*(?:function\s*)?\(?\s*[\w$]+\s*\)?\s*(?:=>|\{)"
    rb"\s*(?:return\s+)?|function\s+([\w$]+)\s*\(\s*[\w$]+\s*\)\s*\{\s*return\s+)"
    rb"(?:atob|Buffer\.from)\("
)


def _helpers(root: Any, data: bytes) -> dict[bytes, tuple[bytes, Any]]:
    """One-expression decoder helpers of a file, found once: name -> (parameter, body)."""
    out: dict[bytes, tuple[bytes, Any]] = {}
    for m in _HELPER_NAMES.finditer(data):
        name = m.group(1) or m.group(2)
        found = _helper(root, name) if name not in out else None
        if found is not None:
            out[name] = found
    return out


def _helper(root: Any, name: bytes) -> tuple[bytes, Any] | None:
    """(parameter, returned expression) of a one-parameter, one-expression helper ``name``."""
    decl = re.search(
        rb"(?:(?:const|let|var)\s+"
        + re.escape(name)
        + rb"\s*=\s*(?:function\s*)?\(?\s*[\w$]+\s*\)?\s*(?:=>|\{))"
        rb"|function\s+" + re.escape(name) + rb"\s*\(",
        root.text,
    )
    if decl is None:
        return None
    node = root.descendant_for_byte_range(decl.end() - 1, decl.end())
    while node is not None and node.type not in (
        "arrow_function",
        "function_expression",
        "function_declaration",
    ):
        node = node.parent
    if node is None:
        return None
    params = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
    body = node.child_by_field_name("body")
    names = re.findall(rb"[\w$]+", params.text) if params is not None else []
    if len(names) != 1 or body is None:
        return None
    if body.type == "statement_block":
        stmts = body.named_children
        if len(stmts) != 1 or stmts[0].type != "return_statement" or not stmts[0].named_children:
            return None
        body = stmts[0].named_children[0]
    return names[0], body


def _const_call(node: Any, env: dict[bytes, str] | None = None) -> str | None:
    fn, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
    if fn is None or args is None:
        return None
    name = fn.text.replace(b" ", b"")
    values = args.named_children
    first = const(values[0], env) if values else None
    if name == b"atob" and first is not None:
        return _decode(first, "base64")
    if name == b"Buffer.from" and first is not None and len(values) > 1:
        return _decode(first, const(values[1], env) or "")
    if fn.type == "member_expression":
        base = const(fn.child_by_field_name("object"), env)
        prop = fn.child_by_field_name("property")
        if base is not None and prop is not None:
            if prop.text == b"toString":
                return base
            if prop.text == b"slice" and values and values[0].text.isdigit():
                return base[int(values[0].text) :]
    return None


def _decode(text: str, encoding: str) -> str | None:
    try:
        if encoding in ("base64", "base64url"):
            raw = base64.b64decode(
                text + "=" * (-len(text) % 4), altchars=b"-_" if "url" in encoding else None
            )
        elif encoding == "hex":
            raw = bytes.fromhex(text)
        else:
            return None
    except (binascii.Error, ValueError):
        return None
    return raw.decode("utf-8", "replace")


def _fold_helper_call(
    node: Any, helpers: dict[bytes, tuple[bytes, Any]]
) -> list[tuple[Any, str, bool]]:
    fn, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
    helper = helpers.get(bytes(fn.text)) if fn is not None else None
    if helper is None or args is None or not args.named_children:
        return []
    arg = const(args.named_children[0])
    text = const(helper[1], {helper[0]: arg}) if arg is not None else None
    return [(node, text, True)] if text is not None else []


def _raw_ip(facts: Facts, kind: str, ind: Indicators) -> tuple[list[Hit], set[str]]:
    import tree_sitter as ts

    hits: list[Hit] = []
    folded: list[tuple[Any, str, bool]] = []
    has_helpers = next(helper_decoders(facts.data), -1) >= 0
    helpers = _helpers(facts.tree.root_node, facts.data) if has_helpers else {}
    for _, caps in ts.QueryCursor(_consts_query(kind)).matches(facts.tree.root_node):
        node = (caps.get("s") or caps.get("cat") or caps["hcall"])[0]
        if node.type == "call_expression":
            folded += _fold_helper_call(node, helpers)
            continue
        if (
            node.type == "binary_expression"
            and node.parent is not None
            and node.parent.type == "binary_expression"
        ):
            continue
        text = const(node)
        if text is not None:
            folded.append((node, text, node.type != "string"))
    for _callee, node, _args in facts.of("decode"):
        text = const(node)
        if text is not None:
            folded.append((node, text, True))
    drops: set[str] = set()
    for node, text, hidden in folded:
        if hidden:
            drops.update(textscan.dead_drop_hosts(text, ind))
        for host, port in textscan.ip_urls(text):
            if hidden or port in ind.c2_ports:
                how = "decoded/assembled" if hidden else "literal"
                hits.append(
                    hit(
                        "raw-ip-c2",
                        facts,
                        node,
                        f"{how} URL to raw IP {host}:{port}",
                        extra_citations=ind.c2_cite,
                    )
                )
                break
    return hits[:3], drops


def _b64_ips(data: bytes, ind: Indicators) -> tuple[list[Hit], set[str]]:
    drops: set[str] = set(textscan.dead_drop_hosts(data, ind))
    return textscan.b64_ip_hits(data, ind, drops), drops


def _flows(facts: Facts, drops: set[str]) -> list[Hit]:
    sinks = facts.of("exec", "spawn")
    if not sinks:
        return []
    callee_of = {(n.start_byte, n.end_byte): c for c, n, _ in sinks}
    hits: list[Hit] = []
    nets = [n for _, n, _ in facts.of("net")]
    found = Flow([n for _, n, _ in sinks]).run(nets) if nets else []
    for node in found:
        callee = callee_of[(node.start_byte, node.end_byte)]
        rule = "dead-drop-exec" if drops else "network-to-exec"
        where = f" (dead drop {sorted(drops)[0]})" if drops else ""
        hits.append(hit(rule, facts, node, f"network response reaches {callee}(){where}"))
    decs = [n for _, n, _ in facts.of("decode")]
    done = {(n.start_byte, n.end_byte) for n in found}
    for node in Flow([n for _, n, _ in sinks]).run(decs) if decs else []:
        if (node.start_byte, node.end_byte) not in done:
            callee = callee_of[(node.start_byte, node.end_byte)]
            hits.append(hit("decoded-to-exec", facts, node, f"decoded text reaches {callee}()"))
    return hits[:5]


def _env(facts: Facts) -> list[Hit]:
    nets = facts.of("net")
    if not nets:
        return []
    seeds = []
    for m in _ENV_WHOLE.finditer(facts.data):
        node = facts.tree.root_node.descendant_for_byte_range(m.start(), m.end())
        while node is not None and node.type != "member_expression":
            node = node.parent
        if node is not None:
            seeds.append(node)
    if not seeds:
        return []
    callee_of = {(n.start_byte, n.end_byte): c for c, n, _ in nets}
    for node in Flow([n for _, n, _ in nets]).run(seeds)[:1]:
        callee = callee_of[(node.start_byte, node.end_byte)]
        return [hit("env-exfiltration", facts, node, f"process.env is sent with {callee}()")]
    return []


def _config(facts: Facts, obf: str) -> list[Hit]:
    for callee, node, _args in facts.of("exec", "spawn", "net"):
        return [hit("config-file-code", facts, node, f"config file calls {callee}()")]
    if obf:
        return [
            Hit(
                "config-file-code",
                1,
                1,
                facts.data[:120].decode("utf-8", "replace"),
                f"config file carries obfuscated code: {obf}",
            )
        ]
    return []


BIG = 256 << 10  # larger files get syntax trees of windows, not of the whole file
WINDOW = 16 << 10  # bytes each side of a trigger spot; head and tail windows are twice that
_SINK_CALLS = (b"eval(", b"Function(", b"child_process", b"vm.run", b".constructor(")


def _sink_spots(data: bytes) -> Iterator[int]:
    """Sink calls with a network call or a decoder within a few KiB (where a payload spliced
    into a bundle would put them together)."""
    for word in _SINK_CALLS:
        at = data.find(word)
        while at >= 0:
            near = data[max(0, at - 4096) : at + 4096]
            if NET.search(near) or DEC.search(near):
                yield at
            at = data.find(word, at + 1)


def windows(data: bytes) -> list[tuple[int, int]]:
    """Byte ranges of a large file that get a syntax tree: the head and the tail (where code
    is prepended or appended to a bundle) and around the first few trigger spots. Each start
    moves to the next line or statement so the parse begins at a boundary."""
    n = len(data)
    spots = [m.start() for m in islice(textscan.BLANK_RUN.finditer(data), 3)]
    for found in (ip_hints(data), helper_decoders(data), _sink_spots(data)):
        spots += islice(found, 4)
    raw = [(0, 2 * WINDOW), (n - 2 * WINDOW, n)] + [(a - WINDOW, a + WINDOW) for a in spots]
    out: list[tuple[int, int]] = []
    for start, end in sorted((max(0, a), min(n, b)) for a, b in raw):
        if start > 0:
            cut = [
                i
                for i in (
                    data.find(b"\n", start, start + 4096),
                    data.find(b";", start, start + 4096),
                )
                if i >= 0
            ]
            start = min(cut) + 1 if cut else start
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _shift(h: Hit, data: bytes, start: int) -> Hit:
    """A hit found in the window starting at ``start``, placed in the whole file."""
    lines = data.count(b"\n", 0, start)
    col = start - (data.rfind(b"\n", 0, start) + 1) if h.line == 1 else 0
    return replace(h, line=h.line + lines, column=h.column + col)


def _tree_hits(
    data: bytes, kind: str, ind: Indicators, drops: set[str], *, config: bool, obf: str
) -> list[Hit]:
    facts = collect(data, kind)
    hits = hidden_code(data, facts.tree)
    ip_hits, more = _raw_ip(facts, kind, ind)
    hits += ip_hits + _flows(facts, drops | more) + _env(facts)
    for node, cmd in spawn_commands(facts):
        hits.append(hit("shell-download-pipe", facts, node, f"spawns: {cmd[:100]}"))
    if config:
        hits += _config(facts, obf)
    return hits


def analyse(data: bytes, kind: str, ind: Indicators, *, config: bool, autorun: bool) -> list[Hit]:
    """All JS/TS hits of one file (``autorun``: the file runs by itself somewhere). A file
    over :data:`BIG` is checked byte-wise whole and by syntax tree in :func:`windows`."""
    hits, drops = _b64_ips(data, ind)
    hits += textscan.wallet_hits(data, ind, sends=NET.search)
    obf = obfuscation(data)
    if needs_tree(data, config):
        if len(data) <= BIG:
            hits += _tree_hits(data, kind, ind, drops, config=config, obf=obf)
        else:
            for start, end in windows(data):
                part = _tree_hits(data[start:end], kind, ind, drops, config=config, obf=obf)
                hits += [_shift(h, data, start) for h in part]
    if obf:
        rule = "obfuscated-autorun" if autorun or config else "obfuscated-code"
        at = max(data.find(b"_0x"), 0)
        line, col = textscan.position(data, at)
        hits.append(Hit(rule, line, col, textscan.line_at(data, at), obf))
    return hits
