import json

import pytest

from sportello.accounts.models import CitizenProfile
from sportello.audit.models import AuditEvent
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "given_name": "Mario",
    "family_name": "Rossi",
    "fiscal_code": "rssmra85t10a562s",
    "birth_date": "1985-12-10",
    "sex": "M",
    "phone": "+39 333 1234567",
}


@pytest.fixture
def citizen(client):
    user = CitizenFactory()
    client.force_login(user)
    return user


def test_it_saves_a_valid_profile_and_audits_it(client, citizen):
    response = client.post("/en/account/profile/", GOOD)
    assert response.status_code == 302
    profile = CitizenProfile.objects.get(user=citizen)
    assert profile.fiscal_code == "RSSMRA85T10A562S"
    assert AuditEvent.objects.filter(subject=citizen, action="profile.changed").exists()


@pytest.mark.parametrize(
    "change",
    [
        {"fiscal_code": "RSSMRA85T10A562X"},  # wrong check character
        {"fiscal_code": "NOTACODE"},
        {"birth_date": "1985-12-11"},  # does not match the code
        {"birth_date": "2999-01-01"},
    ],
)
def test_it_refuses_bad_profiles_and_changes_nothing(client, citizen, change):
    response = client.post("/en/account/profile/", {**GOOD, **change})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert CitizenProfile.objects.get(user=citizen).fiscal_code is None


def test_it_exports_the_citizens_data_as_json(client, citizen):
    client.post("/en/account/profile/", GOOD)
    response = client.get("/en/account/profile/export/")
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["account"]["email"] == citizen.email
    assert data["profile"]["fiscal_code"] == "RSSMRA85T10A562S"


def test_it_records_a_deletion_request(client, citizen):
    assert client.post("/en/account/profile/delete/", {}).status_code == 200
    client.post("/en/account/profile/delete/", {"confirm": "on"})
    assert CitizenProfile.objects.get(user=citizen).deletion_requested_at is not None
    assert AuditEvent.objects.filter(subject=citizen, action="gdpr.deletion_requested").exists()


def test_anonymising_erases_identity(citizen):
    from sportello.accounts.services import anonymise

    CitizenProfile.objects.filter(user=citizen).update(fiscal_code="RSSMRA85T10A562S")
    anonymise(citizen, by=citizen)
    citizen.refresh_from_db()
    assert citizen.email.startswith("deleted-")
    assert not citizen.is_active
    assert citizen.citizen.fiscal_code is None
