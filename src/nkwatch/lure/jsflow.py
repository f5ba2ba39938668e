"""Forward taint over a tree-sitter tree: from a seed (a network call, a decoder, the whole
``process.env``) up through the expressions that carry its value, into variables (then to
their uses inside the variable's function scope) and callback parameters, until a sink call
receives it as an argument. Demand-driven, so the cost follows the seeds, not the file size.
"""

from __future__ import annotations

import re
from typing import Any

_SCOPES = {
    "arrow_function",
    "function_expression",
    "function",
    "function_declaration",
    "method_definition",
    "generator_function",
    "generator_function_declaration",
    "program",
}
_FUNCS = _SCOPES - {"program", "method_definition"}
_CARRY = {
    "await_expression",
    "parenthesized_expression",
    "binary_expression",
    "template_string",
    "template_substitution",
    "ternary_expression",
    "spread_element",
    "object",
    "pair",
    "array",
    "as_expression",
    "non_null_expression",
    "sequence_expression",
    "shorthand_property_identifier",
}
_IDENT = re.compile(rb"[A-Za-z_$][\w$]*")
MAX_VARS = 64
MAX_USES = 300


def _scope(node: Any) -> Any:
    while node.parent is not None and node.type not in _SCOPES:
        node = node.parent
    return node


def _function_name(fn: Any) -> bytes | None:
    name = fn.child_by_field_name("name")
    if name is not None:
        return bytes(name.text)
    parent = fn.parent
    if parent is not None and parent.type == "variable_declarator":
        left = parent.child_by_field_name("name")
        return bytes(left.text) if left is not None and left.type == "identifier" else None
    return None


def _declaring_scope(target: Any) -> Any:
    """The function that declares an assigned name (``let d`` above ``d += c``), else the
    outermost scope: an assignment writes to the variable where it was declared."""
    names = _IDENT.findall(target.text)
    name = names[0] if names else b""
    decl = re.compile(rb"(?:var|let|const)\s+[^;=]*?(?<![\w$])" + re.escape(name) + rb"(?![\w$])")
    scope = _scope(target)
    while scope.parent is not None:
        params = scope.child_by_field_name("parameters") or scope.child_by_field_name("parameter")
        if decl.search(scope.text) or (params is not None and name in _IDENT.findall(params.text)):
            return scope
        scope = _scope(scope.parent)
    return scope


def _is(a: Any, b: Any) -> bool:
    return (
        a is not None
        and b is not None
        and a.start_byte == b.start_byte
        and a.end_byte == b.end_byte
        and a.type == b.type
    )


class Flow:
    def __init__(self, sinks: list[Any]) -> None:
        self.sinks = {(n.start_byte, n.end_byte): n for n in sinks}
        self.hits: dict[tuple[int, int], Any] = {}
        self.seen: set[tuple[int, int, str]] = set()
        self.vars: set[tuple[int, bytes]] = set()
        self.work: list[Any] = []
        self.budget = 8 << 20  # bytes of scope text searched for uses, per flow

    def run(self, seeds: list[Any]) -> list[Any]:
        self.work = list(seeds)
        for seed in seeds:
            if seed.type in ("call_expression", "new_expression"):
                self._callbacks(seed)
        steps = 0
        while self.work and steps < 20_000:
            steps += 1
            self._climb(self.work.pop())
        return list(self.hits.values())

    def _climb(self, node: Any) -> None:
        cur = node
        for _ in range(24):
            parent = cur.parent
            if parent is None:
                return
            key = (parent.start_byte, parent.end_byte, parent.type)
            if key in self.seen:
                return
            self.seen.add(key)
            t = parent.type
            if t == "arguments":
                call = parent.parent
                if call is not None and (call.start_byte, call.end_byte) in self.sinks:
                    self.hits[(call.start_byte, call.end_byte)] = call
                if call is not None:
                    self._into_callback(call)
                cur = call
                continue
            if t in ("call_expression", "new_expression"):
                self._callbacks(parent)
                cur = parent
                continue
            if t == "member_expression" and _is(parent.child_by_field_name("object"), cur):
                cur = parent
                continue
            if t == "variable_declarator" and _is(parent.child_by_field_name("value"), cur):
                self._taint(parent.child_by_field_name("name"))
                return
            if t in ("assignment_expression", "augmented_assignment_expression"):
                left = parent.child_by_field_name("left")
                if _is(parent.child_by_field_name("right"), cur) and left is not None:
                    self._taint(left, scope=_declaring_scope(left))
                return
            if t == "return_statement":
                fn = _scope(parent)
                if fn.type in ("function_declaration", "generator_function_declaration"):
                    self._taint(fn.child_by_field_name("name"), scope=_scope(fn.parent))
                else:
                    cur = fn  # a returned value makes a function expression's calls carry it
                    continue
                return
            if t in _CARRY or t in _FUNCS:
                cur = parent
                continue
            return

    def _into_callback(self, call: Any) -> None:
        """``cb(value)`` where ``cb`` is a parameter of the enclosing function ``stage``:
        the value reaches the parameters of the functions passed to ``stage(...)``."""
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "identifier":
            return
        outer = _scope(call)
        while True:
            params = outer.child_by_field_name("parameters")
            if params is not None and fn.text in _IDENT.findall(params.text):
                break
            if outer.parent is None:
                return
            outer = _scope(outer.parent)
        name = _function_name(outer)
        if name is None:
            return
        scope = _scope(outer.parent) if outer.parent is not None else outer
        pattern = re.compile(rb"(?<![\w$.])" + re.escape(name) + rb"\s*\(")
        root = scope
        while root.parent is not None:
            root = root.parent
        for m in pattern.finditer(scope.text):
            start = scope.start_byte + m.start()
            node = root.descendant_for_byte_range(start, start + len(name))
            if (
                node is not None
                and node.parent is not None
                and node.parent.type == "call_expression"
            ):
                self._callbacks(node.parent)

    def _callbacks(self, call: Any) -> None:
        args = call.child_by_field_name("arguments")
        for arg in args.named_children if args is not None else ():
            if arg.type in _FUNCS:
                params = arg.child_by_field_name("parameters") or arg.child_by_field_name(
                    "parameter"
                )
                if params is not None:
                    self._taint(params, scope=arg)

    def _taint(self, target: Any, scope: Any = None) -> None:
        if target is None:
            return
        scope = scope if scope is not None else _scope(target)
        for name in set(_IDENT.findall(target.text)):
            key = (scope.id, name)
            if key in self.vars or len(self.vars) >= MAX_VARS:
                continue
            self.vars.add(key)
            self._uses(scope, name, target)

    def _uses(self, scope: Any, name: bytes, binding: Any) -> None:
        self.budget -= scope.end_byte - scope.start_byte
        if self.budget < 0:
            return
        text = scope.text
        pattern = re.compile(rb"(?<![\w$.])" + re.escape(name) + rb"(?![\w$])")
        root = scope
        while root.parent is not None:
            root = root.parent
        for count, m in enumerate(pattern.finditer(text)):
            if count >= MAX_USES:
                break
            start = scope.start_byte + m.start()
            if binding.start_byte <= start < binding.end_byte:
                continue
            use = root.descendant_for_byte_range(start, start + len(name))
            if use is not None and use.type in ("identifier", "shorthand_property_identifier"):
                self.work.append(use)
