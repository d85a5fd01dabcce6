"""CSV and XLSX exports of applications and rankings, for office staff."""

import csv
import io

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from sportello.hiring.models import Call


def _applications(call: Call) -> list[list]:
    header = [
        _("Protocol"),
        _("Status"),
        _("Citizen"),
        _("E-mail"),
        _("Filed by"),
        _("Submitted"),
        _("Check"),
    ]
    rows = [
        [
            a.protocol,
            a.status,
            str(a.citizen),
            a.citizen.email,
            a.filed_by.email if a.filed_by else "",
            timezone.localtime(a.submitted_at).isoformat() if a.submitted_at else "",
            a.verification,
        ]
        for a in call.applications.select_related("citizen", "filed_by").order_by("protocol")
    ]
    return [header, *rows]


def _ranking(call: Call) -> list[list]:
    stage = "final" if call.phase == Call.Phase.FINAL else "provisional"
    header = [
        _("Job centre"),
        _("Position"),
        _("Protocol"),
        _("Score"),
        _("Citizen"),
        _("Excluded because"),
    ]
    rows = [
        [
            e.job_centre,
            e.position or "",
            e.protocol,
            e.score,
            str(e.application.citizen),
            ", ".join(e.excluded_reasons),
        ]
        for e in call.ranking.filter(stage=stage).select_related("application__citizen")
    ]
    return [header, *rows]


def _safe(value):
    """Neutralise spreadsheet formulas in text cells (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def response(call: Call, kind: str, fmt: str) -> HttpResponse:
    builders = {"applications": _applications, "ranking": _ranking}
    if kind not in builders or fmt not in ("csv", "xlsx"):
        raise Http404
    rows = [[_safe(v) for v in row] for row in builders[kind](call)]
    name = f"call-{call.pk}-{kind}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        body, mime = buffer.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8"
    else:
        book = Workbook()
        for row in rows:
            book.active.append(row)
        out = io.BytesIO()
        book.save(out)
        body = out.getvalue()
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    resp = HttpResponse(body, content_type=mime)
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp
