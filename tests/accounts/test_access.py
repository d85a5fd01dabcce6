"""Who may see which staff page: every role, a citizen and an anonymous visitor."""

import pytest

from sportello.accounts.roles import Role
from tests.factories import CitizenFactory, login_staff, make_staff

pytestmark = pytest.mark.django_db

# URL → roles allowed. Product apps add their staff pages here as they grow.
STAFF_PAGES = {
    "/en/audit/": {Role.ADMINISTRATOR},
}


@pytest.mark.parametrize("url", STAFF_PAGES)
@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_only_its_pages(client, url, role):
    login_staff(client, make_staff(role))
    expected = 200 if role in STAFF_PAGES[url] else 403
    assert client.get(url).status_code == expected


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_citizens_and_anonymous_are_kept_out(client, url):
    assert client.get(url).status_code == 302  # to login
    client.force_login(CitizenFactory())
    response = client.get(url)
    assert response.status_code in (302, 403)


def test_the_django_admin_is_for_verified_superusers_only(client):
    admin = make_staff(Role.ADMINISTRATOR)
    login_staff(client, admin)
    assert client.get("/en/django-admin/").status_code == 302
    admin.is_superuser = admin.is_staff = True
    admin.save()
    login_staff(client, admin)
    assert client.get("/en/django-admin/").status_code == 200
