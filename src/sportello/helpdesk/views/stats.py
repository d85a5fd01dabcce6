"""Programme statistics for the office, as a page, CSV or XLSX."""

from datetime import date, timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from sportello.accounts.decorators import staff_required
from sportello.accounts.roles import office_ids_for
from sportello.helpdesk import export, stats
from sportello.helpdesk.access import STATISTICS


def _period(request) -> tuple[date, date]:
    today = timezone.localdate()
    first = parse_date(request.GET.get("from") or "") or today - timedelta(days=365)
    last = parse_date(request.GET.get("to") or "") or today + timedelta(days=60)
    return (first, last) if first <= last else (last, first)


def _labels() -> dict:
    return {
        "total": _("Appointments"),
        "no_shows": _("No-shows"),
        "no_show_rate": _("No-show rate (%)"),
        "spid_activations": _("SPID activations"),
    }


@staff_required(*STATISTICS)
def page(request):
    first, last = _period(request)
    data = stats.compute(office_ids_for(request.user, *STATISTICS), first, last)
    fmt = request.GET.get("format")
    if fmt == "csv":
        response = HttpResponse(
            export.to_csv(data, _labels()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="helpdesk-statistics.csv"'
        return response
    if fmt == "xlsx":
        response = HttpResponse(
            export.to_xlsx(data, _labels()),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="helpdesk-statistics.xlsx"'
        return response
    context = {"data": data, "first": first, "last": last, "labels": _labels()}
    return render(request, "helpdesk/staff/stats.html", context)
