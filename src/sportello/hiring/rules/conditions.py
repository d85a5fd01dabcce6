"""Conditions on applicant fields, used by eligibility gates and flag criteria.

``{"field": "age", "op": ">=", "value": 18}``,
``{"field": "employment_status", "op": "in", "value": ["unemployed", "suspended"]}``,
``{"field": "did_date", "op": "<", "ref": "reference_date"}``.
A comparison with an unknown (missing) value is false; only ``is_null`` holds for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .errors import RuleSetError
from .facts import FIELDS, Batch
from .values import as_list, check_keys, decimal, to_hundredths

Predicate = Callable[[Batch], list[bool]]
# column-wise comparisons; an unknown value (None) never satisfies them
COMPARE: dict[str, Callable[[list[Any], Any], list[bool]]] = {
    "==": lambda col, e: [v is not None and v == e for v in col],
    "!=": lambda col, e: [v is not None and v != e for v in col],
    "<": lambda col, e: [v is not None and v < e for v in col],
    "<=": lambda col, e: [v is not None and v <= e for v in col],
    ">": lambda col, e: [v is not None and v > e for v in col],
    ">=": lambda col, e: [v is not None and v >= e for v in col],
}
OPS_BY_TYPE: dict[str, frozenset[str]] = {
    "number": frozenset({*COMPARE, "in", "not_in", "is_null", "not_null"}),
    "money": frozenset({*COMPARE, "is_null", "not_null"}),
    "date": frozenset({*COMPARE, "is_null", "not_null"}),
    "bool": frozenset({"==", "!=", "is_null", "not_null"}),
    "text": frozenset({"==", "!=", "in", "not_in", "is_null", "not_null"}),
    "list": frozenset({"not_empty", "contains"}),
}
REFS = ("reference_date",)


@dataclass(frozen=True, slots=True)
class Condition:
    field: str
    op: str
    value: Any = None
    ref: str | None = None


def parse_condition(d: Any, path: str) -> Condition:
    if not isinstance(d, dict):
        raise RuleSetError(f"{path}: expected an object")
    check_keys(d, path, required={"field", "op"}, optional={"value", "ref"})
    name, op = d["field"], d["op"]
    if name not in FIELDS:
        raise RuleSetError(f"{path}.field: unknown field {name!r} ({', '.join(sorted(FIELDS))})")
    kind = FIELDS[name].type
    if op not in OPS_BY_TYPE[kind]:
        allowed = ", ".join(sorted(OPS_BY_TYPE[kind]))
        raise RuleSetError(f"{path}.op: {op!r} does not apply to {kind} field {name} ({allowed})")
    needs_value = op not in ("is_null", "not_null", "not_empty")
    if "ref" in d:
        if kind != "date" or op not in COMPARE or d["ref"] not in REFS or "value" in d:
            raise RuleSetError(f"{path}.ref: only a date compared with 'reference_date'")
        return Condition(name, op, ref=d["ref"])
    if needs_value != ("value" in d):
        raise RuleSetError(f"{path}.value: {'required' if needs_value else 'not allowed'}")
    value = _value(d.get("value"), kind, op, path) if needs_value else None
    return Condition(name, op, value)


def _value(raw: Any, kind: str, op: str, path: str) -> Any:
    if op in ("in", "not_in"):
        items = as_list(raw, f"{path}.value", min_len=1)
        return tuple(_scalar(v, kind, f"{path}.value[{i}]") for i, v in enumerate(items))
    return _scalar(raw, "text" if kind == "list" else kind, f"{path}.value")


def _scalar(raw: Any, kind: str, path: str) -> Any:
    if kind in ("number", "money"):
        return decimal(raw, path)
    if kind == "bool" and isinstance(raw, bool):
        return raw
    if kind == "text" and isinstance(raw, str):
        return raw
    if kind == "date" and isinstance(raw, str | date):
        try:
            return raw if isinstance(raw, date) else date.fromisoformat(raw)
        except ValueError:
            raise RuleSetError(f"{path}: expected an ISO date (YYYY-MM-DD)") from None
    raise RuleSetError(f"{path}: expected a {kind} value, got {raw!r}")


def compile_condition(cond: Condition) -> Predicate:
    """A function from a batch to a column of booleans (one per applicant)."""
    name, op = cond.field, cond.op
    if op in ("is_null", "not_null"):
        null = op == "is_null"
        return lambda b: [(v is None) == null for v in b.natural(name)]
    if op == "not_empty":
        return lambda b: [bool(v) for v in b.natural(name)]
    if op == "contains":
        return lambda b: [cond.value in v for v in b.natural(name)]
    numeric = FIELDS[name].type in ("number", "money")
    column = (lambda b: b.scaled(name)) if numeric else (lambda b: b.natural(name))
    expected = cond.value
    if numeric:
        expected = (
            frozenset(to_hundredths(v) for v in expected)
            if op in ("in", "not_in")
            else to_hundredths(expected)
        )
    if op in ("in", "not_in"):
        inside = op == "in"
        return lambda b: [v is not None and (v in expected) == inside for v in column(b)]
    compare = COMPARE[op]
    if cond.ref is not None:
        return lambda b: compare(column(b), b.ctx.reference_date)
    return lambda b: compare(column(b), expected)
