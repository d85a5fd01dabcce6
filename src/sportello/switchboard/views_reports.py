"""Historical reports: the page with its chart, CSV/XLSX/queue_log exports, e-mail schedules."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sportello.accounts.decorators import staff_required
from sportello.accounts.roles import Role, has_role, office_ids_for
from sportello.audit.log import record
from sportello.switchboard.models import Agent, Queue, ReportSchedule
from sportello.switchboard.reports import export, queue_log, report, table
from sportello.switchboard.reports.filters import GroupBy
from sportello.switchboard.reports.forms import ReportForm, ScheduleForm, default_period

SUPERVISION = (Role.SUPERVISOR, Role.ADMINISTRATOR)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Scope:
    """What the viewer may report on: supervisors their offices' queues, agents themselves."""

    queues: QuerySet[Queue]
    agent_id: int | None
    restricted: bool  # queues limited to some offices

    @property
    def supervisor(self) -> bool:
        return self.agent_id is None


def scope_of(user) -> Scope:
    if has_role(user, *SUPERVISION):
        offices = office_ids_for(user, *SUPERVISION)
        if offices is None:
            return Scope(Queue.objects.order_by("code"), None, False)
        mine = Queue.objects.filter(Q(office_id__in=offices) | Q(office__isnull=True))
        return Scope(mine.order_by("code"), None, True)
    agent = Agent.objects.filter(user=user).first()
    if agent is None:
        raise PermissionDenied
    return Scope(Queue.objects.order_by("code"), agent.pk, False)


def _form(request, scope: Scope) -> ReportForm:
    data = request.GET.copy()
    if "start" not in data:
        period = default_period()
        data.update({"start": period["start"], "end": period["end"], "granularity": "hour"})
        data.setdefault("group_by", GroupBy.NONE)
    choices = list(GroupBy) if scope.supervisor else [g for g in GroupBy if g is not GroupBy.AGENT]
    return ReportForm(data, queues=scope.queues, group_choices=choices)


@staff_required(*SUPERVISION, Role.AGENT)
def report_page(request):
    scope = scope_of(request.user)
    form = _form(request, scope)
    if not form.is_valid():
        context = {"form": form, "supervisor": scope.supervisor}
        return render(request, "switchboard/reports/report.html", context, status=400)
    # an office-bound supervisor's "every queue" is the queues of their offices (0: none)
    mine = tuple(scope.queues.values_list("pk", flat=True)) or (0,)
    filters = form.filters(agent_id=scope.agent_id, default_queues=mine if scope.restricted else ())
    fmt = request.GET.get("format", "")
    if fmt:
        return _export(request, fmt, filters, scope)
    built = report.build(filters)
    context = _context(form, built) | {"supervisor": scope.supervisor}
    return render(request, "switchboard/reports/report.html", context)


def _context(form: ReportForm, built: report.Report) -> dict:
    grouped = built.filters.group_by is not GroupBy.NONE
    granularity = built.filters.granularity
    labels = [table.period_label(row, granularity) for row in built.rows]
    total = report.queues.Row(built.filters.start, "", built.total, built.occupancy)
    chart = {
        "labels": [
            f"{label} {row.group}".strip() for label, row in zip(labels, built.rows, strict=False)
        ],
        "series": [
            {"label": str(c.label), "data": [c.value(row) for row in built.rows]}
            for c in table.COLUMNS
            if c.key in ("offered", "answered", "abandoned")
        ],
    }
    return {
        "form": form,
        "report": built,
        "grouped": grouped,
        "columns": table.COLUMNS,
        "table_body": table.html_rows(built.rows, granularity, grouped),
        "totals": [(c.label, table.display(c.value(total), c.kind)) for c in table.COLUMNS],
        "chart": chart,
        "query": form.data.urlencode() if hasattr(form.data, "urlencode") else "",
    }


def _export(request, fmt: str, filters, scope: Scope) -> HttpResponse:
    if fmt == "queue_log":
        if not scope.supervisor:  # it holds callers' numbers
            raise PermissionDenied
        record("switchboard.queue_log_exported", actor=request.user,
               details={"start": str(filters.start), "end": str(filters.end)})  # fmt: skip
        response = StreamingHttpResponse(
            queue_log.lines(filters), content_type="text/plain; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="queue_log"'
        return response
    built = report.build(filters, details=False)
    if fmt == "csv":
        response = HttpResponse(export.to_csv(built), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="switchboard-report.csv"'
        return response
    if fmt == "xlsx":
        response = HttpResponse(export.to_xlsx(built), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="switchboard-report.xlsx"'
        return response
    return HttpResponse(_("Unknown export format."), status=400, content_type="text/plain")


@staff_required(*SUPERVISION)
def schedules(request):
    scope = scope_of(request.user)
    form = ScheduleForm(request.POST or None)
    form.fields["queues"].queryset = scope.queues
    if request.method == "POST" and form.is_valid():
        schedule = form.save(commit=False)
        schedule.created_by = request.user
        schedule.save()
        form.save_m2m()
        record("switchboard.report_scheduled", actor=request.user, obj=schedule)
        messages.success(request, _("The report will be sent as scheduled."))
        return redirect("switchboard:report_schedules")
    context = {
        "form": form,
        "schedules": ReportSchedule.objects.order_by("name")[:200],
        "supervisor": True,
    }
    return render(request, "switchboard/reports/schedules.html", context)
