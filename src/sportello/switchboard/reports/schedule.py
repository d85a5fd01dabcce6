"""Scheduled reports: which are due today, the period each covers, and the e-mail."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from sportello.switchboard.models import ReportSchedule
from sportello.switchboard.reports import export, report, table
from sportello.switchboard.reports.filters import Filters, GroupBy
from sportello.switchboard.reports.forms import local_midnight
from sportello.switchboard.reports.intervals import Granularity

Frequency = ReportSchedule.Frequency


def period(frequency: str, today: date) -> tuple[date, date] | None:
    """The days (first, last) a schedule reports on today, or None when not due today."""
    if frequency == Frequency.DAILY:
        return today - timedelta(days=1), today - timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        return (
            (today - timedelta(days=7), today - timedelta(days=1)) if today.weekday() == 0 else None
        )
    if today.day != 1:
        return None
    last = today - timedelta(days=1)
    return last.replace(day=1), last


def due(today: date) -> list[ReportSchedule]:
    schedules = ReportSchedule.objects.filter(active=True).exclude(last_sent_on=today)
    return [s for s in schedules if period(s.frequency, today) is not None]


def send(schedule: ReportSchedule, today: date) -> int:
    first, last = period(schedule.frequency, today) or (today, today)
    filters = Filters(
        start=local_midnight(first),
        end=local_midnight(last + timedelta(days=1)),
        granularity=Granularity(schedule.granularity),
        group_by=GroupBy(schedule.group_by),
        queue_ids=tuple(schedule.queues.values_list("pk", flat=True)),
    )
    built = report.build(filters, details=False)
    with translation.override(None):
        summary = _summary(built, first, last)
        subject = _("Switchboard report “%(name)s”, %(first)s – %(last)s") % {
            "name": schedule.name, "first": first, "last": last,
        }  # fmt: skip
    message = EmailMessage(subject, summary, to=schedule.recipient_list())
    message.attach(f"report-{first}-{last}.csv", export.to_csv(built), "text/csv")
    sent = message.send()
    ReportSchedule.objects.filter(pk=schedule.pk).update(last_sent_on=today)
    return sent


def _summary(built: report.Report, first: date, last: date) -> str:
    lines = [
        _("Figures for %(first)s – %(last)s, all rows summed:") % {"first": first, "last": last}
    ]
    total_row = report.queues.Row(start=built.filters.start, group="", tally=built.total,
                                  occupancy=built.occupancy)  # fmt: skip
    for column in table.COLUMNS:
        lines.append(f"{column.label}: {table.display(column.value(total_row), column.kind)}")
    lines.append(_("The attached CSV file has one row per period and group."))
    return "\n".join(lines)
