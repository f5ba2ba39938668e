"""Taint policies: how the tainted part of the value entering a step is split over what leaves it.

A policy is a pure function over "value in -> value out": ordered inputs, each with its
value and its tainted part, and ordered outputs (the fee last). It returns the tainted part
of every output. The same functions serve a UTXO transaction (inputs in input order) and
one step of an account (the inflows held, in time order, against one outgoing transfer),
and the exposure scorer can run them backwards. The compiled account sweep in ``kernel``
implements the same rules per address; ``tests/trace`` checks the two agree.

Every split conserves exactly: the outputs' taint sums to the inputs' taint, or to less
only when outputs are worth less than inputs (never more), and no output carries more
taint than its value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nkwatch.errors import UserError
from nkwatch.trace import kernel

Split = Callable[[Sequence[tuple[int, int]], Sequence[int]], list[int]]


@dataclass(frozen=True)
class Policy:
    name: str
    code: int  # the kernel's policy code
    split: Split
    summary: str


_REGISTRY: dict[str, Policy] = {}


def register(policy: Policy) -> Policy:
    if policy.name in _REGISTRY:
        raise ValueError(f"policy {policy.name!r} already registered")
    _REGISTRY[policy.name] = policy
    return policy


def get_policy(name: str) -> Policy:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UserError(
            f"unknown taint policy {name!r} (known: {', '.join(sorted(_REGISTRY))})",
            where="--policy",
        ) from None


def policy_names() -> list[str]:
    return sorted(_REGISTRY)


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


POISON = register(
    Policy("poison", kernel.POISON, poison_split, "every touched flow flagged; taint leaves first")
)
HAIRCUT = register(
    Policy("haircut", kernel.HAIRCUT, haircut_split, "each outflow carries the tainted fraction")
)
FIFO = register(
    Policy("fifo", kernel.FIFO, fifo_split, "first in, first out per address (Clayton's case)")
)
