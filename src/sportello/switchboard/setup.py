"""A working default configuration: skills, one queue per service and language, a flow."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sportello.switchboard import hours
from sportello.switchboard.ivr import DEFAULT_FLOW, HELPLINE_FLOW
from sportello.switchboard.models import (
    Holiday,
    IvrFlow,
    IvrFlowVersion,
    OpeningHours,
    PauseReason,
    Queue,
    Skill,
)

SKILLS = [
    ("jobs", _("Job search")),
    ("calls", _("Public hiring calls")),
    ("helpdesk", _("Digital help desk")),
]
LANGUAGES = ["it", "fr", "ca", "es", "en"]
HELPLINE_FLOW_NAME = "Helpline"
PAUSE_REASONS = [
    ("break", _("Break")),
    ("training", _("Training")),
    ("admin", _("Back-office work")),
    ("missed", _("Missed calls")),
]


@transaction.atomic
def ensure_default_configuration() -> IvrFlow:
    for code, name in SKILLS:
        skill, _created = Skill.objects.get_or_create(code=code, defaults={"name": str(name)})
        for lang in LANGUAGES:
            Queue.objects.get_or_create(
                code=f"{code}-{lang}",
                defaults={"name": f"{name} ({lang})", "skill": skill, "language": lang},
            )
    for code, label in PAUSE_REASONS:
        PauseReason.objects.get_or_create(code=code, defaults={"label": str(label)})
    flow = _ensure_flow("Default", DEFAULT_FLOW)
    _ensure_flow(HELPLINE_FLOW_NAME, HELPLINE_FLOW)
    year = timezone.localdate().year
    for y in (year, year + 1):
        for day, name in hours.national_holidays(y):
            Holiday.objects.get_or_create(date=day, region="", defaults={"name": name})
    return flow


def _ensure_flow(name: str, definition: dict) -> IvrFlow:
    """A published flow open on weekdays 8:30-17:00, unless it exists already."""
    flow, created = IvrFlow.objects.get_or_create(name=name)
    if created or not flow.versions.exists():
        IvrFlowVersion.objects.create(flow=flow, number=1, definition=definition, published=True)
        for weekday in range(5):
            OpeningHours.objects.create(
                flow=flow, weekday=weekday, opens=datetime.time(8, 30), closes=datetime.time(17, 0)
            )
    return flow
