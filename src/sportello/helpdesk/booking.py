"""Booking rules: book, reschedule, cancel, record the outcome. No HTTP here.

Double booking is impossible: the mediator's row is locked while a slot is taken, and a partial
unique index on (mediator, start) over active bookings is the last word.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sportello.audit.log import record
from sportello.helpdesk import links, phones
from sportello.helpdesk.availability import Request, find_slot, parse_key, slot_minutes
from sportello.helpdesk.choices import BookingStatus
from sportello.helpdesk.models import Booking, Mediator
from sportello.helpdesk.models.bookings import ACTIVE, new_nonce


class SlotUnavailable(Exception):
    """The chosen time cannot be booked; `message` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str = ""
    email: str = ""
    citizen: object = None


def check_slot(request: Request, key: str):
    """The free slot for `key`, or SlotUnavailable with the reason."""
    parsed = parse_key(key)
    if parsed is None:
        raise SlotUnavailable(_("Choose a time from the list."))
    start, place_id = parsed
    if start <= timezone.now():
        raise SlotUnavailable(_("That time is in the past. Choose another time."))
    slot = find_slot(request, start, place_id)
    if slot is None:
        raise SlotUnavailable(
            _(
                "That time is not available (outside opening hours or already taken). Choose another."
            )
        )
    return slot


def book(request: Request, key: str, contact: Contact, *, booked_by=None) -> Booking:
    slot = check_slot(request, key)
    with transaction.atomic():
        booking = _take_any(slot, request, contact, booked_by)
        if booking is not None:
            _after_booking(booking, "helpdesk.booking.created", booked_by or contact.citizen)
            return booking
    raise SlotUnavailable(_("Someone has just booked that time. Choose another."))


def reschedule(booking: Booking, key: str, actor=None) -> Booking:
    request = request_of(booking)
    slot = check_slot(request, key)
    with transaction.atomic():
        old = Booking.objects.select_for_update().get(pk=booking.pk)
        if old.status != BookingStatus.BOOKED:
            raise SlotUnavailable(_("This appointment can no longer be changed."))
        freed = (old.mediator_id, old.place_id, old.start)
        old.status = BookingStatus.CANCELLED
        old.save(update_fields=["status"])
        contact = Contact(old.name, old.phone, old.email, old.citizen)
        new = _take_any(slot, request, contact, old.booked_by)
        if new is not None:
            _cancel_reminders(old)
            _after_booking(new, "helpdesk.booking.rescheduled", actor, {"from": old.pk})
            _offer_freed(*freed)
            return new
        raise SlotUnavailable(_("Someone has just booked that time. Choose another."))


def cancel(booking: Booking, actor=None) -> bool:
    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.status != BookingStatus.BOOKED:
            return False
        locked.status = BookingStatus.CANCELLED
        locked.nonce = new_nonce()
        locked.save(update_fields=["status", "nonce"])
        _cancel_reminders(locked)
        record("helpdesk.booking.cancelled", actor=actor, obj=locked)
        _offer_freed(locked.mediator_id, locked.place_id, locked.start)
    return True


def request_of(booking: Booking) -> Request:
    place_id = booking.place_id if booking.channel == "in_person" else None
    return Request(booking.need, booking.language, booking.channel, place_id)


def from_token(purpose: str, token: str) -> Booking | None:
    """The upcoming, active booking a signed link points to; None if the link is no good."""
    found = links.read_token(purpose, token)
    if found is None:
        return None
    booking = Booking.objects.filter(pk=found[0], nonce=found[1]).first()
    if booking is None or booking.status != BookingStatus.BOOKED:
        return None
    if purpose != links.VIEW and booking.start <= timezone.now():
        return None
    return booking


def bookings_for_phone(number: str) -> list[Booking]:
    """Upcoming and recent bookings for a caller's number (the switchboard's screen pop)."""
    e164 = phones.normalise(number)
    if e164 is None:
        return []
    since = timezone.now() - timezone.timedelta(days=30)
    return list(
        Booking.objects.filter(phone=e164, start__gte=since)
        .select_related("mediator__user", "place")
        .order_by("start")
    )


def record_outcome(booking: Booking, *, outcomes, duration_minutes, note, by) -> None:
    booking.outcomes = list(outcomes)
    booking.duration_minutes = duration_minutes
    booking.note = note
    booking.status = BookingStatus.DONE
    booking.save(update_fields=["outcomes", "duration_minutes", "note", "status"])
    _cancel_reminders(booking)
    record("helpdesk.booking.outcome", actor=by, obj=booking, details={"outcomes": outcomes})


def mark_no_show(booking: Booking, by) -> None:
    booking.status = BookingStatus.NO_SHOW
    booking.save(update_fields=["status"])
    record("helpdesk.booking.no_show", actor=by, obj=booking)


def lock_mediators(ids) -> None:
    """Lock the mediators' rows, always in id order so that racing bookings cannot deadlock."""
    list(Mediator.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


def _take_any(slot, request: Request, contact, booked_by) -> Booking | None:
    """Inside a transaction: lock the candidate mediators, book the least busy free one."""
    lock_mediators(sorted({m for m, _p in slot.candidates}))
    for mediator_id, place_id in _least_busy_first(slot.candidates, slot.start):
        booking = _take(mediator_id, place_id, slot.start, request, contact, booked_by)
        if booking is not None:
            return booking
    return None


def _take(mediator_id, place_id, start: datetime, request: Request, contact, booked_by):
    """Inside a transaction holding the mediator's lock: book the slot if it is still free."""
    end = start + timezone.timedelta(minutes=slot_minutes())
    overlapping = Booking.objects.filter(
        ACTIVE,
        mediator_id=mediator_id,
        start__gt=start - timezone.timedelta(days=1),  # no appointment lasts a day
        start__lt=end,
        end__gt=start,
    )
    if overlapping.exists():
        return None
    try:
        with transaction.atomic():
            return Booking.objects.create(
                mediator_id=mediator_id,
                place_id=place_id,
                start=start,
                end=end,
                need=request.need,
                language=request.language,
                channel=request.channel,
                name=contact.name,
                phone=contact.phone,
                email=contact.email,
                citizen=contact.citizen,
                booked_by=booked_by,
            )
    except IntegrityError:
        return None


def _least_busy_first(candidates, start: datetime):
    day = timezone.localtime(start).date()
    ids = [m for m, _p in candidates]
    load = dict(
        Mediator.objects.filter(pk__in=ids)
        .annotate(
            n=Count(
                "bookings",
                filter=Q(bookings__start__date=day) & ~Q(bookings__status=BookingStatus.CANCELLED),
            )
        )
        .values_list("pk", "n")
    )
    return sorted(candidates, key=lambda c: (load.get(c[0], 0), c[0]))


def _after_booking(booking: Booking, action: str, actor, details=None) -> None:
    from sportello.helpdesk import reminders, tasks

    record(action, actor=actor, obj=booking, details=details or {})
    reminders.schedule(booking)
    if booking.email:
        tasks.send_confirmation.enqueue(booking.pk)


def _cancel_reminders(booking: Booking) -> None:
    booking.reminders.filter(status="pending").update(status="cancelled")


def _offer_freed(mediator_id: int, place_id: int, start: datetime) -> None:
    from sportello.helpdesk import waitlist

    transaction.on_commit(lambda: waitlist.offer_freed_slot(mediator_id, place_id, start))
