"""The help desk's hooks into the rest of the product: navigation, GDPR export, demo data."""

import pytest

from sportello.accounts.demo import seed as seed_accounts
from sportello.accounts.services import export_personal_data
from sportello.helpdesk import booking, demo
from sportello.helpdesk.models import Booking, Mediator, Place, Tutorial
from tests.factories import CitizenFactory
from tests.helpdesk.factories import key

pytestmark = pytest.mark.django_db


def test_the_home_page_links_to_booking_and_tutorials(client):
    html = client.get("/en/").content.decode()
    assert "Book help with SPID/CIE" in html and "/en/help/book/" in html
    assert "Video tutorials" in html and "/en/help/tutorials/" in html


def test_the_gdpr_export_includes_the_citizens_appointments(mediator, day, by_phone, mailbox):
    citizen = CitizenFactory(email="maria@example.org")
    booking.book(by_phone, key(day, 9), booking.Contact("Maria", "", "maria@example.org", citizen))
    data = export_personal_data(citizen)
    assert [a["name"] for a in data["helpdesk_appointments"]] == ["Maria"]
    assert data["helpdesk_waiting_list"] == []


def test_demo_seed_is_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed_accounts()
    demo.seed()
    demo.seed()
    assert Place.objects.count() == 2
    assert Mediator.objects.get().user.email == demo.MEDIATOR_EMAIL
    assert Booking.objects.count() == 2
    tutorial = Tutorial.objects.get()
    assert tutorial.status == "ready" and tutorial.captions.count() == 2


def test_a_citizen_sees_their_own_appointments_only(client, mediator, day, by_phone, mailbox):
    citizen, other = CitizenFactory(), CitizenFactory()
    booking.book(by_phone, key(day, 9), booking.Contact("Mine", "", "a@example.org", citizen))
    booking.book(by_phone, key(day, 10), booking.Contact("Theirs", "", "b@example.org", other))
    assert client.get("/en/help/mine/").status_code == 302
    client.force_login(citizen)
    assert b"/en/help/mine/" in client.get("/en/account/").content
    html = client.get("/en/help/mine/").content.decode()
    assert "/en/help/b/" in html and html.count("/en/help/b/") == 1
    assert "09:00" in html and "10:00" not in html
