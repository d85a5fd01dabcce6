"""The report table: one column list shared by the page, the chart, CSV, XLSX and e-mail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from sportello.switchboard.reports.intervals import Granularity
from sportello.switchboard.reports.queues import Row


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translation
    value: Callable[[Row], float | int | None]
    kind: str = "count"  # count, decimal (one decimal place) or ratio


COLUMNS = [
    Column("offered", _("Offered"), lambda r: r.tally.offered),
    Column("answered", _("Answered"), lambda r: r.tally.answered),
    Column("answered_within", _("Answered within T"), lambda r: r.tally.answered_within),
    Column("abandoned", _("Abandoned"), lambda r: r.tally.abandoned),
    Column("short_abandoned", _("Short abandoned"), lambda r: r.tally.short_abandoned),
    Column("exited", _("Overflowed/timed out"), lambda r: r.tally.exited),
    Column("callbacks", _("Callback requested"), lambda r: r.tally.callbacks),
    Column("service_level", _("Service level"), lambda r: r.tally.service_level, "ratio"),
    Column("asa", _("ASA (s)"), lambda r: r.tally.asa, "decimal"),
    Column("aht", _("AHT (s)"), lambda r: r.tally.aht, "decimal"),
    Column("abandon_rate", _("Abandon rate"), lambda r: r.tally.abandon_rate, "ratio"),
    Column("occupancy", _("Occupancy"), lambda r: r.occupancy, "ratio"),
    Column("required", _("Agents required (Erlang C)"), lambda r: r.required),
    Column("logged_in", _("Agents logged in"), lambda r: r.logged_in, "decimal"),
]

_FORMATS = {
    Granularity.INTERVAL: "%Y-%m-%d %H:%M",
    Granularity.HOUR: "%Y-%m-%d %H:%M",
    Granularity.DAY: "%Y-%m-%d",
    Granularity.WEEK: "%Y-%m-%d",
    Granularity.MONTH: "%Y-%m",
}


def period_label(row: Row, granularity: Granularity) -> str:
    return timezone.localtime(row.start).strftime(_FORMATS[granularity])


def display(value: float | int | None, kind: str, separator: str | None = None) -> str:
    """A cell as text: a dash for an undefined ratio, never 0 % or 100 %."""
    if value is None:
        return "–"
    if kind == "count":
        return str(value)  # an int: nothing to localise
    # one decimal in the active language's notation, without number_format's per-call cost
    sep = separator or formats.get_format("DECIMAL_SEPARATOR")
    text = f"{value * 100 if kind == 'ratio' else value:.1f}".replace(".", sep)
    return f"{text} %" if kind == "ratio" else text


def html_rows(rows: list[Row], granularity: Granularity, grouped: bool) -> SafeString:
    """The table body, built here because a template loop over a month of 15-minute rows
    (over 100,000 cells) takes seconds."""
    sep = formats.get_format("DECIMAL_SEPARATOR")
    lines = []
    for row in rows:
        cells = [f'<th scope="row">{escape(period_label(row, granularity))}</th>']
        if grouped:
            cells.append(f"<td>{escape(row.group or '–')}</td>")
        cells.extend(f"<td>{display(c.value(row), c.kind, sep)}</td>" for c in COLUMNS)
        lines.append(f"<tr>{''.join(cells)}</tr>")
    return mark_safe("\n".join(lines))  # noqa: S308 - every text part is escaped above


def raw(value: float | int | None, kind: str) -> float | int | None:
    """A cell as a number for spreadsheets: ratios as percentages, one decimal."""
    if value is None:
        return None
    if kind == "ratio":
        return round(value * 100, 1)
    return round(value, 1) if kind == "decimal" else value


def headers(grouped: bool) -> list[str]:
    first = [str(_("Period"))] + ([str(_("Group"))] if grouped else [])
    return first + [str(c.label) + (" (%)" if c.kind == "ratio" else "") for c in COLUMNS]


def raw_rows(rows: list[Row], granularity: Granularity, grouped: bool) -> list[list]:
    return [
        [period_label(row, granularity)]
        + ([row.group] if grouped else [])
        + [raw(c.value(row), c.kind) for c in COLUMNS]
        for row in rows
    ]
