"""The citizen's booking journey over HTTP, without JavaScript, and its bad input."""

import pytest
from django.core.cache import cache

from sportello.helpdesk.models import Booking, WaitingListEntry
from tests.factories import CitizenFactory
from tests.helpdesk.factories import at, key

pytestmark = pytest.mark.django_db

NEED = {"need": "spid", "channel": "in_person", "language": "it"}
DETAILS = {"name": "Maria Bianchi", "phone": "333 123 4567", "email": "maria@example.org"}


def _times_url(place, **extra):
    params = {**NEED, "place": place.pk, **extra}
    return "/en/help/book/times/?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_the_start_page_asks_for_need_channel_and_language(client, place):
    response = client.get("/en/help/book/")
    assert response.status_code == 200
    for name in (b'name="need"', b'name="channel"', b'name="language"', b'name="place"'):
        assert name in response.content


def test_a_citizen_without_account_books_and_lands_on_the_confirmation(
    client, mediator, place, day, mailbox
):
    page = client.get(_times_url(place))
    assert page.status_code == 200
    slot = key(day, 9, place=place)
    assert slot.encode() in page.content
    response = client.post(_times_url(place), {"slot": slot, **DETAILS})
    assert response.status_code == 302
    made = Booking.objects.get()
    assert made.phone == "+393331234567" and made.citizen is None and made.start == at(day, 9)
    confirmation = client.get(response["Location"])
    assert b"Your appointment" in confirmation.content
    assert place.address.encode() in confirmation.content
    assert len(mailbox) == 1


def test_a_logged_in_citizen_is_linked_to_the_booking(client, mediator, place, day, mailbox):
    citizen = CitizenFactory()
    client.force_login(citizen)
    client.post(_times_url(place), {"slot": key(day, 9, place=place), **DETAILS})
    assert Booking.objects.get().citizen == citizen


@pytest.mark.parametrize("phone", ["not a number", "12", "333 123 4567 8901 2345", "+39 abc"])
def test_a_phone_that_is_not_a_number_is_refused(client, mediator, place, day, phone):
    response = client.post(
        _times_url(place), {"slot": key(day, 9, place=place), **DETAILS, "phone": phone}
    )
    assert response.status_code == 400
    assert b"not a valid phone number" in response.content
    assert not Booking.objects.exists()


def test_phone_or_email_is_needed(client, mediator, place, day):
    response = client.post(_times_url(place), {"slot": key(day, 9, place=place), "name": "X"})
    assert response.status_code == 400 and b"phone number or an e-mail" in response.content
    assert not Booking.objects.exists()


def test_an_unknown_language_is_refused_in_the_users_language(client, mediator, place):
    response = client.get(_times_url(place, language="xx"))
    assert response.status_code == 400
    assert b"We do not offer appointments in that language." in response.content
    response = client.get(_times_url(place, language="xx").replace("/en/", "/it/"))
    assert response.status_code == 400
    assert 'lang="it"' in response.content.decode()


@pytest.mark.parametrize(
    "slot,message",
    [
        ("2001-05-01T09:00|", b"in the past"),
        ("{day}T07:00|{place}", b"not available"),
        ("garbage", b"Choose a time"),
        ("", b"Choose a time"),
    ],
)
def test_bad_slots_get_a_clear_message_and_change_nothing(
    client, mediator, place, day, slot, message
):
    slot = slot.format(day=f"{day:%Y-%m-%d}", place=place.pk)
    response = client.post(_times_url(place), {"slot": slot, **DETAILS})
    assert response.status_code == 400
    assert message in response.content
    assert not Booking.objects.exists()


def test_the_booking_post_is_rate_limited(client, mediator, place, day, settings, rate_window_held):
    cache.clear()
    statuses = [
        client.post(_times_url(place), {"slot": "", **DETAILS}).status_code for _ in range(12)
    ]
    assert statuses[0] == 400 and statuses[-1] == 429


def test_with_no_free_time_the_citizen_joins_the_waiting_list(client, place):
    page = client.get(_times_url(place))
    assert b"no free times" in page.content and b"/help/book/waiting-list/" in page.content
    url = "/en/help/book/waiting-list/?" + "&".join(f"{k}={v}" for k, v in NEED.items())
    response = client.post(url, {**DETAILS})
    assert response.status_code == 200 and b"You are on the waiting list" in response.content
    entry = WaitingListEntry.objects.get()
    assert entry.phone == "+393331234567" and entry.status == "waiting"


def test_the_waiting_list_needs_an_email(client, place):
    url = "/en/help/book/waiting-list/?" + "&".join(f"{k}={v}" for k, v in NEED.items())
    response = client.post(url, {"name": "X", "phone": "3331234567"})
    assert response.status_code == 400 and not WaitingListEntry.objects.exists()
