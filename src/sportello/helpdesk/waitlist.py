"""Waiting list: when nothing fits, the citizen waits; a freed slot goes to the first match."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sportello.audit.log import record
from sportello.helpdesk import links
from sportello.helpdesk.availability import Request, find_slot
from sportello.helpdesk.booking import (
    Contact,
    SlotUnavailable,
    _after_booking,
    _take,
    lock_mediators,
)
from sportello.helpdesk.choices import Channel
from sportello.helpdesk.models import Booking, Mediator, WaitingListEntry
from sportello.helpdesk.models.bookings import new_nonce

Status = WaitingListEntry.Status


def offer_hours() -> int:
    return getattr(settings, "HELPDESK_OFFER_HOURS", 4)


def join(request: Request, contact: Contact) -> WaitingListEntry:
    entry = WaitingListEntry.objects.create(
        name=contact.name,
        phone=contact.phone,
        email=contact.email,
        citizen=contact.citizen,
        language=request.language,
        need=request.need,
        channel=request.channel,
        place_id=request.place_id,
    )
    record("helpdesk.waitlist.joined", actor=contact.citizen, obj=entry)
    return entry


def first_match(mediator: Mediator, place_id: int, exclude=()) -> WaitingListEntry | None:
    waiting = WaitingListEntry.objects.filter(status=Status.WAITING).exclude(email="")
    for entry in waiting.exclude(pk__in=exclude).select_for_update():
        if entry.need not in mediator.skills or entry.language not in mediator.languages:
            continue
        if entry.channel == Channel.IN_PERSON and entry.place_id not in (None, place_id):
            continue
        return entry
    return None


def offer_freed_slot(
    mediator_id: int, place_id: int, start: datetime, exclude=(), now=None
) -> WaitingListEntry | None:
    """Offer the slot to the first matching person, with a link that expires."""
    from sportello.helpdesk import tasks

    now = now or timezone.now()
    if start <= now + timedelta(hours=1):
        return None
    with transaction.atomic():
        mediator = Mediator.objects.get(pk=mediator_id)
        entry = first_match(mediator, place_id, exclude)
        if entry is None:
            return None
        entry.status = Status.OFFERED
        entry.offered_mediator = mediator
        entry.offered_place_id = place_id
        entry.offered_start = start
        entry.offer_expires_at = min(now + timedelta(hours=offer_hours()), start)
        entry.nonce = new_nonce()
        entry.save()
        tasks.send_waitlist_offer.enqueue(entry.pk)
    return entry


def from_token(token: str) -> WaitingListEntry | None:
    found = links.read_token(links.WAITLIST, token)
    if found is None:
        return None
    return WaitingListEntry.objects.filter(
        pk=found[0], nonce=found[1], status=Status.OFFERED
    ).first()


def confirm(entry: WaitingListEntry, now=None) -> Booking:
    now = now or timezone.now()
    if entry.offer_expires_at is None or entry.offer_expires_at <= now:
        raise SlotUnavailable(_("This offer has expired."))
    request = Request(entry.need, entry.language, entry.channel)
    place_key = entry.offered_place_id if entry.channel == Channel.IN_PERSON else None
    slot = find_slot(request, entry.offered_start, place_key)
    if slot is None or entry.offered_mediator_id not in {m for m, _p in slot.candidates}:
        raise SlotUnavailable(_("Sorry, this time is no longer free."))
    with transaction.atomic():
        contact = Contact(entry.name, entry.phone, entry.email, entry.citizen)
        lock_mediators([entry.offered_mediator_id])
        booking = _take(
            entry.offered_mediator_id,
            entry.offered_place_id,
            entry.offered_start,
            request,
            contact,
            None,
        )
        if booking is None:
            raise SlotUnavailable(_("Sorry, this time is no longer free."))
        entry.status, entry.booking, entry.nonce = Status.BOOKED, booking, new_nonce()
        entry.save(update_fields=["status", "booking", "nonce"])
        _after_booking(booking, "helpdesk.waitlist.booked", entry.citizen)
    return booking


def expire_offers(now=None) -> int:
    """Offers nobody confirmed in time go back to waiting; the slot goes to the next person."""
    now = now or timezone.now()
    expired = list(
        WaitingListEntry.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now)
    )
    for entry in expired:
        entry.status = Status.WAITING
        entry.nonce = new_nonce()
        entry.save(update_fields=["status", "nonce"])
        offer_freed_slot(
            entry.offered_mediator_id,
            entry.offered_place_id,
            entry.offered_start,
            exclude=[e.pk for e in expired],
            now=now,
        )
    return len(expired)
