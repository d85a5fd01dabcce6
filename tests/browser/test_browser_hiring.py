"""The citizen's hiring journey in real Chromium, checked with axe-core on every page."""

import pytest
from django.utils import timezone

from sportello.hiring.models import Application
from tests.factories import PASSWORD, CitizenFactory
from tests.hiring.factories import make_call

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["it", "fr", "ca", "es", "en"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_serves_accessible_public_call_pages(page, live_server, assert_accessible, lang):
    call = make_call(title="Operai")
    make_call(state="closed", title="Cuochi")
    page.goto(f"{live_server.url}/{lang}/calls/")
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)
    page.goto(f"{live_server.url}/{lang}/calls/?state=open&place=&profile=")
    assert_accessible(page)
    page.locator(f"a[href='/{lang}/calls/{call.pk}/']").click()
    page.get_by_role("heading", level=1).wait_for()
    assert page.url.endswith(f"/{lang}/calls/{call.pk}/")
    assert_accessible(page)


def test_a_citizen_applies_with_the_keyboard_and_gets_a_receipt(
    page, live_server, assert_accessible
):
    call = make_call(title="Operai")
    CitizenFactory(email="lucia@example.org", language="en")
    page.goto(f"{live_server.url}/en/calls/")
    assert_accessible(page)
    page.get_by_role("link", name="Operai (en)").click()
    assert_accessible(page)
    page.get_by_role("link", name="Apply").click()
    page.get_by_role("textbox", name="E-mail").fill("lucia@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Application: Operai (en)").wait_for()
    assert_accessible(page)

    # Keyboard only: focus each field in turn and type; tick the declaration with Space.
    page.locator("#id_birth_date").fill("1980-05-01")  # date pickers vary by locale
    page.locator("#id_isee_value").focus()
    page.keyboard.type("-5")
    page.keyboard.press("Tab")
    page.keyboard.type(str(timezone.localdate().year))
    page.locator("#id_declaration").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Submit the application").focus()
    page.keyboard.press("Enter")
    page.get_by_text("The ISEE cannot be negative.").first.wait_for()
    assert page.locator("#id_isee_value").get_attribute("aria-invalid") == "true"
    assert not Application.objects.exists()
    assert_accessible(page)

    page.locator("#id_isee_value").fill("12000")
    if not page.locator("#id_declaration").is_checked():
        page.locator("#id_declaration").focus()
        page.keyboard.press("Space")
    page.get_by_role("button", name="Submit the application").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="My application: Operai (en)").wait_for()
    app = Application.objects.get()
    assert (app.call, app.status) == (call, "submitted")
    assert page.get_by_text(app.protocol).first.is_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the receipt (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_times_also_show_in_the_visitors_own_time_zone(browser, live_server, assert_accessible):
    call = make_call(title="Operai")
    context = browser.new_context(timezone_id="America/New_York", locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/en/calls/{call.pk}/")
        page.get_by_text("your time:").first.wait_for()
        assert "Italian time" in page.content()
        assert_accessible(page)
    finally:
        context.close()


def _log_in(page, live_server, user) -> None:
    """Put a logged-in, second-factor-verified session cookie into the browser."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device = TOTPDevice.objects.filter(user=user).first()
    if device:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )


def test_staff_and_body_pages_are_accessible(page, live_server, assert_accessible):
    from sportello.accounts.roles import Role
    from sportello.hiring.services.ranking import do_compute
    from tests.factories import make_staff
    from tests.hiring.factories import submit

    call = make_call(state="closed", title="Operai")
    app = submit(call).application
    manager = make_staff(Role.MANAGER, office=call.office)
    do_compute(call, "provisional", by=manager)
    _log_in(page, live_server, manager)
    for path in [
        "office/",
        f"office/calls/{call.pk}/",
        f"office/applications/{app.pk}/",
        "office/rulesets/",
        "office/calls/new/",
        f"office/requests/{call.requests.get().pk}/",
    ]:
        page.goto(f"{live_server.url}/en/calls/{path}")
        assert page.url.endswith(f"/en/calls/{path}")  # not sent to log in
        assert page.locator("h1").count() == 1
        assert_accessible(page)
    page.context.clear_cookies()
    _log_in(page, live_server, make_staff(Role.BODY_USER, body=call.requests.get().body))
    for path in ["body/requests/", "body/requests/new/"]:
        page.goto(f"{live_server.url}/en/calls/{path}")
        assert page.url.endswith(f"/en/calls/{path}")  # not sent to log in
        assert page.locator("h1").count() == 1
        assert_accessible(page)
