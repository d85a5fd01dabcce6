"""Statistics as CSV or XLSX: one sheet (or block) per table."""

import csv
import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter


def _summary_rows(data: dict, labels: dict) -> list[tuple[str, object]]:
    return [(labels[k], data[k]) for k in ("total", "no_shows", "no_show_rate", "spid_activations")]


def to_csv(data: dict, labels: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _summary_rows(data, labels):
        writer.writerow(row)
    for table in data["tables"]:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerows(table.rows)
    return out.getvalue()


def to_xlsx(data: dict, labels: dict) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = "summary"
    for row in _summary_rows(data, labels):
        summary.append(list(row))
    for table in data["tables"]:
        sheet = book.create_sheet(table.key)
        sheet.append([table.title])
        for row in table.rows:
            sheet.append(list(row))
        sheet.column_dimensions[get_column_letter(1)].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
