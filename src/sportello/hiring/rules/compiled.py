"""Compile a `RuleSet` into column functions over integers in hundredths (fast and exact).

Each criterion becomes ``points(batch) -> list[int]`` (one item per applicant)
and ``explain(batch) -> (values, notes)`` for the citizen-facing explanation;
both share the same arithmetic so the explanation always matches the ranking.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .conditions import Predicate, compile_condition
from .facts import Batch
from .schema import AgeSteps, Banded, Criterion, Flag, PerDependant, PerUnit, RuleSet, TieBreaker
from .values import to_hundredths

INF = math.inf
Column = list[Any]
Explained = tuple[Column, list[str | None]]
TiePart = Callable[[Batch, list[Column]], Column]


@dataclass(frozen=True, slots=True)
class CompiledCriterion:
    points: Callable[[Batch], Column]
    explain: Callable[[Batch], Explained]


@dataclass(frozen=True, slots=True)
class CompiledRuleSet:
    base: int
    gates: tuple[tuple[str, str, Predicate], ...]
    criteria: tuple[CompiledCriterion, ...]
    sign: int  # +1: lower total ranks first; -1: higher total ranks first
    tie_parts: tuple[TiePart, ...]
    tie_names: tuple[str, ...]


@lru_cache(maxsize=64)
def compile_ruleset(ruleset: RuleSet) -> CompiledRuleSet:
    return CompiledRuleSet(
        base=to_hundredths(ruleset.base),
        gates=tuple((g.key, g.label, compile_condition(g.condition)) for g in ruleset.gates),
        criteria=tuple(_criterion(c) for c in ruleset.criteria),
        sign=1 if ruleset.direction == "lower_wins" else -1,
        tie_parts=tuple(_tie_part(t, ruleset) for t in ruleset.tie_breakers),
        tie_names=tuple(f"{t.by}:{t.name}" if t.name else t.by for t in ruleset.tie_breakers),
    )


def _h(value: Any, default: Any) -> Any:
    return default if value is None else to_hundredths(value)


def _criterion(c: Criterion) -> CompiledCriterion:
    if isinstance(c, PerUnit):
        return _per_unit(c)
    if isinstance(c, Banded):
        return _banded(c)
    if isinstance(c, AgeSteps):
        return _age_steps(c)
    if isinstance(c, Flag):
        return _flag(c)
    return _per_dependant(c)


def _per_unit(c: PerUnit) -> CompiledCriterion:
    ppu, unit = to_hundredths(c.points_per_unit), to_hundredths(c.unit)
    sign, size = (1, ppu) if ppu >= 0 else (-1, -ppu)
    low, high, missing = _h(c.min_points, -INF), _h(c.max_points, INF), _h(c.missing_points, 0)

    def raw(b: Batch) -> Column:
        col = b.scaled(c.field)  # numeric fields are never negative
        if c.rounding == "whole":
            return [None if v is None else v // unit * ppu for v in col]
        # v * ppu / unit, rounded half away from zero: floor(x + 1/2) on the magnitude
        return [None if v is None else sign * ((2 * v * size + unit) // (2 * unit)) for v in col]

    def points(b: Batch) -> Column:
        return [
            missing if p is None else low if p < low else high if p > high else p for p in raw(b)
        ]

    def explain(b: Batch) -> Explained:
        notes = [
            "missing" if r is None else "capped" if r != p else None
            for r, p in zip(raw(b), points(b), strict=True)
        ]
        return b.natural(c.field), notes

    return CompiledCriterion(points, explain)


def _banded(c: Banded) -> CompiledCriterion:
    starts = [_h(band.min, -INF) for band in c.bands]
    ends = [_h(band.max, INF) for band in c.bands]
    pts = [to_hundredths(band.points) for band in c.bands]
    missing = _h(c.missing_points, 0)

    def index(b: Batch) -> Column:
        return [
            None
            if v is None
            else i
            if (i := bisect_right(starts, v) - 1) >= 0 and v < ends[i]
            else -1
            for v in b.scaled(c.field)
        ]

    def points(b: Batch) -> Column:
        return [missing if i is None else 0 if i < 0 else pts[i] for i in index(b)]

    def explain(b: Batch) -> Explained:
        notes = ["missing" if i is None else "no_band" if i < 0 else None for i in index(b)]
        return b.natural(c.field), notes

    return CompiledCriterion(points, explain)


def _age_steps(c: AgeSteps) -> CompiledCriterion:
    ages = [s.from_age for s in c.steps]
    pts = [0] + [to_hundredths(s.points) for s in c.steps]

    def points(b: Batch) -> Column:
        return [pts[bisect_right(ages, age)] for age in b.natural("age")]

    return CompiledCriterion(points, lambda b: (b.natural("age"), [None] * len(b.apps)))


def _flag(c: Flag) -> CompiledCriterion:
    preds = tuple(compile_condition(w) for w in c.when)
    pts = to_hundredths(c.points)

    def met(b: Batch) -> Column:
        cols = [p(b) for p in preds]
        return cols[0] if len(cols) == 1 else list(map(all, zip(*cols, strict=True)))

    def points(b: Batch) -> Column:
        return [pts if m else 0 for m in met(b)]

    return CompiledCriterion(points, lambda b: (met(b), [None] * len(b.apps)))


def _per_dependant(c: PerDependant) -> CompiledCriterion:
    pts, high = to_hundredths(c.points), _h(c.max_points, INF)
    over, disabled = c.disability_over, _h(c.disabled_points, 0)

    def one(deps: Any) -> int:
        if over is None:
            return len(deps) * pts
        k = sum(1 for d in deps if d.disability_percent > over)
        return (len(deps) - k) * pts + k * disabled

    def raw(b: Batch) -> Column:
        return [one(d) if d else 0 for d in [a.dependants for a in b.apps]]

    def points(b: Batch) -> Column:
        return [high if p > high else p for p in raw(b)]

    def explain(b: Batch) -> Explained:
        notes = ["capped" if p > high else None for p in raw(b)]
        return b.natural("dependants"), notes

    return CompiledCriterion(points, explain)


def _tie_part(t: TieBreaker, ruleset: RuleSet) -> TiePart:
    """A sort-key column: smaller sorts first; unknown values always sort last."""
    s = -1 if t.order == "desc" else 1
    if t.by in ("younger_first", "older_first"):
        sign = -1 if t.by == "younger_first" else 1
        return lambda b, cols: [sign * d.toordinal() for d in b.natural("birth_date")]
    if t.by == "field":
        name = str(t.name)
        return lambda b, cols: [INF if v is None else s * v for v in b.scaled(name)]
    if t.by == "group":
        idx = [i for i, c in enumerate(ruleset.criteria) if c.group == t.name]
        return lambda b, cols: [s * sum(v) for v in zip(*(cols[i] for i in idx), strict=True)]
    return _preference


def _preference(b: Batch, cols: list[Column]) -> Column:
    centre = b.ctx.job_centre
    if centre is None:
        return [0] * len(b.apps)
    return [a.job_centres.index(centre) for a in b.apps]  # type: ignore[union-attr]
