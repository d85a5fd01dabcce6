"""The fields a rule set may refer to, resolved column-wise from a batch of applicants.

The reference date is the call's **opening date** (first day of the application
window). Every date-relative fact is taken on that day: age, "DID made before
the call" (``did_date`` strictly before it) and ISEE validity (an ordinary ISEE
is valid until 31 December of the year it was attested, so it must be attested
in the reference date's year; a DSU without an ISEE is not valid).

Columns are plain lists (one item per applicant) so that ranking 100,000
applicants runs list comprehensions rather than a function call per value.
Numeric fields also have a *scaled* column: the value in hundredths as an int.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any, Literal

from .applicant import Applicant

__all__ = ["FIELDS", "Batch", "Context", "FieldSpec", "age_on", "is_numeric"]

FieldType = Literal["number", "money", "bool", "text", "date", "list"]
Column = list[Any]
Extract = Callable[[Sequence[Applicant], "Context"], Column]


@dataclass(frozen=True, slots=True)
class Context:
    reference_date: date
    job_centre: str | None = None


@dataclass(frozen=True, slots=True)
class FieldSpec:
    type: FieldType
    natural: Extract
    scaled: Extract | None = None  # numeric fields only


class Batch:
    """Applicants being scored together, with a cache of computed columns."""

    __slots__ = ("apps", "ctx", "_natural", "_scaled")

    def __init__(self, apps: Sequence[Applicant], ctx: Context) -> None:
        self.apps, self.ctx = apps, ctx
        self._natural: dict[str, Column] = {}
        self._scaled: dict[str, Column] = {}

    def natural(self, name: str) -> Column:
        col = self._natural.get(name)
        if col is None:
            col = self._natural[name] = FIELDS[name].natural(self.apps, self.ctx)
        return col

    def scaled(self, name: str) -> Column:
        col = self._scaled.get(name)
        if col is None:
            extract = FIELDS[name].scaled
            assert extract is not None, name
            col = self._scaled[name] = extract(self.apps, self.ctx)
        return col


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _ages(apps: Sequence[Applicant], ctx: Context) -> Column:
    ref = ctx.reference_date
    year, md = ref.year, ref.month * 100 + ref.day
    return [year - b.year - (b.month * 100 + b.day > md) for b in [a.birth_date for a in apps]]


def _valid_isee(attr: str) -> Extract:
    def extract(apps: Sequence[Applicant], ctx: Context) -> Column:
        y = ctx.reference_date.year
        return [
            getattr(a, attr)
            if a.isee_cents is not None and not a.dsu_only and a.isee_year == y
            else None
            for a in apps
        ]

    return extract


def _attr(name: str) -> Extract:
    get = attrgetter(name)
    return lambda apps, ctx: list(map(get, apps))


def _times_100(natural: Extract) -> Extract:
    def extract(apps: Sequence[Applicant], ctx: Context) -> Column:
        return [None if v is None else v * 100 for v in natural(apps, ctx)]

    return extract


def _count(natural: Extract) -> FieldSpec:
    return FieldSpec("number", natural, _times_100(natural))


FIELDS: dict[str, FieldSpec] = {
    "age": _count(_ages),
    "isee": FieldSpec("money", _attr("isee_value"), _attr("isee_cents")),
    "valid_isee": FieldSpec("money", _valid_isee("isee_value"), _valid_isee("isee_cents")),
    "gross_income": FieldSpec("money", _attr("gross_income"), _attr("gross_income_cents")),
    "dependants": _count(lambda apps, ctx: [len(a.dependants) for a in apps]),  # type: ignore[arg-type]
    "unemployment_months": _count(_attr("unemployment_months")),
    "registration_months": _count(_attr("registration_months")),
    "dsu_only": FieldSpec("bool", _attr("dsu_only")),
    "french_test_passed": FieldSpec("bool", _attr("french_test_passed")),
    "employment_status": FieldSpec("text", _attr("employment_status")),
    "birth_date": FieldSpec("date", _attr("birth_date")),
    "did_date": FieldSpec("date", _attr("did_date")),
    "job_centres": FieldSpec("list", _attr("job_centres")),
}


def is_numeric(name: str) -> bool:
    return FIELDS[name].scaled is not None
