"""Signed links: one purpose each, expiring, single use; bad links change nothing."""

import re

import pytest
from django.core import signing

from sportello.helpdesk import booking, links
from sportello.helpdesk.models import Booking
from tests.helpdesk.factories import at, key

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(mediator, place, day, in_person, mailbox):
    return booking.book(
        in_person, key(day, 9, place=place), booking.Contact("Maria", "", "m@example.org")
    )


def test_the_cancel_link_from_the_email_cancels_once(client, made, mailbox):
    token = re.search(r"/help/cancel/(\S+)/", mailbox[-1].body).group(1)
    url = f"/en/help/cancel/{token}/"
    response = client.get(url)
    assert response.status_code == 200 and b"Do you want to cancel" in response.content
    assert client.post(url).status_code == 200
    made.refresh_from_db()
    assert made.status == "cancelled"
    assert client.post(url).status_code == 400  # used: the nonce changed


def test_a_tampered_link_is_refused_and_changes_nothing(client, made):
    token = links.make_token(links.CANCEL, made)
    response = client.post(f"/en/help/cancel/{token[:-2]}xx/")
    assert response.status_code == 400
    assert b"This link does not work" in response.content
    made.refresh_from_db()
    assert made.status == "booked"


def test_a_link_for_one_purpose_does_not_work_for_another(client, made):
    token = links.make_token(links.RESCHEDULE, made)
    assert client.post(f"/en/help/cancel/{token}/").status_code == 400
    made.refresh_from_db()
    assert made.status == "booked"


def test_an_expired_link_is_refused(client, made, settings):
    settings.HELPDESK_LINK_MAX_AGE = {links.CANCEL: -1}
    response = client.post(links.path(links.CANCEL, made))
    assert response.status_code == 400
    made.refresh_from_db()
    assert made.status == "booked"


def test_a_link_signed_with_another_key_is_refused(made):
    forged = signing.dumps({"id": made.pk, "n": made.nonce}, salt=links.CANCEL, key="x" * 50)
    assert booking.from_token(links.CANCEL, forged) is None


def test_the_reschedule_link_moves_the_appointment_and_dies(client, made, place, day):
    url = links.path(links.RESCHEDULE, made)
    page = client.get(url)
    assert page.status_code == 200 and key(day, 10, place=place).encode() in page.content
    response = client.post(url, {"slot": key(day, 10, place=place)})
    assert response.status_code == 302
    new = Booking.objects.get(status="booked")
    assert new.start == at(day, 10)
    assert client.get(response["Location"]).status_code == 200
    assert client.post(url, {"slot": key(day, 11, place=place)}).status_code == 400


def test_rescheduling_to_a_taken_or_past_time_changes_nothing(client, made, place, day):
    url = links.path(links.RESCHEDULE, made)
    response = client.post(url, {"slot": key(day, 7, place=place)})
    assert response.status_code == 400 and b"not available" in response.content
    response = client.post(url, {"slot": "2001-01-01T09:00|"})
    assert response.status_code == 400 and b"in the past" in response.content
    made.refresh_from_db()
    assert made.status == "booked" and made.start == at(day, 9)
