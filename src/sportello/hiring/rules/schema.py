"""Rule sets as data: frozen dataclasses dumped to JSON-ready dicts (`RuleSet.to_dict`).

A rule set is stored in the database as that dict; `parse.parse_ruleset()`
validates one back into these classes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Literal

from .conditions import Condition

__all__ = [
    "AgeStep",
    "AgeSteps",
    "Band",
    "Banded",
    "Criterion",
    "Flag",
    "Gate",
    "PerDependant",
    "PerUnit",
    "RuleSet",
    "TieBreaker",
]

Direction = Literal["lower_wins", "higher_wins"]
TIE_BREAKERS = ("younger_first", "older_first", "field", "group", "preference")


@dataclass(frozen=True, slots=True)
class Gate:
    """An eligibility gate: the applicant is excluded unless its condition holds."""

    key: str
    label: str
    field: str
    op: str
    value: Any = None
    ref: str | None = None

    @property
    def condition(self) -> Condition:
        return Condition(self.field, self.op, self.value, self.ref)


@dataclass(frozen=True, slots=True)
class PerUnit:
    """``points_per_unit`` for each ``unit`` of a numeric field, capped to [min, max].

    ``rounding``: "exact" counts fractional units (result rounded half away from
    zero to hundredths); "whole" counts only complete units.
    """

    KIND: ClassVar[str] = "per_unit"
    key: str
    label: str
    field: str
    points_per_unit: Decimal
    unit: Decimal = Decimal(1)
    rounding: Literal["exact", "whole"] = "exact"
    min_points: Decimal | None = None
    max_points: Decimal | None = None
    missing_points: Decimal | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Band:
    """Applies when ``min <= value < max``; a missing bound is open."""

    points: Decimal
    min: Decimal | None = None
    max: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Banded:
    KIND: ClassVar[str] = "banded"
    key: str
    label: str
    field: str
    bands: tuple[Band, ...]
    missing_points: Decimal | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class AgeStep:
    from_age: int
    points: Decimal


@dataclass(frozen=True, slots=True)
class AgeSteps:
    """Points of the highest step whose ``from_age`` the applicant has reached."""

    KIND: ClassVar[str] = "age_steps"
    key: str
    label: str
    steps: tuple[AgeStep, ...]
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Flag:
    """``points`` when every condition in ``when`` holds."""

    KIND: ClassVar[str] = "flag"
    key: str
    label: str
    when: tuple[Condition, ...]
    points: Decimal
    group: str | None = None


@dataclass(frozen=True, slots=True)
class PerDependant:
    """``points`` per dependant; ``disabled_points`` instead for a dependant whose
    disability percentage is strictly over ``disability_over``."""

    KIND: ClassVar[str] = "per_dependant"
    key: str
    label: str
    points: Decimal
    disability_over: Decimal | None = None
    disabled_points: Decimal | None = None
    max_points: Decimal | None = None
    group: str | None = None


Criterion = PerUnit | Banded | AgeSteps | Flag | PerDependant
CRITERIA: dict[str, type[Criterion]] = {
    c.KIND: c for c in (PerUnit, Banded, AgeSteps, Flag, PerDependant)
}


@dataclass(frozen=True, slots=True)
class TieBreaker:
    """``by``: younger_first | older_first | field | group | preference.

    "field" and "group" need ``name`` (a numeric field or a criterion group) and
    ``order``; "preference" ranks by the position of the ranked job centre in
    the applicant's list. The protocol number is always the final tie-breaker.
    """

    by: str
    name: str | None = None
    order: Literal["asc", "desc"] = "desc"


@dataclass(frozen=True, slots=True)
class RuleSet:
    name: str
    version: int
    legal_source: str
    direction: Direction
    base: Decimal
    criteria: tuple[Criterion, ...]
    gates: tuple[Gate, ...] = ()
    tie_breakers: tuple[TieBreaker, ...] = ()
    notes: str = ""
    derived_from: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return _dump(self)

    def fingerprint(self) -> str:
        """SHA-256 of the canonical JSON: identifies the exact text frozen into a call."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def groups(self) -> frozenset[str]:
        return frozenset(c.group for c in self.criteria if c.group)


def _dump(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {"kind": obj.KIND} if hasattr(obj, "KIND") else {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if value is not None:
                out[f.name] = _dump(value)
        return out
    if isinstance(obj, tuple):
        return [_dump(v) for v in obj]
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, date):
        return obj.isoformat()
    return obj
