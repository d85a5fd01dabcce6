"""Pieces shared by the citizen's and the operator's booking pages."""

from datetime import timedelta
from itertools import groupby

from django.utils import timezone

from sportello.helpdesk.availability import Request, Slot, free_slots
from sportello.helpdesk.models import Place

DAYS_SHOWN = 7
MAX_WEEKS = 8


def week_of(request) -> int:
    try:
        return min(max(int(request.GET.get("week", 0)), 0), MAX_WEEKS)
    except ValueError:
        return 0


def slot_days(req: Request, week: int) -> list[dict]:
    """Free slots for one week, grouped by day, each slot with its place name."""
    first = timezone.localdate() + timedelta(days=DAYS_SHOWN * week)
    slots = free_slots(req, first, DAYS_SHOWN)
    places = dict(Place.objects.values_list("pk", "name"))
    days = []
    for day, group in groupby(slots, key=lambda s: timezone.localtime(s.start).date()):
        days.append({"day": day, "slots": [_row(s, places) for s in group]})
    return days


def _row(slot: Slot, places: dict) -> dict:
    return {
        "key": slot.key,
        "time": timezone.localtime(slot.start),
        "place": places.get(slot.place_id, "") if slot.place_id else "",
    }


def query_without_week(request) -> str:
    params = request.GET.copy()
    params.pop("week", None)
    return params.urlencode()
