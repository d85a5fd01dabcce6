import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sportello.accounts.roles import Role
from tests.factories import PASSWORD, CitizenFactory, make_staff

pytestmark = pytest.mark.django_db


def _login(client, email, password=PASSWORD, lang="en"):
    return client.post(f"/{lang}/account/login/", {"email": email, "password": password})


def test_a_verified_citizen_logs_in(client):
    user = CitizenFactory()
    response = _login(client, user.email.upper())
    assert response.status_code == 302
    assert client.get("/en/account/").status_code == 200


def test_a_wrong_password_gives_a_message_that_does_not_reveal_the_account(client):
    CitizenFactory(email="known@example.org")
    known = _login(client, "known@example.org", "wrong password").content.decode()
    unknown = _login(client, "nobody@example.org", "wrong password").content.decode()
    assert "not correct, or the account is temporarily locked" in known
    assert "not correct, or the account is temporarily locked" in unknown


def test_it_locks_the_account_after_repeated_failures(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    user = CitizenFactory()
    for _ in range(3):
        _login(client, user.email, "wrong password")
    response = _login(client, user.email)  # right password, but locked
    assert response.status_code == 200
    assert "temporarily locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_rate_limits_login_attempts(client, rate_window_held):
    for _ in range(10):
        _login(client, "x@example.org", "wrong password")
    assert _login(client, "x@example.org", "wrong password").status_code == 429


def test_an_unverified_citizen_is_asked_to_confirm_and_gets_a_new_link(client):
    user = CitizenFactory(email_verified=False)
    response = _login(client, user.email)
    assert "Please confirm your e-mail first" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1


def test_staff_must_pass_the_second_factor(client):
    agent = make_staff(Role.AGENT)
    response = _login(client, agent.email)
    assert response["Location"].startswith("/en/account/two-factor/")
    audit = client.get("/en/audit/")
    assert audit.status_code == 302 and "two-factor" in audit["Location"]


def test_a_wrong_totp_code_is_refused_and_the_right_one_accepted(client):
    admin = make_staff(Role.ADMINISTRATOR)
    _login(client, admin.email)
    response = client.post("/en/account/two-factor/", {"code": "000000"})
    assert "This code is not valid" in response.content.decode()
    assert client.get("/en/audit/").status_code == 302
    device = TOTPDevice.objects.get(user=admin)
    device.throttle_reset()  # django-otp slows down guessing after a failure
    client.post("/en/account/two-factor/", {"code": f"{totp(device.bin_key):06d}"})
    assert client.get("/en/audit/").status_code == 200


def test_staff_without_a_device_enrol_one(client):
    user = make_staff(Role.OPERATOR)
    TOTPDevice.objects.filter(user=user).delete()
    response = _login(client, user.email)
    assert response["Location"].startswith("/en/account/two-factor/setup/")
    page = client.get("/en/account/two-factor/setup/")
    assert b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post("/en/account/two-factor/setup/", {"code": "123456"})
    assert "This code is not valid" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    done = client.post("/en/account/two-factor/setup/", {"code": f"{totp(device.bin_key):06d}"})
    assert "Your backup codes" in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed


def test_logout_needs_post(client):
    user = CitizenFactory()
    client.force_login(user)
    assert client.get("/en/account/logout/").status_code == 405
    client.post("/en/account/logout/")
    assert "_auth_user_id" not in client.session


def test_it_ignores_an_offsite_next(client):
    user = CitizenFactory()
    response = client.post(
        "/en/account/login/",
        {"email": user.email, "password": PASSWORD, "next": "https://evil.example"},
    )
    assert "evil" not in response["Location"]


def test_password_reset_mails_a_link_only_to_known_accounts(client):
    CitizenFactory(email="known@example.org")
    assert (
        client.post("/en/account/password/reset/", {"email": "known@example.org"}).status_code
        == 302
    )
    assert (
        client.post("/en/account/password/reset/", {"email": "nobody@example.org"}).status_code
        == 302
    )
    assert len(mail.outbox) == 1
    assert "/en/account/password/reset/" in mail.outbox[0].body


def test_an_expired_password_reset_link_is_refused(client):
    response = client.get("/en/account/password/reset/MQ/bad-token/", follow=True)
    assert "This link has expired or was already used." in response.content.decode()
