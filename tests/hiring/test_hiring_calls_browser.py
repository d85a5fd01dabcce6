"""Correcting a published call in real Chromium: accessible, and the locked facts are shown."""

import pytest
from playwright.sync_api import expect

from sportello.accounts.roles import Role
from sportello.hiring.models import Call
from tests.browser.test_browser_hiring import _log_in
from tests.factories import make_staff
from tests.hiring.factories import make_call

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_corrects_a_published_title_with_the_keyboard(
    page, live_server, assert_accessible
):
    call = make_call(title="Operai")
    _log_in(page, live_server, make_staff(Role.MANAGER, office=call.office))
    page.goto(f"{live_server.url}/en/calls/office/calls/{call.pk}/")
    page.get_by_role("link", name="Correct the title and description").click()
    expect(page.locator("h1")).to_have_text("Correct the title and description")
    assert "Rule set:" in page.locator(".alert-info").inner_text()
    assert_accessible(page)
    page.get_by_label("Title (Italian)").fill("Operai comunali")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/en/calls/office/calls/{call.pk}/")
    assert Call.objects.get(pk=call.pk).title["it"] == "Operai comunali"
    assert_accessible(page)
