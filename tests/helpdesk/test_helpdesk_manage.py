"""The coordinator manages places, opening hours, holidays, mediators and their availability."""

import pytest

from sportello.accounts.roles import Role
from sportello.helpdesk.models import Mediator, Place
from tests.factories import OfficeFactory, login_staff, make_staff
from tests.helpdesk.factories import PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return OfficeFactory()


@pytest.fixture
def coordinator(client, office):
    user = make_staff(Role.COORDINATOR, office=office)
    login_staff(client, user)
    return user


def test_a_coordinator_adds_a_place_with_hours_and_a_holiday(client, coordinator, office):
    response = client.post(
        "/en/help/staff/places/new/",
        {"office": office.pk, "name": "Biblioteca", "address": "Via Roma 2", "active": "on"},
    )
    assert response.status_code == 302
    place = Place.objects.get(name="Biblioteca")
    url = f"/en/help/staff/places/{place.pk}/"
    client.post(
        url + "hours/", {"hours-weekday": "0", "hours-opens": "09:00", "hours-closes": "13:00"}
    )
    client.post(url + "holiday/", {"holiday-date": "2026-12-25", "holiday-name": "Natale"})
    client.post(url + "holiday/", {"holiday-date": "2026-12-25", "holiday-name": "again"})
    assert [str(h) for h in place.opening_hours.all()] == ["Monday 09:00–13:00"]
    assert place.holidays.count() == 1
    page = client.get(url)
    assert b"Natale" in page.content


def test_hours_that_end_before_they_start_are_refused(client, coordinator, office):
    place = PlaceFactory(office=office, hours=False)
    response = client.post(
        f"/en/help/staff/places/{place.pk}/hours/",
        {"hours-weekday": "0", "hours-opens": "13:00", "hours-closes": "09:00"},
        follow=True,
    )
    assert b"The end must be after the start." in response.content
    assert not place.opening_hours.exists()


def test_a_place_of_another_office_is_out_of_reach(client, coordinator):
    other = PlaceFactory()
    assert client.get(f"/en/help/staff/places/{other.pk}/").status_code == 404
    assert client.post(f"/en/help/staff/places/{other.pk}/hours/", {}).status_code == 404


def test_a_coordinator_registers_a_mediator_with_skills_and_availability(
    client, coordinator, office
):
    volunteer = make_staff(Role.MEDIATOR, office=office, display_name="Vera Volontaria")
    place = PlaceFactory(office=office)
    response = client.post(
        "/en/help/staff/mediators/new/",
        {
            "user": volunteer.pk,
            "languages": ["it", "fr"],
            "skills": ["spid", "cie"],
            "active": "on",
        },
    )
    assert response.status_code == 302
    mediator = Mediator.objects.get(user=volunteer)
    assert mediator.languages == ["it", "fr"] and mediator.skills == ["spid", "cie"]
    url = f"/en/help/staff/mediators/{mediator.pk}/"
    client.post(
        url + "availability/",
        {
            "availability-place": place.pk,
            "availability-weekday": "2",
            "availability-starts": "09:00",
            "availability-ends": "12:00",
        },
    )
    client.post(
        url + "exception/",
        {
            "exception-kind": "extra",
            "exception-date": "2026-12-01",
            "exception-starts": "15:00",
            "exception-ends": "16:00",
        },
    )
    assert mediator.availability.count() == 1
    assert not mediator.exceptions.exists()  # an extra slot needs a place
    client.post(
        url + "exception/",
        {
            "exception-kind": "leave",
            "exception-date": "2026-12-01",
            "exception-starts": "09:00",
            "exception-ends": "12:00",
        },
    )
    assert mediator.exceptions.get().kind == "leave"
    row = mediator.availability.get()
    client.post(url + "availability/", {"delete": row.pk})
    assert not mediator.availability.exists()


def test_an_unknown_language_for_a_mediator_is_refused(client, coordinator, office):
    volunteer = make_staff(Role.MEDIATOR, office=office)
    response = client.post(
        "/en/help/staff/mediators/new/",
        {"user": volunteer.pk, "languages": ["xx"], "skills": ["spid"]},
    )
    assert response.status_code == 400 and not Mediator.objects.exists()
