"""Time buckets: 15-minute intervals rolled up to hour, day, week and month, cut in SQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from django.db.models import Expression, F, Func
from django.db.models.fields import FloatField
from django.db.models.functions import (
    ExtractMinute,
    Floor,
    TruncDay,
    TruncHour,
    TruncMonth,
    TruncWeek,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

INTERVAL = timedelta(minutes=15)


class Granularity(StrEnum):
    INTERVAL = "interval"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"

    @property
    def label(self) -> str:
        return str(GRANULARITY_LABELS[self])


GRANULARITY_LABELS = {
    Granularity.INTERVAL: _("15 minutes"),
    Granularity.HOUR: _("Hour"),
    Granularity.DAY: _("Day"),
    Granularity.WEEK: _("Week"),
    Granularity.MONTH: _("Month"),
}

_TRUNC = {
    Granularity.INTERVAL: TruncHour,
    Granularity.HOUR: TruncHour,
    Granularity.DAY: TruncDay,
    Granularity.WEEK: TruncWeek,
    Granularity.MONTH: TruncMonth,
}


class ElapsedSeconds(Func):
    """Seconds from ``start`` to ``end``, as a float, on PostgreSQL and SQLite."""

    output_field = FloatField()
    arity = 2

    def __init__(self, end: str | Expression, start: str | Expression) -> None:
        super().__init__(_expr(end), _expr(start))

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL and others
        return super().as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))", arg_joiner=" - "
        )

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            # julianday is a double of days: round away its ~50 µs noise so 5 s stays 5 s
            template="ROUND((julianday(%(expressions)s)) * 86400.0, 3)",
            arg_joiner=") - julianday(",
        )


class EpochSeconds(Func):
    """Seconds since 1970-01-01 UTC as a float: far cheaper to load than a datetime."""

    output_field = FloatField()
    arity = 1

    def __init__(self, moment: str | Expression) -> None:
        super().__init__(_expr(moment))

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)")

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="ROUND((julianday(%(expressions)s) - 2440587.5) * 86400.0, 3)",
        )


def _expr(value: str | Expression) -> Expression:
    return F(value) if isinstance(value, str) else value


def bucket_annotations(field: str, granularity: Granularity) -> dict[str, Expression]:
    """Columns naming the bucket of ``field`` in the current time zone.

    A 15-minute interval is its hour plus the quarter (0..3) of that hour: both portable, unlike
    epoch arithmetic, and right in every time zone whose offset is whole hours."""
    tz = timezone.get_current_timezone()
    columns: dict[str, Expression] = {"bucket": _TRUNC[granularity](field, tzinfo=tz)}
    if granularity is Granularity.INTERVAL:
        columns["quarter"] = Floor(ExtractMinute(field, tzinfo=tz) / 15.0)
    return columns


def bucket_start(row: dict) -> datetime:
    """The start of the bucket a row from ``bucket_annotations`` falls in, time-zone aware."""
    start = row["bucket"]
    if not isinstance(start, datetime):  # TruncDay on some backends gives a date
        start = datetime(start.year, start.month, start.day, tzinfo=timezone.get_current_timezone())
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    quarter = row.get("quarter")
    return start + INTERVAL * int(quarter) if quarter is not None else start


def interval_start(moment: datetime) -> datetime:
    """The start of the 15-minute interval holding ``moment`` (local time)."""
    local = timezone.localtime(moment)
    return local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)
