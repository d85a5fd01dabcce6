"""Score one applicant, with the criterion-by-criterion explanation the citizen sees."""

from __future__ import annotations

from collections.abc import Sequence
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
    return score_all(ruleset, [applicant], reference_date)[0]


def score_all(
    ruleset: RuleSet, applicants: Sequence[Applicant], reference_date: date
) -> list[ScoreResult]:
    """`score` for many applicants at once: each rule runs once over the whole batch."""
    comp = compile_ruleset(ruleset)
    check_dates(list(applicants), reference_date)
    batch = Batch(applicants, Context(reference_date))
    gates = [(GateFailure(k, lbl), pred(batch)) for k, lbl, pred in comp.gates]
    criteria = [
        (crit, compiled.points(batch), *compiled.explain(batch))
        for crit, compiled in zip(ruleset.criteria, comp.criteria, strict=True)
    ]
    results = []
    for i, applicant in enumerate(applicants):
        lines = tuple(
            ExplanationLine(crit.key, crit.label, values[i], from_hundredths(points[i]), notes[i])
            for crit, points, values, notes in criteria
        )
        failed = tuple(failure for failure, passed in gates if not passed[i])
        results.append(
            ScoreResult(
                protocol=applicant.protocol,
                eligible=not failed,
                reasons=failed,
                base=ruleset.base,
                lines=lines,
                total_hundredths=comp.base + sum(points[i] for _, points, _, _ in criteria),
            )
        )
    return results


def check_dates(apps: list[Applicant], reference_date: date) -> None:
    for a in apps:
        if a.birth_date > reference_date:
            raise ApplicantDataError(
                f"protocol {a.protocol}: birth_date {a.birth_date} is after {reference_date}"
            )
