"""Staffing requests: the body submits, the office of the body decides."""

import pytest

from sportello.accounts.roles import Role
from sportello.audit.models import AuditEvent
from sportello.hiring.models import StaffingRequest
from tests.factories import BodyFactory, OfficeFactory, login_staff, make_staff
from tests.hiring.factories import StaffingRequestFactory

pytestmark = pytest.mark.django_db

VALID = {
    "profile": "Operaio",
    "posts": "2",
    "place": "Aosta",
    "hours_per_week": "36",
    "contract_type": "fixed",
    "contract_months": "6",
    "qualification": "compulsory",
    "start_date": "2030-01-01",
}


def test_a_body_user_submits_a_request_for_their_body(client):
    body = BodyFactory()
    user = make_staff(Role.BODY_USER, body=body)
    login_staff(client, user)
    response = client.post("/en/calls/body/requests/new/", VALID)
    assert response.status_code == 302
    req = StaffingRequest.objects.get()
    assert (req.body, req.status, req.created_by) == (body, "submitted", user)
    assert "Operaio" in client.get("/en/calls/body/requests/").content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("posts", "0", "at least one post"),
        ("hours_per_week", "80", "Between 1 and 48"),
        ("contract_months", "", "length of a fixed-term contract"),
        ("posts", "many", "Enter a whole number."),
    ],
)
def test_bad_requests_get_a_clear_message(client, field, value, message):
    login_staff(client, make_staff(Role.BODY_USER))
    response = client.post("/en/calls/body/requests/new/", {**VALID, field: value})
    assert message in response.content.decode()
    assert not StaffingRequest.objects.exists()


@pytest.mark.parametrize(
    ("decision", "reason", "status"),
    [
        ("accept", "", "accepted"),
        ("changes", "Specify hours", "changes"),
        ("reject", "No", "rejected"),
    ],
)
def test_the_office_decides(client, decision, reason, status):
    req = StaffingRequestFactory(status="submitted")
    login_staff(client, make_staff(Role.OPERATOR, office=req.body.office))
    client.post(f"/en/calls/office/requests/{req.pk}/", {"decision": decision, "reason": reason})
    req.refresh_from_db()
    assert (req.status, req.decision_reason) == (status, reason)


def test_rejecting_needs_a_reason(client):
    req = StaffingRequestFactory(status="submitted")
    login_staff(client, make_staff(Role.MANAGER, office=req.body.office))
    response = client.post(f"/en/calls/office/requests/{req.pk}/", {"decision": "reject"})
    assert "Give a reason" in response.content.decode()
    req.refresh_from_db()
    assert req.status == "submitted"


def test_a_request_sent_back_is_edited_and_resubmitted(client):
    req = StaffingRequestFactory(status="changes", decision_reason="Hours?")
    login_staff(client, make_staff(Role.BODY_USER, body=req.body))
    client.post(f"/en/calls/body/requests/{req.pk}/", {**VALID, "hours_per_week": "20"})
    req.refresh_from_db()
    assert (req.status, req.hours_per_week) == ("submitted", 20)


def test_scoping_other_offices_and_bodies_get_404(client):
    req = StaffingRequestFactory(status="changes")
    login_staff(client, make_staff(Role.OPERATOR, office=OfficeFactory()))
    assert client.get(f"/en/calls/office/requests/{req.pk}/").status_code == 404
    assert "Operaio generico" not in client.get("/en/calls/office/").content.decode()
    login_staff(client, make_staff(Role.BODY_USER))
    assert client.get(f"/en/calls/body/requests/{req.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").count() == 2


def test_citizens_and_other_roles_are_kept_out(client):
    login_staff(client, make_staff(Role.AGENT))
    assert client.get("/en/calls/body/requests/").status_code == 403
    assert client.get("/en/calls/office/").status_code == 403
