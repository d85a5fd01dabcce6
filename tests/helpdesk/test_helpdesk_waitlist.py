"""The waiting list: a freed slot is offered to the first match, with an expiring link."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from sportello.helpdesk import booking, links, waitlist
from sportello.helpdesk.models import Booking, WaitingListEntry
from tests.helpdesk.factories import key

pytestmark = pytest.mark.django_db


def _wait(name, language="it", need="spid", email=None):
    request = booking.Request(need, language, "phone")
    return waitlist.join(request, booking.Contact(name, "", email or f"{name}@example.org"))


@pytest.fixture
def full_day(mediator, day, by_phone, mailbox):
    """Every slot of the day booked; returns the 10:00 booking."""
    made = {}
    for hour, minute in [(h, m) for h in (9, 10, 11) for m in (0, 30)]:
        made[(hour, minute)] = booking.book(
            by_phone, key(day, hour, minute), booking.Contact("B", "", "b@example.org")
        )
    return made[(10, 0)]


def test_a_freed_slot_goes_to_the_first_matching_person(
    full_day, django_capture_on_commit_callbacks, mailbox
):
    _wait("french", language="fr")
    _wait("jobs", need="jobs")
    first, second = _wait("first"), _wait("second")
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(full_day)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "offered" and second.status == "waiting"
    assert first.offered_start == full_day.start
    assert first.offer_expires_at <= timezone.now() + timedelta(hours=waitlist.offer_hours())
    assert mailbox[-1].to == ["first@example.org"]
    token = re.search(r"/help/offer/(\S+)/", mailbox[-1].body).group(1)
    assert waitlist.from_token(token) == first


def test_the_confirm_link_books_the_offered_slot_once(
    full_day, client, django_capture_on_commit_callbacks
):
    entry = _wait("first")
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(full_day)
    entry.refresh_from_db()
    url = links.path(links.WAITLIST, entry)
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    made = Booking.objects.get(status="booked", name="first")
    assert made.start == full_day.start
    entry.refresh_from_db()
    assert entry.status == "booked" and entry.booking == made
    assert client.post(url).status_code == 400


def test_an_expired_offer_changes_nothing_and_passes_to_the_next(
    full_day, client, django_capture_on_commit_callbacks, mailbox
):
    first, second = _wait("first"), _wait("second")
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(full_day)
    first.refresh_from_db()
    WaitingListEntry.objects.filter(pk=first.pk).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )
    url = links.path(links.WAITLIST, first)
    response = client.post(url)
    assert response.status_code == 400 and b"expired" in response.content
    assert not Booking.objects.filter(name="first").exists()
    assert waitlist.expire_offers() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "waiting" and second.status == "offered"


def test_a_taken_slot_cannot_be_confirmed(
    full_day, by_phone, day, django_capture_on_commit_callbacks
):
    entry = _wait("first")
    with django_capture_on_commit_callbacks(execute=True):
        booking.cancel(full_day)
    booking.book(by_phone, key(day, 10), booking.Contact("Quick", "", "q@example.org"))
    entry.refresh_from_db()
    with pytest.raises(booking.SlotUnavailable):
        waitlist.confirm(entry)
    entry.refresh_from_db()
    assert entry.status == "offered" and not Booking.objects.filter(name="first").exists()


def test_nothing_is_offered_for_a_slot_about_to_start(mediator, place):
    _wait("first")
    soon = timezone.now() + timedelta(minutes=30)
    assert waitlist.offer_freed_slot(mediator.pk, place.pk, soon) is None
