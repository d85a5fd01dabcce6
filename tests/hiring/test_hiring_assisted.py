"""Assisted application: an operator files on behalf of a citizen, who gets the receipt."""

import pytest
from django.core import mail
from django.utils import timezone

from sportello.accounts.roles import Role
from sportello.hiring.forms.application import new_key
from sportello.hiring.models import Application
from tests.factories import CitizenFactory, OfficeFactory, login_staff, make_staff
from tests.hiring.factories import make_call

pytestmark = pytest.mark.django_db


def test_an_operator_files_for_a_citizen_found_by_codice_fiscale(client, committed):
    call = make_call()
    citizen = CitizenFactory(password=None, email="anna@example.org")
    citizen.citizen.fiscal_code = "RSSMRA85T10A562S"
    citizen.citizen.save()
    operator = make_staff(Role.OPERATOR, office=call.office)
    login_staff(client, operator)
    url = f"/en/calls/office/calls/{call.pk}/assisted/"
    page = client.get(url, {"query": "nobody@example.org"}).content.decode()
    assert "No citizen with this codice fiscale" in page
    page = client.get(url, {"query": "rssmra85t10a562s"}).content.decode()
    assert 'name="isee_value"' in page and "on behalf of" in page
    data = {
        "query": "RSSMRA85T10A562S",
        "submit_key": new_key(call, citizen),
        "birth_date": "1985-12-10",
        "isee_value": "5000",
        "isee_year": str(timezone.localdate().year),
        "declaration": "on",
        "action": "submit",
    }
    with committed():
        response = client.post(url, data)
    assert response.status_code == 302
    app = Application.objects.get()
    assert (app.citizen, app.filed_by, app.revisions.get().filed_by) == (
        citizen,
        operator,
        operator,
    )
    assert mail.outbox[0].to == ["anna@example.org"]
    client.force_login(citizen)
    page = client.get(f"/en/calls/applications/{app.pk}/").content.decode()
    assert "an office operator on your behalf" in page


def test_operators_of_other_offices_cannot_file(client):
    call = make_call()
    login_staff(client, make_staff(Role.OPERATOR, office=OfficeFactory()))
    assert client.get(f"/en/calls/office/calls/{call.pk}/assisted/").status_code == 404
