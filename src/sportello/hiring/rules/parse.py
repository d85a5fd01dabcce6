"""Validate JSON-ready dicts into `RuleSet`s; derive new versions.

`parse_ruleset()` raises `RuleSetError` naming the path of the first problem,
e.g. ``criteria[2].bands[1]: min must be below max``. Unknown keys are errors
too, so a typo in a stored rule set never passes silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from .conditions import parse_condition
from .errors import RuleSetError
from .facts import FIELDS, is_numeric
from .schema import (
    CRITERIA,
    TIE_BREAKERS,
    AgeStep,
    AgeSteps,
    Band,
    Banded,
    Criterion,
    Flag,
    Gate,
    PerDependant,
    PerUnit,
    RuleSet,
    TieBreaker,
)
from .values import as_dict, as_list, check_keys, decimal, integer, key_name, label, optional

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


def parse_ruleset(data: Mapping[str, Any]) -> RuleSet:
    """Validate a JSON-ready dict into a `RuleSet`; raise `RuleSetError` if malformed."""
    d = as_dict(data, "ruleset")
    check_keys(
        d,
        "ruleset",
        required={"name", "version", "legal_source", "direction", "base", "criteria"},
        optional={"gates", "tie_breakers", "notes", "derived_from"},
    )
    name = d["name"]
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise RuleSetError("name: use 2-80 lower-case letters, digits, '.', '_' or '-'")
    if d["direction"] not in ("lower_wins", "higher_wins"):
        raise RuleSetError("direction: must be 'lower_wins' or 'higher_wins'")
    legal_source = d["legal_source"]
    if not isinstance(legal_source, str) or not legal_source.strip():
        raise RuleSetError("legal_source: required, name the law or resolution")
    criteria = tuple(
        _criterion(c, f"criteria[{i}]") for i, c in enumerate(as_list(d["criteria"], "criteria"))
    )
    gates = tuple(
        _gate(g, f"gates[{i}]") for i, g in enumerate(as_list(d.get("gates", []), "gates"))
    )
    _unique([c.key for c in criteria], "criteria")
    _unique([g.key for g in gates], "gates")
    groups = frozenset(c.group for c in criteria if c.group)
    ties = tuple(
        _tie(t, f"tie_breakers[{i}]", groups)
        for i, t in enumerate(as_list(d.get("tie_breakers", []), "tie_breakers"))
    )
    notes = d.get("notes", "")
    if not isinstance(notes, str):
        raise RuleSetError("notes: must be text")
    return RuleSet(
        name=name,
        version=integer(d["version"], "version", low=1),
        legal_source=legal_source.strip(),
        direction=d["direction"],
        base=decimal(d["base"], "base"),
        criteria=criteria,
        gates=gates,
        tie_breakers=ties,
        notes=notes,
        derived_from=optional(d.get("derived_from"), lambda v: integer(v, "derived_from", low=1)),
    )


def derive_version(ruleset: RuleSet, changes: Mapping[str, Any]) -> RuleSet:
    """A new version of `ruleset` with top-level keys replaced by `changes` (dict form).

    The name stays; the version becomes the highest given + 1. The caller must
    still check that this version number is free in the store.
    """
    forbidden = {"name", "version", "derived_from"} & set(changes)
    if forbidden:
        raise RuleSetError(f"derive_version: cannot change {', '.join(sorted(forbidden))}")
    data = ruleset.to_dict()
    data.update(changes)
    data["version"] = ruleset.version + 1
    data["derived_from"] = ruleset.version
    return parse_ruleset(data)


def _unique(keys: list[str], path: str) -> None:
    seen: set[str] = set()
    for k in keys:
        if k in seen:
            raise RuleSetError(f"{path}: duplicate key '{k}'")
        seen.add(k)


def _gate(raw: Any, path: str) -> Gate:
    d = as_dict(raw, path)
    check_keys(d, path, required={"key", "label", "field", "op"}, optional={"value", "ref"})
    cond = parse_condition({k: v for k, v in d.items() if k not in ("key", "label")}, path)
    return Gate(
        key_name(d["key"], path), label(d["label"], path), cond.field, cond.op, cond.value, cond.ref
    )


def _common(d: dict[str, Any], path: str) -> dict[str, Any]:
    group = d.get("group")
    return {
        "key": key_name(d["key"], path),
        "label": label(d["label"], path),
        "group": None if group is None else key_name(group, f"{path}.group"),
    }


def _numeric_field(d: dict[str, Any], path: str) -> str:
    name = d["field"]
    if name not in FIELDS or not is_numeric(name):
        numeric = ", ".join(sorted(n for n in FIELDS if is_numeric(n)))
        raise RuleSetError(f"{path}.field: '{name}' is not a numeric field ({numeric})")
    return name


def _criterion(raw: Any, path: str) -> Criterion:
    d = as_dict(raw, path)
    kind = d.get("kind")
    if kind not in CRITERIA:
        raise RuleSetError(f"{path}.kind: must be one of {', '.join(CRITERIA)}")
    d = {k: v for k, v in d.items() if k != "kind"}
    return _PARSERS[kind](d, path)


def _dec(d: dict[str, Any], key: str, path: str) -> Any:
    return optional(d.get(key), lambda v: decimal(v, f"{path}.{key}"))


def _per_unit(d: dict[str, Any], path: str) -> PerUnit:
    check_keys(
        d,
        path,
        required={"key", "label", "field", "points_per_unit"},
        optional={"unit", "rounding", "min_points", "max_points", "missing_points", "group"},
    )
    if d.get("rounding", "exact") not in ("exact", "whole"):
        raise RuleSetError(f"{path}.rounding: must be 'exact' or 'whole'")
    unit = decimal(d.get("unit", 1), f"{path}.unit")
    if unit <= 0:
        raise RuleSetError(f"{path}.unit: must be positive")
    low, high = _dec(d, "min_points", path), _dec(d, "max_points", path)
    if low is not None and high is not None and low > high:
        raise RuleSetError(f"{path}: min_points must not exceed max_points")
    return PerUnit(
        **_common(d, path),
        field=_numeric_field(d, path),
        points_per_unit=decimal(d["points_per_unit"], f"{path}.points_per_unit"),
        unit=unit,
        rounding=d.get("rounding", "exact"),
        min_points=low,
        max_points=high,
        missing_points=_dec(d, "missing_points", path),
    )


def _banded(d: dict[str, Any], path: str) -> Banded:
    check_keys(
        d, path, required={"key", "label", "field", "bands"}, optional={"missing_points", "group"}
    )
    items = as_list(d["bands"], f"{path}.bands", min_len=1)
    bands = tuple(_band(b, f"{path}.bands[{i}]") for i, b in enumerate(items))
    for i, (a, b) in enumerate(zip(bands, bands[1:], strict=False)):
        if a.max is None or b.min is None or b.min < a.max:
            raise RuleSetError(f"{path}.bands[{i + 1}]: bands must be in order, not overlapping")
    return Banded(
        **_common(d, path),
        field=_numeric_field(d, path),
        bands=bands,
        missing_points=_dec(d, "missing_points", path),
    )


def _age_steps(d: dict[str, Any], path: str) -> AgeSteps:
    check_keys(d, path, required={"key", "label", "steps"}, optional={"group"})
    items = as_list(d["steps"], f"{path}.steps", min_len=1)
    steps = tuple(_step(s, f"{path}.steps[{i}]") for i, s in enumerate(items))
    ages = [s.from_age for s in steps]
    if ages != sorted(set(ages)):
        raise RuleSetError(f"{path}.steps: from_age must be strictly increasing")
    return AgeSteps(**_common(d, path), steps=steps)


def _flag(d: dict[str, Any], path: str) -> Flag:
    check_keys(d, path, required={"key", "label", "when", "points"}, optional={"group"})
    items = as_list(d["when"], f"{path}.when", min_len=1)
    when = tuple(parse_condition(c, f"{path}.when[{i}]") for i, c in enumerate(items))
    return Flag(**_common(d, path), when=when, points=decimal(d["points"], f"{path}.points"))


def _per_dependant(d: dict[str, Any], path: str) -> PerDependant:
    check_keys(
        d,
        path,
        required={"key", "label", "points"},
        optional={"disability_over", "disabled_points", "max_points", "group"},
    )
    over, disabled = _dec(d, "disability_over", path), _dec(d, "disabled_points", path)
    if (over is None) != (disabled is None):
        raise RuleSetError(f"{path}: give both disability_over and disabled_points, or neither")
    if over is not None and not 0 <= over < 100:
        raise RuleSetError(f"{path}.disability_over: must be a percentage from 0 to 99")
    return PerDependant(
        **_common(d, path),
        points=decimal(d["points"], f"{path}.points"),
        disability_over=over,
        disabled_points=disabled,
        max_points=_dec(d, "max_points", path),
    )


_PARSERS: dict[str, Callable[[dict[str, Any], str], Criterion]] = {
    "per_unit": _per_unit,
    "banded": _banded,
    "age_steps": _age_steps,
    "flag": _flag,
    "per_dependant": _per_dependant,
}


def _band(raw: Any, path: str) -> Band:
    d = as_dict(raw, path)
    check_keys(d, path, required={"points"}, optional={"min", "max"})
    low = optional(d.get("min"), lambda v: decimal(v, f"{path}.min"))
    high = optional(d.get("max"), lambda v: decimal(v, f"{path}.max"))
    if low is not None and high is not None and low >= high:
        raise RuleSetError(f"{path}: min must be below max")
    return Band(points=decimal(d["points"], f"{path}.points"), min=low, max=high)


def _step(raw: Any, path: str) -> AgeStep:
    d = as_dict(raw, path)
    check_keys(d, path, required={"from_age", "points"})
    return AgeStep(
        integer(d["from_age"], f"{path}.from_age", low=0, high=120),
        decimal(d["points"], f"{path}.points"),
    )


def _tie(raw: Any, path: str, groups: frozenset[str]) -> TieBreaker:
    d = as_dict(raw, path)
    check_keys(d, path, required={"by"}, optional={"name", "order"})
    by, name, order = d["by"], d.get("name"), d.get("order", "desc")
    if by not in TIE_BREAKERS:
        raise RuleSetError(f"{path}.by: must be one of {', '.join(TIE_BREAKERS)}")
    if order not in ("asc", "desc"):
        raise RuleSetError(f"{path}.order: must be 'asc' or 'desc'")
    if by == "field" and (name not in FIELDS or not is_numeric(name)):
        raise RuleSetError(f"{path}.name: '{name}' is not a numeric field")
    if by == "group" and name not in groups:
        raise RuleSetError(f"{path}.name: no criterion has group '{name}'")
    if by not in ("field", "group") and name is not None:
        raise RuleSetError(f"{path}.name: only 'field' and 'group' tie-breakers take a name")
    return TieBreaker(by=by, name=name, order=order)
