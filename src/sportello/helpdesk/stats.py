"""Programme statistics for the office: appointments by outcome, need, language, place, month."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from sportello.helpdesk.choices import BookingStatus, Channel, Need, Outcome
from sportello.helpdesk.models import Booking


@dataclass
class Table:
    key: str
    title: str
    rows: list[tuple[str, int | float]] = field(default_factory=list)


def bookings(office_ids: set[int] | None, first: date, last: date):
    qs = Booking.objects.exclude(status=BookingStatus.CANCELLED).filter(
        start__date__range=(first, last)
    )
    if office_ids is not None:
        qs = qs.filter(place__office_id__in=office_ids)
    return qs


def _by(qs, column: str, labels: dict | None = None) -> list[tuple[str, int]]:
    rows = qs.values(column).annotate(n=Count("pk")).order_by(column)
    return [(str((labels or {}).get(r[column], r[column])), r["n"]) for r in rows]


def compute(office_ids: set[int] | None, first: date, last: date) -> dict:
    from django.utils.translation import gettext as _

    qs = bookings(office_ids, first, last)
    closed = qs.filter(status__in=[BookingStatus.DONE, BookingStatus.NO_SHOW])
    no_shows = closed.filter(status=BookingStatus.NO_SHOW).count()
    outcomes = Counter(o for row in qs.values_list("outcomes", flat=True) for o in row or [])
    months = qs.annotate(m=TruncMonth("start")).values("m").annotate(n=Count("pk")).order_by("m")
    hours = (
        qs.filter(status=BookingStatus.DONE)
        .values("mediator__user__display_name", "mediator__user__email")
        .annotate(minutes=Sum("duration_minutes"))
        .order_by("mediator__user__display_name")
    )
    outcome_labels = dict(Outcome.choices)
    tables = [
        Table(
            "outcome",
            _("Appointments by outcome"),
            [(str(outcome_labels.get(k, k)), v) for k, v in sorted(outcomes.items())],
        ),
        Table("need", _("Appointments by need"), _by(qs, "need", dict(Need.choices))),
        Table("channel", _("Appointments by channel"), _by(qs, "channel", dict(Channel.choices))),
        Table("language", _("Appointments by language"), _by(qs, "language")),
        Table("place", _("Appointments by place"), _by(qs, "place__name")),
        Table("month", _("Appointments by month"), [(f"{r['m']:%Y-%m}", r["n"]) for r in months]),
        Table(
            "hours",
            _("Mediators' hours"),
            [
                (
                    r["mediator__user__display_name"] or r["mediator__user__email"],
                    round((r["minutes"] or 0) / 60, 1),
                )
                for r in hours
            ],
        ),
    ]
    return {
        "total": qs.count(),
        "closed": closed.count(),
        "no_shows": no_shows,
        "no_show_rate": round(100 * no_shows / closed.count(), 1) if closed.count() else 0.0,
        "spid_activations": outcomes[Outcome.SPID_OBTAINED],
        "tables": tables,
    }
