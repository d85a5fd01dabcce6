"""Small validators for rule-set dicts, and exact arithmetic in hundredths."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from .errors import RuleSetError

T = TypeVar("T")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
LABEL_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
HUNDRED = Decimal(100)
MAX_MAGNITUDE = Decimal(10) ** 9


def as_dict(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RuleSetError(f"{path}: expected an object")
    return value


def as_list(value: Any, path: str, min_len: int = 0) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise RuleSetError(f"{path}: expected a list")
    if len(value) < min_len:
        raise RuleSetError(f"{path}: needs at least {min_len} item(s)")
    return list(value)


def check_keys(
    d: dict[str, Any], path: str, required: Iterable[str], optional: Iterable[str] = ()
) -> None:
    required = set(required)
    missing = required - d.keys()
    if missing:
        raise RuleSetError(f"{path}: missing {', '.join(sorted(missing))}")
    unknown = d.keys() - required - set(optional)
    if unknown:
        raise RuleSetError(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")


def decimal(value: Any, path: str) -> Decimal:
    """A finite number with at most two decimal places (scores are exact in hundredths)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise RuleSetError(f"{path}: expected a number")
    try:
        # float goes through repr so that 0.1 means Decimal("0.1")
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise RuleSetError(f"{path}: '{value}' is not a number") from None
    if not d.is_finite() or abs(d) > MAX_MAGNITUDE:
        raise RuleSetError(f"{path}: number out of range")
    if (d * HUNDRED) != (d * HUNDRED).to_integral_value():
        raise RuleSetError(f"{path}: at most two decimal places")
    return d


def integer(value: Any, path: str, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleSetError(f"{path}: expected a whole number")
    if (low is not None and value < low) or (high is not None and value > high):
        raise RuleSetError(f"{path}: must be between {low} and {high}")
    return value


def key_name(value: Any, path: str) -> str:
    if not isinstance(value, str) or not KEY_RE.match(value):
        raise RuleSetError(f"{path}: key must be lower_snake_case (got {value!r})")
    return value


def label(value: Any, path: str) -> str:
    if not isinstance(value, str) or not LABEL_RE.match(value):
        raise RuleSetError(f"{path}.label: expected a dotted label key like 'hiring.rules.isee'")
    return value


def optional(value: Any, parse: Callable[[Any], T]) -> T | None:
    return None if value is None else parse(value)


def to_hundredths(d: Decimal) -> int:
    """Exact for values with at most two decimals (checked by the callers)."""
    return int(d.scaleb(2))


def from_hundredths(h: int) -> Decimal:
    return Decimal(h).scaleb(-2)


def round_div(num: int, den: int) -> int:
    """num / den rounded half away from zero, in integers (den > 0)."""
    q, r = divmod(abs(num), den)
    if 2 * r >= den:
        q += 1
    return q if num >= 0 else -q
