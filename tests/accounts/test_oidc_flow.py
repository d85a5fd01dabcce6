"""Citizen login through a real OpenID provider on loopback, and the claims mapping."""

import datetime
import re
from importlib import import_module
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings

from sportello.accounts.models import CitizenProfile, User
from sportello.accounts.oidc import birth_date_from_claims, fiscal_code_from_claims
from tests.factories import CitizenFactory
from tests.oidc_provider import PASSWORD

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def log_in_through_provider(rp_url: str, username: str):
    """Follow the redirects a browser would: RP → provider login → provider → RP callback."""
    agent = requests.Session()
    login_page = agent.get(f"{rp_url}/oidc/authenticate/")
    assert urlsplit(login_page.url).path == "/login/", login_page.url
    landing = agent.post(
        login_page.url,
        data={
            "csrfmiddlewaretoken": CSRF_FIELD.search(login_page.text)[1],
            "username": username,
            "password": PASSWORD,
        },
    )
    assert any(urlsplit(r.url).path == "/oidc/callback/" for r in landing.history)
    return agent, landing


def rp_session(agent: requests.Session) -> dict:
    key = agent.cookies.get(settings.SESSION_COOKIE_NAME)
    return dict(import_module(settings.SESSION_ENGINE).SessionStore(session_key=key).load())


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_citizen_logs_in_with_the_identity_provider(live_server, oidc_settings):
    agent, landing = log_in_through_provider(live_server.url, "mario")

    profile = CitizenProfile.objects.select_related("user").get(fiscal_code="RSSMRA85T10A562S")
    assert (profile.given_name, profile.family_name) == ("Mario", "Rossi")
    assert profile.birth_date == datetime.date(1985, 12, 10)
    assert profile.identity_provider == oidc_settings.issuer
    assert profile.user.email == "mario.rossi@example.org"
    assert profile.user.display_name == "Mario Rossi"
    session = rp_session(agent)
    assert session["_auth_user_id"] == str(profile.user.pk)
    assert session["_auth_user_backend"] == "sportello.accounts.oidc.CitizenOIDCBackend"
    assert landing.url.startswith(live_server.url)
    account = agent.get(f"{live_server.url}/en/account/", allow_redirects=False)
    assert account.status_code == 200


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_logs_in_from_the_login_page_in_a_browser(live_server, oidc_settings, page):
    page.goto(f"{live_server.url}/en/account/login/")
    page.get_by_role("link", name="Log in with SPID or CIE").click()
    page.get_by_label("Username").fill("mario")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.startswith(live_server.url) and "/oidc/" not in url)
    page.goto(f"{live_server.url}/en/account/")

    assert page.get_by_text("Hello Mario Rossi.").is_visible()
    assert CitizenProfile.objects.filter(fiscal_code="RSSMRA85T10A562S").exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_logging_in_again_reuses_the_same_account(live_server, oidc_settings):
    log_in_through_provider(live_server.url, "mario")
    first = User.objects.get(citizen__fiscal_code="RSSMRA85T10A562S")
    agent, _ = log_in_through_provider(live_server.url, "mario")

    assert User.objects.count() == 1
    assert CitizenProfile.objects.count() == 1
    assert rp_session(agent)["_auth_user_id"] == str(first.pk)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_provider_asserting_an_invalid_fiscal_number_is_refused(live_server, oidc_settings):
    agent, landing = log_in_through_provider(live_server.url, "forged")

    assert User.objects.count() == 0
    assert CitizenProfile.objects.count() == 0
    assert "_auth_user_id" not in rp_session(agent)
    assert urlsplit(landing.url).path.endswith("/account/login/")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_password_account_with_the_same_verified_email_is_linked(live_server, oidc_settings):
    account = CitizenFactory(email="mario.rossi@example.org")
    agent, _ = log_in_through_provider(live_server.url, "mario")

    assert User.objects.count() == 1
    account.citizen.refresh_from_db()
    assert account.citizen.fiscal_code == "RSSMRA85T10A562S"
    assert rp_session(agent)["_auth_user_id"] == str(account.pk)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "account",
    [
        {"email_verified": False},  # anyone could have typed that address
        {"profile__fiscal_code": "VRDGPP80A01H501U"},  # another person's account
    ],
)
def test_a_login_does_not_take_over_an_account_it_cannot_own(live_server, oidc_settings, account):
    other = CitizenFactory(email="mario.rossi@example.org", **account)
    agent, _ = log_in_through_provider(live_server.url, "mario")

    assert "_auth_user_id" not in rp_session(agent)
    assert not CitizenProfile.objects.filter(fiscal_code="RSSMRA85T10A562S").exists()
    assert User.objects.get().pk == other.pk


@pytest.mark.parametrize(
    "claims",
    [
        {"fiscal_number": "TINIT-RSSMRA85T10A562S"},
        {"https://attributes.eid.gov.it/fiscal_number": "TINIT-RSSMRA85T10A562S"},
        {"fiscal_number": "tinit-rssmra85t10a562s"},
        {"fiscal_number": "TINIT-RSSMRA 85T10 A562S"},
        {"fiscal_code": "RSSMRA85T10A562S"},
    ],
)
def test_the_fiscal_code_is_read_from_the_claims(claims):
    assert fiscal_code_from_claims(claims) == "RSSMRA85T10A562S"


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"fiscal_number": ""},
        {"fiscal_number": "TINIT-RSSMRA85T10A562X"},
        {"https://attributes.eid.gov.it/fiscal_number": "TINIT-RSSMRA85T10"},
        {"email": "mario.rossi@example.org"},
    ],
)
def test_a_missing_or_invalid_fiscal_code_gives_none(claims):
    assert fiscal_code_from_claims(claims) is None


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"birthdate": "1985-12-10"}, datetime.date(1985, 12, 10)),
        ({"birth_date": "1985-12-10"}, datetime.date(1985, 12, 10)),
        ({"birthdate": "10/12/1985"}, None),
        ({"birthdate": ""}, None),
        ({}, None),
    ],
)
def test_the_birth_date_is_read_from_the_claims(claims, expected):
    assert birth_date_from_claims(claims) == expected
