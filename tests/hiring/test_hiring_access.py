"""Who may open which hiring staff page: every role, a citizen and an anonymous visitor."""

import pytest

from sportello.accounts.roles import Role
from tests.factories import CitizenFactory, login_staff, make_staff
from tests.hiring.factories import StaffingRequestFactory, make_call

pytestmark = pytest.mark.django_db

OFFICE = {Role.OPERATOR, Role.MANAGER}
PAGES = {
    "/en/calls/office/": OFFICE,
    "/en/calls/office/rulesets/": OFFICE,
    "/en/calls/office/calls/new/": {Role.MANAGER},
    "/en/calls/office/calls/{call}/": OFFICE,
    "/en/calls/office/calls/{call}/export/applications.csv": OFFICE,
    "/en/calls/office/requests/{req}/": OFFICE,
    "/en/calls/body/requests/": {Role.BODY_USER},
    "/en/calls/body/requests/new/": {Role.BODY_USER},
}


@pytest.fixture
def objects():
    call = make_call()
    req = StaffingRequestFactory(body__office=call.office, status="submitted")
    return call, req


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_only_its_pages(client, objects, url, role):
    call, req = objects
    body = req.body if role == Role.BODY_USER else None
    login_staff(client, make_staff(role, office=call.office, body=body))
    expected = 200 if role in PAGES[url] else 403
    assert client.get(url.format(call=call.pk, req=req.pk)).status_code == expected


@pytest.mark.parametrize("url", PAGES)
def test_citizens_and_anonymous_are_kept_out(client, objects, url):
    call, req = objects
    url = url.format(call=call.pk, req=req.pk)
    assert client.get(url).status_code == 302
    client.force_login(CitizenFactory(password=None))
    assert client.get(url).status_code in (302, 403)
