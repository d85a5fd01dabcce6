import re

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from sportello.accounts.models import User
from sportello.accounts.roles import Role
from sportello.audit.models import AuditEvent
from tests.factories import PASSWORD, CitizenFactory, make_staff

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["it", "fr", "ca", "es", "en"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_serves_accessible_public_pages(page, live_server, assert_accessible, lang):
    for path in [
        "",
        "account/login/",
        "account/signup/",
        "accessibility/",
        "account/password/reset/",
    ]:
        page.goto(f"{live_server.url}/{lang}/{path}")
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)


def test_it_switches_language_with_the_switcher(page, live_server):
    page.goto(f"{live_server.url}/it/account/login/")
    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/account/login/$"))
    assert page.locator("html").get_attribute("lang") == "fr"


def test_a_citizen_signs_up_verifies_and_edits_the_profile(page, live_server, assert_accessible):
    page.goto(f"{live_server.url}/en/account/signup/")
    page.get_by_label("Given name").fill("Giulia")
    page.get_by_label("Family name").fill("Bianchi")
    page.get_by_role("textbox", name="E-mail").fill("giulia@example.org")
    page.locator("#id_password").fill("a long enough passphrase")
    page.get_by_label("Password again").fill("a long enough passphrase")
    page.locator("label[for=id_privacy]").click()
    page.get_by_role("button", name="Create the account").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()

    link = re.search(r"http://\S+/verify/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    page.get_by_role("textbox", name="E-mail").fill("giulia@example.org")
    page.locator("#id_password").fill("a long enough passphrase")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="My area").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="My profile").click()
    page.get_by_label("Codice fiscale").fill("RSSMRA85T10A562X")
    page.get_by_role("button", name="Save").click()
    # The click starts a form post; expect() waits for the page it returns.
    expect(page.locator("#id_fiscal_code_error")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Codice fiscale").fill("RSSMRA85T10A562S")
    page.get_by_label("Birth date").fill("1985-12-10")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your profile is saved.").wait_for()
    assert User.objects.get(email="giulia@example.org").citizen.fiscal_code == "RSSMRA85T10A562S"


def test_staff_log_in_with_a_second_factor_and_read_the_audit_log(
    page, live_server, assert_accessible
):
    admin = make_staff(Role.ADMINISTRATOR, email="ada@example.org")
    citizen = CitizenFactory(email="c@example.org")
    page.goto(f"{live_server.url}/en/account/login/")
    page.get_by_role("textbox", name="E-mail").fill("ada@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Second step: code").wait_for()
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    page.locator("#id_code_error").wait_for()

    device = TOTPDevice.objects.get(user=admin)
    device.throttle_reset()  # django-otp slows down guessing after a failure
    page.get_by_label("Code from your authenticator app").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="My area").wait_for()
    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("heading", name="Audit log").wait_for()
    assert_accessible(page)
    assert AuditEvent.objects.filter(actor=admin, action="account.second_factor").exists()
    assert citizen.pk


def test_it_works_at_320_pixels_wide(browser, live_server):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{live_server.url}/it/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320
    context.close()
