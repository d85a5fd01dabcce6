"""Tutorials are linked from the pages they explain, once they are ready."""

import pytest
from django.template import Context, Template

from sportello.accounts.roles import Role
from sportello.audit.models import AuditEvent
from sportello.helpdesk.models import Tutorial
from tests.factories import login_staff, make_staff

pytestmark = pytest.mark.django_db

FORM = {"title": "How to apply", "slug": "apply", "need": "jobs", "description": ""}


@pytest.fixture
def coordinator_client(client):
    login_staff(client, make_staff(Role.COORDINATOR))
    return client


def _tutorial(slug, explains, status=Tutorial.Status.READY, **fields):
    return Tutorial.objects.create(
        slug=slug, title=f"Guide {slug}", need="jobs", explains=explains, status=status, **fields
    )


def test_the_coordinator_chooses_the_page_a_tutorial_explains(coordinator_client):
    response = coordinator_client.post(
        "/en/help/staff/tutorials/new/", {**FORM, "explains": "hiring:apply"}
    )
    assert response.status_code == 302
    made = Tutorial.objects.get(slug="apply")
    assert made.explains == "hiring:apply"
    assert AuditEvent.objects.filter(action="helpdesk.tutorial.saved").exists()


def test_an_unknown_page_is_refused_and_nothing_is_saved(coordinator_client):
    response = coordinator_client.post(
        "/en/help/staff/tutorials/new/", {**FORM, "explains": "hiring:nowhere"}
    )
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert not Tutorial.objects.exists()


def test_the_booking_page_links_its_ready_tutorials_only(client):
    _tutorial("book", "helpdesk:book", duration_seconds=90)
    _tutorial("book-draft", "helpdesk:book", status=Tutorial.Status.PROCESSING)
    _tutorial("apply", "hiring:apply")
    page = client.get("/en/help/book/").content.decode()
    assert 'href="/en/help/tutorials/book/"' in page
    assert "Video guide: Guide book" in page and "90 seconds" in page
    assert "book-draft" not in page and "/help/tutorials/apply/" not in page


def test_any_page_can_show_the_tutorials_that_explain_it():
    _tutorial("apply", "hiring:apply")
    template = Template('{% load helpdesk_tutorials %}{% tutorials_for "hiring:apply" %}')
    assert "/help/tutorials/apply/" in template.render(Context())
    nothing = Template('{% load helpdesk_tutorials %}{% tutorials_for "hiring:call_list" %}')
    assert nothing.render(Context()).strip() == ""


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang", ["it", "fr", "ca", "es", "en"])
def test_the_link_is_accessible_and_reached_with_the_keyboard(
    page, live_server, assert_accessible, lang
):
    _tutorial("book", "helpdesk:book", duration_seconds=90)
    page.goto(f"{live_server.url}/{lang}/help/book/")
    assert_accessible(page)
    link = page.locator(f".tutorial-links a[href='/{lang}/help/tutorials/book/']")
    for _ in range(40):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError("the tutorial link cannot be reached with the Tab key")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/{lang}/help/tutorials/book/")
