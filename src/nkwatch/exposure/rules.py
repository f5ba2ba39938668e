"""Risk rules: turn measured exposure into allow / review / block, naming the rule that fired.

Defaults are deliberately strict for the DPRK case (any direct exposure to a DPRK incident or
a sanctioned address blocks; small indirect DPRK exposure goes to review) and can be replaced
by a YAML file. Rules are plain values evaluated by a pure function.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from nkwatch.boundary import load_yaml, read_text
from nkwatch.errors import UserError
from nkwatch.exposure.model import Decision, RiskCategory, RuleHit, SourceExposure

_SCOPES = ("direct", "indirect", "any")


@dataclass(frozen=True, slots=True)
class Rule:
    """Fires when a matching source group's exposure in ``scope`` exceeds the bounds."""

    id: str
    decision: Decision
    description: str
    scope: str = "any"  # direct | indirect | any
    category: RiskCategory | None = None  # None: any category
    dprk_only: bool = False
    min_share: float = 0.0  # fires when share >= min_share ...
    min_amount: Decimal = Decimal(0)  # ... and amount > min_amount (so never on zero)

    def matches(self, source: SourceExposure) -> Decimal | None:
        """The exposed amount this rule sees in ``source``, or None if it does not fire."""
        if self.category is not None and source.category is not self.category:
            return None
        if self.dprk_only and not source.dprk_linked:
            return None
        total = source.direct + source.indirect
        if self.scope == "direct":
            amount = source.direct
        elif self.scope == "indirect":
            amount = source.indirect
        else:
            amount = total
        if not amount > self.min_amount:  # checked first: most sources fail it cheaply
            return None
        share = source.share * float(amount / total) if total > 0 else 0.0
        return amount if share >= self.min_share else None


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(
        "direct-dprk",
        Decision.BLOCK,
        "received funds directly from a DPRK-linked source",
        "direct",
        dprk_only=True,
    ),
    Rule(
        "direct-sanctioned",
        Decision.BLOCK,
        "received funds directly from a sanctioned address",
        "direct",
        RiskCategory.SANCTIONED,
    ),
    Rule(
        "indirect-dprk-high",
        Decision.BLOCK,
        "10% or more of received value traces to DPRK-linked sources",
        "indirect",
        dprk_only=True,
        min_share=0.10,
    ),
    Rule(
        "indirect-dprk",
        Decision.REVIEW,
        "received value traces (indirectly) to DPRK-linked sources",
        "indirect",
        dprk_only=True,
        min_share=0.001,
    ),
    Rule(
        "direct-mixer",
        Decision.REVIEW,
        "received funds directly from a mixer",
        "direct",
        RiskCategory.MIXER,
    ),
    Rule(
        "indirect-sanctioned",
        Decision.REVIEW,
        "1% or more of received value traces to sanctioned addresses",
        "indirect",
        RiskCategory.SANCTIONED,
        min_share=0.01,
    ),
    Rule(
        "indirect-mixer",
        Decision.REVIEW,
        "25% or more of received value traces to mixers",
        "indirect",
        RiskCategory.MIXER,
        min_share=0.25,
    ),
    Rule(
        "user-list",
        Decision.REVIEW,
        "received value traces to a user-listed address",
        "any",
        RiskCategory.USER_LIST,
    ),
)


def evaluate(
    sources: Iterable[SourceExposure], rules: Sequence[Rule] = DEFAULT_RULES
) -> tuple[Decision, tuple[RuleHit, ...]]:
    """Strictest decision over all rules that fire, with every firing rule as evidence."""
    hits: list[RuleHit] = []
    for source in sources:
        for rule in rules:
            amount = rule.matches(source)
            if amount is not None:
                hits.append(
                    RuleHit(
                        rule.id,
                        rule.decision,
                        f"{rule.description}: {amount} {source.asset} from {source.label}",
                    )
                )
    decision = max((h.decision for h in hits), key=lambda d: d.rank, default=Decision.ALLOW)
    hits.sort(key=lambda h: -h.decision.rank)
    return decision, tuple(hits)


def load_rules(path: Path) -> tuple[Rule, ...]:
    """Rules from YAML: a list under ``rules:`` with the fields of :class:`Rule`."""
    data = load_yaml(read_text(path, what="rules file"), where=str(path))
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise UserError("expected a mapping with a 'rules' list", where=str(path))
    return tuple(_rule(item, f"{path}: rules[{i}]") for i, item in enumerate(data["rules"]))


def _min_amount(value: object, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise UserError("min_amount must be a number", where=where)
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]{1,40}(\.[0-9]{1,40})?", text):
        raise UserError(
            f"min_amount must be a plain non-negative number: {text[:40]!r}", where=where
        )
    return Decimal(text)


def _rule(item: Any, where: str) -> Rule:
    if not isinstance(item, dict):
        raise UserError("a rule must be a mapping", where=where)
    try:
        scope = str(item.get("scope", "any"))
        if scope not in _SCOPES:
            raise UserError(f"scope must be one of {', '.join(_SCOPES)}", where=where)
        category = item.get("category")
        return Rule(
            id=str(item["id"]),
            decision=Decision(str(item["decision"])),
            description=str(item.get("description", item["id"])),
            scope=scope,
            category=RiskCategory(category) if category else None,
            dprk_only=bool(item.get("dprk_only", False)),
            min_share=float(item.get("min_share", 0.0)),
            min_amount=_min_amount(item.get("min_amount", 0), where),
        )
    except KeyError as exc:
        raise UserError(f"missing field {exc.args[0]!r}", where=where) from exc
    except ValueError as exc:
        raise UserError(f"bad value: {exc}", where=where) from exc
