"""Operators book for callers and search by phone; mediators record outcomes; who may see what."""

import pytest

from sportello.accounts.roles import Role
from sportello.audit.models import AuditEvent
from sportello.helpdesk import booking
from sportello.helpdesk.models import Booking
from tests.factories import CitizenFactory, OfficeFactory, login_staff, make_staff
from tests.helpdesk.factories import key

pytestmark = pytest.mark.django_db

# URL → roles allowed (the role matrix of tests/accounts/test_access.py, for this app).
BOOKERS = {Role.COORDINATOR, Role.MEDIATOR, Role.OPERATOR, Role.AGENT}
STAFF_PAGES = {
    "/en/help/staff/": BOOKERS,
    "/en/help/staff/search/": BOOKERS,
    "/en/help/staff/book/": BOOKERS,
    "/en/help/staff/places/": {Role.COORDINATOR},
    "/en/help/staff/mediators/": {Role.COORDINATOR},
    "/en/help/staff/reminders/": {Role.COORDINATOR},
    "/en/help/staff/waiting-list/": {Role.COORDINATOR},
    "/en/help/staff/tutorials/": {Role.COORDINATOR},
    "/en/help/staff/statistics/": {Role.COORDINATOR, Role.MANAGER},
}


@pytest.mark.parametrize("url", STAFF_PAGES)
@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_only_its_pages(client, url, role):
    login_staff(client, make_staff(role))
    assert client.get(url).status_code == (200 if role in STAFF_PAGES[url] else 403)


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_citizens_and_anonymous_are_kept_out(client, url):
    assert client.get(url).status_code == 302
    client.force_login(CitizenFactory())
    assert client.get(url).status_code in (302, 403)


def test_an_operator_books_for_a_caller_and_finds_it_by_phone(
    client, mediator, place, day, mailbox
):
    operator = make_staff(Role.OPERATOR)
    login_staff(client, operator)
    url = "/en/help/staff/book/times/?need=spid&channel=phone&language=it"
    response = client.post(url, {"slot": key(day, 9), "name": "Caller", "phone": "0165 123456"})
    assert response.status_code == 302
    made = Booking.objects.get()
    assert made.booked_by == operator and made.channel == "phone" and made.phone == "+390165123456"
    found = client.get("/en/help/staff/search/?phone=0165123456")
    assert b"Caller" in found.content
    assert client.get("/en/help/staff/search/?phone=abc").status_code == 400


def test_booking_from_a_citizens_file_prefills_and_links_the_citizen(
    client, mediator, place, day, mailbox
):
    citizen = CitizenFactory(email="mario@example.org")
    citizen.citizen.phone = "333 123 4567"
    citizen.citizen.save()
    agent = make_staff(Role.AGENT)
    login_staff(client, agent)
    pk = citizen.citizen.pk
    start = client.get(f"/en/help/staff/book/?citizen={pk}").content.decode()
    assert f'name="citizen" value="{pk}"' in start
    url = f"/en/help/staff/book/times/?need=spid&channel=phone&language=it&citizen={pk}"
    form = client.get(url).content.decode()
    assert 'value="Mario Rossi"' in form and 'value="333 123 4567"' in form
    assert 'value="mario@example.org"' in form
    assert AuditEvent.objects.filter(
        action="helpdesk.booking.for_citizen", subject=citizen
    ).exists()
    client.post(url, {"slot": key(day, 9), "name": "Mario Rossi", "phone": "3331234567"})
    made = Booking.objects.get()
    assert made.citizen == citizen and made.booked_by == agent
    assert "Mario Rossi" not in client.get(url.replace(f"={pk}", "=x")).content.decode()


def test_a_phone_booking_needs_the_phone_number(client, mediator, day):
    login_staff(client, make_staff(Role.OPERATOR))
    url = "/en/help/staff/book/times/?need=spid&channel=phone&language=it"
    response = client.post(url, {"slot": key(day, 9), "name": "Caller", "email": "c@example.org"})
    assert response.status_code == 400 and not Booking.objects.exists()


def _booked(mediator, day):
    request = booking.Request("spid", "it", "phone")
    return booking.book(request, key(day, 9), booking.Contact("Maria", "+393331234567", ""))


def test_the_mediator_records_the_outcome(client, mediator, day):
    made = _booked(mediator, day)
    login_staff(client, mediator.user)
    url = f"/en/help/staff/bookings/{made.pk}/outcome/"
    bad = client.post(url, {"outcomes": ["spid_obtained"], "duration_minutes": "0"})
    assert bad.status_code == 400
    response = client.post(
        url,
        {"outcomes": ["spid_obtained", "app_installed"], "duration_minutes": "40", "note": "ok"},
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == "done" and made.outcomes == ["spid_obtained", "app_installed"]
    assert made.duration_minutes == 40


def test_the_mediator_marks_a_no_show(client, mediator, day):
    made = _booked(mediator, day)
    login_staff(client, mediator.user)
    assert client.post(f"/en/help/staff/bookings/{made.pk}/no-show/").status_code == 302
    made.refresh_from_db()
    assert made.status == "no_show"


def test_another_mediator_cannot_record_the_outcome(client, mediator, place, day):
    made = _booked(mediator, day)
    other = make_staff(Role.MEDIATOR, office=place.office)
    login_staff(client, other)
    assert (
        client.post(
            f"/en/help/staff/bookings/{made.pk}/outcome/", {"duration_minutes": "5"}
        ).status_code
        == 403
    )
    made.refresh_from_db()
    assert made.status == "booked"


def test_a_coordinator_sees_only_the_bookings_of_their_offices(client, mediator, place, day):
    made = _booked(mediator, day)
    login_staff(client, make_staff(Role.COORDINATOR, office=OfficeFactory()))
    assert client.get(f"/en/help/staff/bookings/{made.pk}/").status_code == 403
    login_staff(client, make_staff(Role.COORDINATOR, office=place.office))
    assert client.get(f"/en/help/staff/bookings/{made.pk}/").status_code == 200
