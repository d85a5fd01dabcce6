"""The citizen's file as the agent desktop sees it: who is calling, what they applied for,
their help-desk appointments and earlier call notes."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from sportello.accounts.models import CitizenProfile
from sportello.audit.log import record
from sportello.helpdesk import phones
from sportello.helpdesk.booking import bookings_for_phone
from sportello.helpdesk.models import Booking
from sportello.hiring.models import Application
from sportello.hiring.models import Call as HiringCall
from sportello.switchboard.models import Call, CallNote

MAX_RESULTS = 20
MIN_QUERY = 3
NOTE_MAX = 2000
FISCAL_CODE = re.compile(r"^[A-Z0-9]{16}$")


class SearchError(ValueError):
    """A search the desktop cannot run; the message is for the agent."""


def _digits_only(field: str):
    expression = F(field)
    for sign in (" ", "-", ".", "/", "(", ")"):
        expression = Replace(expression, Value(sign), Value(""))
    return expression


def for_phone(number: str) -> list[CitizenProfile]:
    """Citizens whose profile phone is the caller's number (compared in E.164)."""
    e164 = phones.normalise(number)
    if e164 is None:
        return []
    national = str(phonenumbers.parse(e164).national_number)
    candidates = (
        CitizenProfile.objects.annotate(digits=_digits_only("phone"))
        .filter(digits__endswith=national)
        .select_related("user")
        .order_by("family_name", "given_name")[:MAX_RESULTS]
    )
    return [c for c in candidates if phones.normalise(c.phone) == e164]


def search(query: str) -> list[CitizenProfile]:
    """By codice fiscale (exact) or by name (every word in the given or family name)."""
    query = " ".join(query.split())
    if len(query) < MIN_QUERY:
        raise SearchError
    found: QuerySet[CitizenProfile] = CitizenProfile.objects.select_related("user")
    if FISCAL_CODE.match(query.upper()):
        found = found.filter(fiscal_code__iexact=query)
    else:
        for word in query.split():
            found = found.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    return list(found.order_by("family_name", "given_name")[:MAX_RESULTS])


@dataclass
class CitizenFile:
    profile: CitizenProfile
    applications: list[Application]
    bookings: list[Booking]
    notes: list[CallNote]
    open_calls: list[HiringCall]


def citizen_file(profile: CitizenProfile) -> CitizenFile:
    applications = (
        Application.objects.filter(citizen=profile.user)
        .select_related("call")
        .order_by("-updated_at")
    )
    bookings = {b.pk: b for b in Booking.objects.filter(citizen=profile.user)
                .select_related("place", "mediator__user")}  # fmt: skip
    if profile.phone:
        bookings |= {b.pk: b for b in bookings_for_phone(profile.phone)}
    now = timezone.now()
    open_calls = HiringCall.objects.filter(
        phase=HiringCall.Phase.PUBLISHED, opens_at__lte=now, closes_at__gt=now
    ).exclude(pk__in=[a.call_id for a in applications])
    return CitizenFile(
        profile=profile,
        applications=list(applications),
        bookings=sorted(bookings.values(), key=lambda b: b.start, reverse=True),
        notes=list(profile.call_notes.select_related("author", "call")),
        open_calls=list(open_calls),
    )


def note_from(data, call: Call) -> tuple[CitizenProfile, str] | None:
    """The wrap-up note and the citizen it is about, or None when there is no note."""
    text = data.get("note", "").strip()
    if not text:
        return None
    if len(text) > NOTE_MAX:
        raise ValidationError(
            _("The note is too long (at most %(count)s characters).") % {"count": NOTE_MAX}
        )
    citizen_id = data.get("citizen", "")
    profile = CitizenProfile.objects.filter(pk=citizen_id).first() if citizen_id.isdigit() else None
    if profile is None:
        raise ValidationError(_("Choose the citizen the note is about."))
    return profile, text


def add_note(call: Call, citizen: CitizenProfile, text: str, author) -> CallNote:
    note = CallNote.objects.create(call=call, citizen=citizen, author=author, text=text)
    record("switchboard.call_note_added", actor=author, subject=citizen.user, obj=note,
           details={"call": str(call.pk)})  # fmt: skip
    return note
