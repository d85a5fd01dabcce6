import os
import time
import types
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from tests.factories import login_staff  # noqa: F401  (re-exported for test modules)

# pytest-xdist's worker number ("gw0", "gw1", ...); 0 when the suite runs in one process.
XDIST_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


def pytest_configure(config):
    """Each pytest-xdist worker uses its own Redis database, the one numbered REDIS_URL's plus the
    worker's number: the tests flush the cache and share channel groups. Subprocesses inherit it."""
    if XDIST_WORKER == 0 or not settings.REDIS_URL:
        return
    url = urlsplit(settings.REDIS_URL)
    database = int(url.path.strip("/") or 0) + XDIST_WORKER
    worker_url = url._replace(path=f"/{database}").geturl()
    os.environ["REDIS_URL"] = settings.REDIS_URL = worker_url
    settings.CACHES["default"]["LOCATION"] = worker_url
    settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [worker_url]


@pytest.fixture(autouse=True)
def _isolated(settings, request):
    """Each test starts with an empty cache (rate limits, lockouts), tasks run inline, and in the
    default language: a request in another language leaves it active in the thread after it."""
    translation.activate(settings.LANGUAGE_CODE)
    cache.clear()
    if "real_task_worker" not in request.keywords:
        settings.TASKS = {
            "default": {
                "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                "QUEUES": ["default", "email", "media"],
            }
        }
    yield
    cache.clear()
    translation.deactivate()


@pytest.fixture
def rate_window_held(monkeypatch):
    """django-ratelimit counts in fixed windows of wall-clock time: a test crossing a window's
    edge (a minute boundary on a slow machine) would see its count start again. Hold its clock."""
    from django_ratelimit import core

    now = time.time()
    monkeypatch.setattr(core, "time", types.SimpleNamespace(time=lambda: now))


# -- real Chromium (Playwright) with axe-core --------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
AXE_URL = "/static/vendor/axe-core/axe.min.js"

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between page actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module: a sync Playwright must not outlive the module, or it would
    keep an event loop running under the asyncio tests that follow."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page, live_server_url: str) -> list[dict]:
    """Serious and critical axe-core violations on the current page."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=live_server_url + AXE_URL)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def assert_accessible(live_server):
    def check(page):
        violations = axe_violations(page, live_server.url)
        assert violations == [], f"{page.url}: {violations}"

    return check
