"""Rank applicants by a rule set: deterministic, independent of input order, fast.

Every sort-key column (score, then each tie-breaker) holds integers, so the
columns are packed into one integer per applicant and sorted with C-level int
comparisons; only applicants tied on that whole key are then ordered by their
protocol number (the final tie-breaker).
"""

from __future__ import annotations

import gc
import math
import operator
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from functools import partial
from itertools import compress, count, repeat
from typing import Any, NamedTuple

from .applicant import Applicant
from .compiled import compile_ruleset
from .engine import check_dates
from .errors import ApplicantDataError
from .facts import Batch, Context
from .schema import RuleSet
from .values import from_hundredths

_DIGITS = re.compile(r"(\d+)")
_SHAPE = str.maketrans("123456789", "000000000")


class RankedEntry(NamedTuple):
    """A ranking row. Excluded applicants have no position and list the failed gates.

    ``decided_by`` names what put this entry after the previous one: "score", a
    tie-breaker ("younger_first", "field:unemployment_months", "group:family",
    "preference") or "protocol"; None for the first entry and for exclusions.
    """

    position: int | None
    protocol: str
    total_hundredths: int | None
    reasons: tuple[str, ...] = ()
    decided_by: str | None = None

    @property
    def excluded(self) -> bool:
        return bool(self.reasons)

    @property
    def score(self) -> Decimal | None:
        h = self.total_hundredths
        return None if h is None else from_hundredths(h)


_new_entry = partial(tuple.__new__, RankedEntry)


def rank(
    ruleset: RuleSet,
    applicants: Iterable[Applicant],
    reference_date: date,
    job_centre: str | None = None,
) -> list[RankedEntry]:
    """Rank eligible applicants (positions 1..n), then list excluded ones by protocol.

    `reference_date` is the call's opening date (see `facts`). The order
    depends only on the data, never on input order: the last tie-breaker is
    the protocol number, with digit runs compared as numbers. With
    `job_centre`, only applicants who listed that centre are ranked. Raises
    `ApplicantDataError` on a duplicate protocol or a birth date after
    `reference_date`.
    """
    with gc_paused():
        return _rank(ruleset, applicants, reference_date, job_centre)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Building 100,000 rows (or engine inputs) would trigger several full cyclic-GC passes
    over every live object, costing more than the work itself; they form no cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _rank(
    ruleset: RuleSet, applicants: Iterable[Applicant], reference_date: date, job_centre: str | None
) -> list[RankedEntry]:
    comp = compile_ruleset(ruleset)
    apps = [a for a in applicants if job_centre is None or job_centre in a.job_centres]
    protocols = [a.protocol for a in apps]
    _check_unique(protocols)
    check_dates(apps, reference_date)
    batch = Batch(apps, Context(reference_date, job_centre))
    gate_cols = [pred(batch) for _, _, pred in comp.gates]
    ok = list(map(all, zip(*gate_cols, strict=True))) if gate_cols else [True] * len(apps)
    crit_cols = [c.points(batch) for c in comp.criteria]
    sums = map(sum, zip(*crit_cols, strict=True)) if crit_cols else [0] * len(apps)
    totals = [comp.base + s for s in sums]
    key_cols = [
        totals if comp.sign == 1 else [-t for t in totals],
        *(part(batch, crit_cols) for part in comp.tie_parts),
    ]
    packed = _pack(key_cols, len(apps))
    order = sorted(compress(count(), ok), key=packed.__getitem__)
    _order_ties_by_protocol(order, packed, protocols)
    decided = _decided_by(order, key_cols, ("score", *comp.tie_names))
    rows = zip(
        range(1, len(order) + 1),
        map(protocols.__getitem__, order),
        map(totals.__getitem__, order),
        repeat(()),
        decided,
    )
    entries = list(map(_new_entry, rows))  # C-level construction: 100,000 rows add up
    gate_keys = [k for k, _, _ in comp.gates]
    return entries + _excluded(protocols, ok, gate_keys, gate_cols)


def _excluded(
    protocols: list[str], ok: list[bool], gate_keys: list[str], gate_cols: list[list[bool]]
) -> list[RankedEntry]:
    """Excluded applicants in protocol order, each with the keys of the gates it failed."""
    rows = sorted(
        (
            protocol_key(p),
            tuple(k for k, col in zip(gate_keys, gate_cols, strict=True) if not col[i]),
        )
        for i, p in enumerate(protocols)
        if not ok[i]
    )
    return [RankedEntry(None, key[-1], None, reasons) for key, reasons in rows]


def _pack(cols: list[list[Any]], n: int) -> list[int]:
    """One int per row that orders rows exactly as the tuple of its columns would.

    Column values are ints, or infinity for an unknown value (sorts last).
    """
    packed = [0] * n
    for col in cols:
        if math.inf in col:
            finite = [v for v in col if v != math.inf]
            unknown = max(finite, default=0) + 1
            col = [unknown if v == math.inf else v for v in col]
        low, high = min(col, default=0), max(col, default=0)
        span = high - low + 1
        packed = [p * span + v - low for p, v in zip(packed, col, strict=True)]
    return packed


def _order_ties_by_protocol(order: list[int], packed: list[int], protocols: list[str]) -> None:
    """Within each run of equal packed keys, order by natural protocol order (in place)."""
    ranked = list(map(packed.__getitem__, order))
    start = end = -2
    for k in compress(count(), map(operator.eq, ranked, ranked[1:])):  # order[k] ties order[k+1]
        if k != end:
            _sort_run(order, start, end, protocols)
            start = k
        end = k + 1
    _sort_run(order, start, end, protocols)


def _sort_run(order: list[int], start: int, end: int, protocols: list[str]) -> None:
    if start < 0:
        return
    run = order[start : end + 1]
    if len({protocols[i].translate(_SHAPE) for i in run}) == 1:
        # same layout (e.g. all "2025/000123"): text order already is natural order
        order[start : end + 1] = sorted(run, key=protocols.__getitem__)
    else:
        order[start : end + 1] = sorted(run, key=lambda i: protocol_key(protocols[i]))


def _decided_by(
    order: list[int], cols: list[list[Any]], names: tuple[str, ...]
) -> list[str | None]:
    """For each ranked row, the first key column that differs from the previous row."""
    if not order:
        return []
    first = list(map(cols[0].__getitem__, order))
    differs = list(map(operator.ne, first, first[1:]))
    decided: list[str | None] = [None, *(names[0] if ne else None for ne in differs)]
    pending = [k + 1 for k in compress(count(), map(operator.not_, differs))]
    for name, col in zip(names[1:], cols[1:], strict=True):
        still = []
        for k in pending:
            if col[order[k]] != col[order[k - 1]]:
                decided[k] = name
            else:
                still.append(k)
        pending = still
    for k in pending:
        decided[k] = "protocol"
    return decided


def protocol_key(protocol: str) -> tuple[tuple[Any, ...], str]:
    """Natural order: "2025/9" before "2025/10"; the raw text settles "07" vs "7"."""
    parts: list[Any] = _DIGITS.split(protocol)
    parts[1::2] = [int(p) for p in parts[1::2]]
    return tuple(parts), protocol


def _check_unique(protocols: list[str]) -> None:
    if len(set(protocols)) != len(protocols):
        seen: set[str] = set()
        for p in protocols:
            if p in seen:
                raise ApplicantDataError(f"protocol {p}: submitted twice")
            seen.add(p)
