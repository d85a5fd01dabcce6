"""A report as CSV or XLSX, with the same columns as the page."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from sportello.switchboard.reports import table
from sportello.switchboard.reports.filters import GroupBy
from sportello.switchboard.reports.report import Report

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(cell: object) -> object:
    """Spreadsheets run a cell that starts like a formula; a group name must not."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return "" if cell is None else cell


def _table(report: Report) -> list[list]:
    grouped = report.filters.group_by is not GroupBy.NONE
    rows = table.raw_rows(report.rows, report.filters.granularity, grouped)
    return [table.headers(grouped)] + [[_safe(cell) for cell in row] for row in rows]


def to_csv(report: Report) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(_table(report))
    return out.getvalue()


def to_xlsx(report: Report) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "report"
    for row in _table(report):
        sheet.append(row)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
