"""The help desk in real Chromium: booking journey and tutorial player, keyboard only, axe-clean."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sportello.helpdesk import demo, media
from sportello.helpdesk.models import Booking, Caption, Tutorial
from tests.helpdesk.factories import PlaceFactory, make_mediator

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["it", "fr", "ca", "es", "en"]
CAPTIONS = "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nOpen the app.\n\n00:00:01.000 --> 00:00:02.000\nTap Log in.\n"
CHAPTERS = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nStart\n"


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until `selector` has the focus: proves it is reachable by keyboard."""
    target = page.locator(selector).first
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_citizen_books_with_the_keyboard_alone(
    page, live_server, assert_accessible, lang, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    place = PlaceFactory()
    make_mediator(place, languages=LANGUAGES)
    page.goto(f"{live_server.url}/{lang}/help/book/")
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)
    assert page.locator("#id_language").input_value() == lang
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/help/book/times/**")
    assert_accessible(page)

    tab_to(page, "input[name=slot]")
    page.keyboard.press("Space")
    chosen = page.locator("input[name=slot]:checked").get_attribute("value")
    tab_to(page, "#id_name")
    page.keyboard.type("Maria Bianchi")
    tab_to(page, "#id_phone")
    page.keyboard.type("not a phone")
    tab_to(page, "#id_email")
    page.keyboard.type("maria@example.org")
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    page.locator("#id_phone_error").wait_for()
    assert page.locator("#id_phone").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    assert not Booking.objects.exists()

    page.locator(f"input[name=slot][value='{chosen}']").check()  # the choice survives the error
    page.locator("#id_phone").fill("")
    tab_to(page, "#id_phone")
    page.keyboard.type("333 123 4567")
    tab_to(page, "form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/help/b/**")
    assert_accessible(page)
    made = Booking.objects.get()
    assert made.language == lang and made.phone == "+393331234567" and made.status == "booked"
    assert place.address in page.content()

    tab_to(page, "a[href*='/help/cancel/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/help/cancel/**")
    assert_accessible(page)
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)
    made.refresh_from_db()
    assert made.status == "cancelled"


@pytest.fixture
def tutorial(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    tutorial = Tutorial.objects.create(slug="spid-login", title="SPID", need="spid")
    source = tmp_path / "demo.mp4"
    assert demo.make_demo_video(source)
    with source.open("rb") as handle:
        from django.core.files import File

        tutorial.source.save("source.mp4", File(handle))
    media.process(tutorial)
    for code in LANGUAGES:
        Caption.objects.create(tutorial=tutorial, language=code, kind="captions", text=CAPTIONS)
        Caption.objects.create(tutorial=tutorial, language=code, kind="chapters", text=CHAPTERS)
    assert tutorial.status == "ready"
    return tutorial


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_tutorial_player_is_accessible_and_works_with_the_keyboard(
    page, live_server, assert_accessible, lang, tutorial
):
    page.goto(f"{live_server.url}/{lang}/help/tutorials/")
    assert_accessible(page)
    tab_to(page, "main a[href*='/help/tutorials/spid-login/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/help/tutorials/spid-login/")
    page.locator(".playback-speed:not([hidden])").wait_for()  # shown by the script
    assert_accessible(page)
    video = page.locator("#tutorial-video")
    video.evaluate(
        "v => v.readyState >= 1 || new Promise(r => v.addEventListener('loadedmetadata', r, {once: true}))"
    )
    assert video.evaluate("v => v.duration") == pytest.approx(2, abs=0.2)
    default_track = page.locator(f"track[kind=captions][srclang={lang}]")
    assert default_track.get_attribute("default") is not None
    assert "Open the app." in page.locator(".transcript").inner_text()

    tab_to(page, "#playback-speed")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("document.getElementById('tutorial-video').playbackRate === 1.25")
    tab_to(page, "a[download]")
    assert "download=1" in page.locator("a[download]").get_attribute("href")


def test_the_statistics_page_draws_charts_from_its_tables(page, live_server, assert_accessible):
    from django.test import Client

    from sportello.accounts.roles import Role
    from tests.factories import login_staff, make_staff

    place = PlaceFactory()
    mediator = make_mediator(place)
    start = timezone.now() - timedelta(days=2)
    Booking.objects.create(
        mediator=mediator,
        place=place,
        start=start,
        end=start,
        need="spid",
        language="it",
        channel="phone",
        name="X",
        status="done",
        outcomes=["spid_obtained"],
        duration_minutes=30,
    )
    client = Client()
    login_staff(client, make_staff(Role.COORDINATOR, office=place.office))
    host = live_server.url.split("//")[1].split(":")[0]
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    page.goto(f"{live_server.url}/en/help/staff/statistics/")
    page.locator("canvas[data-chart-for='table-need']").wait_for()
    page.wait_for_function(
        "window.Chart && Chart.getChart(document.querySelector(\"canvas[data-chart-for='table-need']\"))"
    )
    assert page.locator(".stats-chart:not([hidden])").count() >= 1
    assert page.locator("#table-need").is_visible()
    assert_accessible(page)
