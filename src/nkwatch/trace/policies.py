"""Taint policies, defined once: one table of (name, kernel code, summary, split function).

A policy decides how the tainted part of the value entering a step is split over what
leaves it. Three consumers take everything from this table:

- the compiled account sweep (``trace.kernel``) and the exposure sweeps (``exposure.sweep``)
  switch on the policy's kernel ``code`` (:data:`POISON_CODE`, :data:`HAIRCUT_CODE`,
  :data:`FIFO_CODE`, read by numba as compile-time constants);
- the UTXO tracer and backward scoring call its pure ``split`` over "value in -> value out";
- the CLI (``--policy`` choices) and the service read the names from :func:`policy_names`.

Plug-ins: a package adds policies through the ``nkwatch.policies`` entry-point group (each
entry point names a :class:`Policy` or a callable returning Policies); the built-ins are
registered the same way on first use. What a plug-in can and cannot do: its ``split`` runs
wherever the tracer is Python (UTXO chains, per transaction); the account sweep and the
exposure sweeps are numba kernels compiled for the built-in codes only, so a plug-in policy
(``code`` None) is refused there with a one-line error naming the chains it can run on.

Every split conserves exactly: the outputs' taint sums to the inputs' taint, or to less
only when outputs are worth less than inputs (never more), and no output carries more
taint than its value. ``tests/trace`` checks the splits against the compiled sweep.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from nkwatch.errors import UserError

Split = Callable[[Sequence[tuple[int, int]], Sequence[int]], list[int]]
ENTRY_POINT_GROUP = "nkwatch.policies"

# The compiled kernels' codes (plain ints: numba freezes module globals at compile time).
POISON_CODE = 0
HAIRCUT_CODE = 1
FIFO_CODE = 2


@dataclass(frozen=True)
class Policy:
    name: str
    code: int | None  # the compiled kernels' code; None: a Python-only (plug-in) policy
    split: Split
    summary: str

    @property
    def compiled(self) -> bool:
        return self.code is not None

    def kernel_code(self, where: str = "--policy") -> int:
        """The code the compiled sweeps switch on; a Python-only policy is a UserError."""
        if self.code is None:
            raise UserError(
                f"policy {self.name!r} is a Python plug-in: it runs on UTXO chains only (the"
                f" account and exposure sweeps are compiled for {', '.join(compiled_names())})",
                where=where,
            )
        return self.code


_REGISTRY: dict[str, Policy] = {}
_loaded = False


def register(policy: Policy) -> Policy:
    if policy.name in _REGISTRY:
        raise ValueError(f"policy {policy.name!r} already registered")
    _REGISTRY[policy.name] = policy
    return policy


def _load() -> None:
    """The built-ins, then the entry-point plug-ins (once)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for policy in BUILTIN:
        register(policy)
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found = ep.load()
        items: Iterable[Policy] = [found] if isinstance(found, Policy) else found()
        for policy in items:
            register(policy)


def get_policy(name: str) -> Policy:
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UserError(
            f"unknown taint policy {name!r} (known: {', '.join(sorted(_REGISTRY))})",
            where="--policy",
        ) from None


def policy_names() -> list[str]:
    _load()
    return sorted(_REGISTRY)


def compiled_names() -> list[str]:
    _load()
    return sorted(p.name for p in _REGISTRY.values() if p.compiled)


def _check(inputs: Sequence[tuple[int, int]], outputs: Sequence[int]) -> tuple[int, int]:
    total_in = sum(v for v, _ in inputs)
    tainted = sum(t for _, t in inputs)
    if any(t < 0 or t > v for v, t in inputs) or any(o < 0 for o in outputs):
        raise ValueError("taint must lie between 0 and the value")
    return total_in, tainted


def poison_split(inputs: Sequence[tuple[int, int]], outputs: Sequence[int]) -> list[int]:
    """Taint leaves first: outputs in order take taint until it is used up.

    Poison flags every output of a touched step (the report marks them); the amounts are
    the most taint each output could carry without creating value, so totals conserve.
    """
    _, tainted = _check(inputs, outputs)
    result: list[int] = []
    for value in outputs:
        take = min(value, tainted)
        result.append(take)
        tainted -= take
    return result


def haircut_split(inputs: Sequence[tuple[int, int]], outputs: Sequence[int]) -> list[int]:
    """Every output carries the inputs' tainted fraction; remainders by largest remainder.

    1 tainted + 9 clean into 6 and 4 gives 0.6 and 0.4: exact, in integers.
    """
    total_in, tainted = _check(inputs, outputs)
    basis = max(total_in, sum(outputs))
    if basis == 0 or tainted == 0:
        return [0] * len(outputs)
    exact = [(o * tainted) for o in outputs]
    floors = [x // basis for x in exact]
    target = sum(outputs) * tainted // basis
    order = sorted(range(len(outputs)), key=lambda i: (-(exact[i] % basis), i))
    for i in order[: target - sum(floors)]:
        floors[i] += 1
    return floors


def fifo_split(inputs: Sequence[tuple[int, int]], outputs: Sequence[int]) -> list[int]:
    """First in, first out (Clayton's case): inputs are consumed in order by outputs in order.

    A partly tainted input counts its tainted units first (as the account sweep does).
    """
    _check(inputs, outputs)
    lots = [[part, part if tainted else 0] for v, t in inputs
            for part, tainted in ((t, True), (v - t, False)) if part > 0]  # fmt: skip
    result: list[int] = []
    k = 0
    for value in outputs:
        need = value
        got = 0
        while need > 0 and k < len(lots):
            lot = lots[k]
            take = min(need, lot[0])
            part = lot[1] if take == lot[0] else lot[1] * take // lot[0]
            lot[0] -= take
            lot[1] -= part
            got += part
            need -= take
            if lot[0] == 0:
                k += 1
        result.append(got)
    return result


BUILTIN = (
    Policy("poison", POISON_CODE, poison_split, "every touched flow flagged; taint leaves first"),
    Policy("haircut", HAIRCUT_CODE, haircut_split, "each outflow carries the tainted fraction"),
    Policy("fifo", FIFO_CODE, fifo_split, "first in, first out per address (Clayton's case)"),
)
POISON, HAIRCUT, FIFO = BUILTIN
