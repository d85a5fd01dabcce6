"""Score one applicant, with the criterion-by-criterion explanation the citizen sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from .applicant import Applicant
from .compiled import compile_ruleset
from .errors import ApplicantDataError
from .facts import Batch, Context
from .schema import RuleSet
from .values import from_hundredths


@dataclass(frozen=True, slots=True)
class GateFailure:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class ExplanationLine:
    """One criterion as the citizen sees it: label key, the input used, the points.

    ``note``: None, "missing" (no value declared: the rule's missing-value points
    apply), "capped" (points limited by the rule's cap) or "no_band".
    """

    key: str
    label: str
    value: Any
    points: Decimal
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ScoreResult:
    protocol: str
    eligible: bool
    reasons: tuple[GateFailure, ...]
    base: Decimal
    lines: tuple[ExplanationLine, ...]
    total_hundredths: int

    @property
    def total(self) -> Decimal:
        return from_hundredths(self.total_hundredths)


def score(ruleset: RuleSet, applicant: Applicant, reference_date: date) -> ScoreResult:
    """Score `applicant` on `reference_date` (the call's opening date, see facts.py)."""
    comp = compile_ruleset(ruleset)
    check_dates([applicant], reference_date)
    batch = Batch([applicant], Context(reference_date))
    failed = tuple(GateFailure(k, lbl) for k, lbl, pred in comp.gates if not pred(batch)[0])
    lines, total = [], comp.base
    for crit, compiled in zip(ruleset.criteria, comp.criteria, strict=True):
        points = compiled.points(batch)[0]
        values, notes = compiled.explain(batch)
        total += points
        lines.append(
            ExplanationLine(crit.key, crit.label, values[0], from_hundredths(points), notes[0])
        )
    return ScoreResult(
        protocol=applicant.protocol,
        eligible=not failed,
        reasons=failed,
        base=ruleset.base,
        lines=tuple(lines),
        total_hundredths=total,
    )


def check_dates(apps: list[Applicant], reference_date: date) -> None:
    for a in apps:
        if a.birth_date > reference_date:
            raise ApplicantDataError(
                f"protocol {a.protocol}: birth_date {a.birth_date} is after {reference_date}"
            )
