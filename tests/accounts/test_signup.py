import re

import pytest
from django.core import mail, signing

from sportello.accounts.models import User
from sportello.accounts.services import VERIFY_SALT, verification_token
from tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "given_name": "Giulia",
    "family_name": "Bianchi",
    "email": "Giulia@Example.org",
    "password": "a long enough passphrase",
    "password_again": "a long enough passphrase",
    "privacy": "on",
}


def test_it_creates_an_unverified_citizen_and_mails_a_link(client):
    response = client.post("/en/account/signup/", GOOD)
    assert response.status_code == 302
    user = User.objects.get(email="giulia@example.org")
    assert user.email_verified is False
    assert user.citizen.family_name == "Bianchi"
    assert user.language == "en"
    assert len(mail.outbox) == 1
    assert "/en/account/verify/" in mail.outbox[0].body


def test_it_verifies_the_email_from_the_link(client):
    client.post("/en/account/signup/", GOOD)
    link = re.search(r"/en/account/verify/\S+/", mail.outbox[0].body).group(0)
    response = client.get(link)
    assert response.status_code == 302
    assert User.objects.get(email="giulia@example.org").email_verified


def test_it_refuses_an_expired_link(client, settings):
    user = CitizenFactory(email_verified=False)
    token = verification_token(user)
    settings.EMAIL_VERIFICATION_MAX_AGE = -1
    response = client.get(f"/en/account/verify/{token}/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified is False


def test_it_refuses_a_tampered_link(client):
    user = CitizenFactory(email_verified=False)
    token = signing.dumps({"u": user.pk + 1, "e": user.email}, salt=VERIFY_SALT) + "x"
    assert client.get(f"/en/account/verify/{token}/").status_code == 400


def test_a_duplicate_email_creates_nothing_and_does_not_reveal_the_account(client):
    CitizenFactory(email="giulia@example.org", language="en")
    response = client.post("/en/account/signup/", GOOD)
    assert response.status_code == 302  # same page as a new sign-up
    assert User.objects.filter(email="giulia@example.org").count() == 1
    assert "you already have one" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password_again": "something else entirely"}, "password_again"),
        ({"password": "short", "password_again": "short"}, "password"),
        ({"email": "not-an-email"}, "email"),
        ({"given_name": "x" * 5000}, "given_name"),
        ({"privacy": ""}, "privacy"),
    ],
)
def test_it_rejects_bad_input_with_a_clear_message(client, change, field):
    response = client.post("/en/account/signup/", {**GOOD, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Please correct the errors below." in response.content.decode()
    assert User.objects.count() == 0


def test_it_translates_errors(client):
    response = client.post("/it/account/signup/", {**GOOD, "password_again": "different one!"})
    assert "Le due password sono diverse." in response.content.decode()


def test_it_requires_csrf(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/en/account/signup/", GOOD)
    assert response.status_code == 403
    assert User.objects.count() == 0


def test_it_rate_limits_sign_up(client, settings, rate_window_held):
    for i in range(5):
        client.post("/en/account/signup/", {**GOOD, "email": f"p{i}@example.org"})
    response = client.post("/en/account/signup/", {**GOOD, "email": "late@example.org"})
    assert response.status_code == 429
    assert not User.objects.filter(email="late@example.org").exists()
