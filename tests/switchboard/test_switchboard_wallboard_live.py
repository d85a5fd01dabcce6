"""The live wallboard: engine events reach supervisors' sockets and the page within a second,
per-queue pauses by reason, per-agent rows, threshold timing, and who sees which agents."""

import asyncio
import re
import threading

import pytest
import uvicorn
from asgiref.sync import sync_to_async
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from sportello.accounts.roles import Role
from sportello.audit.models import AuditEvent
from sportello.switchboard.engine import events
from sportello.switchboard.models import AgentSkill, AgentStateChange, PauseReason, QueueEntry
from sportello.switchboard.reports import wallboard
from tests.conftest import axe_violations
from tests.factories import OfficeFactory, login_staff, make_staff
from tests.switchboard.engine.conftest import free_port
from tests.switchboard.reports.helpers import make_agent, make_entry, make_queue, state
from tests.switchboard.websocket import WebsocketCommunicator

State = AgentStateChange.State
DATA = "/en/switchboard/wallboard/data/"


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def _session_cookie(user) -> str:
    client = Client()
    login_staff(client, user)
    return client.cookies["sessionid"].value


async def _supervisor_socket(role=Role.SUPERVISOR) -> WebsocketCommunicator:
    from sportello.asgi import application

    user = await sync_to_async(make_staff)(role)
    cookie = await sync_to_async(_session_cookie)(user)
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1"),
               (b"cookie", f"sessionid={cookie}".encode())]  # fmt: skip
    return WebsocketCommunicator(application, "/ws/supervisor/", headers=headers)


# -- the socket --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMINISTRATOR])
async def test_an_engine_event_reaches_the_wallboard_socket_without_the_callers_number(role):
    socket = await _supervisor_socket(role)
    connected, _ = await socket.connect()
    assert connected
    await events.send("call.started", call="c-1", caller="+393331234567")
    assert await socket.receive_json_from() == {"kind": "call.started", "call": "c-1"}
    await events.send("agent.state", agent=7, state="paused", reason="lunch")
    assert (await socket.receive_json_from())["state"] == "paused"
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_other_staff_cannot_open_the_wallboard_socket():
    socket = await _supervisor_socket(Role.OPERATOR)
    assert await socket.connect() == (False, 4403)


# -- the figures -------------------------------------------------------------------------------


@pytest.fixture
def supervisor(client):
    login_staff(client, make_staff(Role.SUPERVISOR))
    return client


def _skilled(queue, name):
    agent = make_agent(name)
    agent.user.display_name = name.title()
    agent.user.save()
    AgentSkill.objects.create(agent=agent, skill=queue.skill)
    return agent


@pytest.mark.django_db
def test_paused_agents_are_counted_by_reason_and_listed_with_time_in_state(supervisor):
    q = make_queue("lavoro-it")
    PauseReason.objects.create(code="lunch", label="Lunch")
    anna, bruno, carla, dario = (_skilled(q, n) for n in ("anna", "bruno", "carla", "dario"))
    now = timezone.now()
    AgentStateChange.objects.create(agent=anna, state=State.AVAILABLE, reason="login",
                                    at=now - timezone.timedelta(seconds=90))  # fmt: skip
    for agent in (bruno, carla):
        AgentStateChange.objects.create(agent=agent, state=State.PAUSED, reason="lunch", at=now)
    AgentStateChange.objects.create(agent=dario, state=State.PAUSED, reason="supervisor", at=now)
    make_entry(q, now - timezone.timedelta(minutes=5), 4, agent=anna, talk=60, wrap=10)
    make_agent("eva")  # no skill of a queue shown here, never listed

    data = supervisor.get(DATA).json()
    [board] = data["queues"]
    assert board["agents"]["paused"] == 3
    assert board["paused_by_reason"] == [
        {"reason": "Lunch", "agents": 2},
        {"reason": "Set by a supervisor", "agents": 1},
    ]
    rows = {row["name"]: row for row in data["agents"]}
    assert set(rows) == {"Anna", "Bruno", "Carla", "Dario"}
    assert rows["Anna"]["label"] == "Available" and rows["Anna"]["handled"] == 1  # no "(login)"
    assert 90 <= rows["Anna"]["in_state"] < 3600
    assert rows["Bruno"]["label"] == "Paused (Lunch)" and rows["Bruno"]["handled"] == 0

    state(anna, State.OFFLINE, timezone.now())
    assert "Anna" not in {row["name"] for row in supervisor.get(DATA).json()["agents"]}
    page = supervisor.get("/en/switchboard/wallboard/").text
    assert "Paused (Lunch)" in page and "Set by a supervisor" in page
    assert 'data-poll="30"' in page and "<script>" not in page


@pytest.mark.django_db
def test_an_office_supervisor_sees_only_the_agents_of_their_queues(client):
    office, other = OfficeFactory(), OfficeFactory()
    mine, theirs = make_queue("lavoro-it"), make_queue("lavoro-fr", language="fr")
    mine.office, theirs.office = office, other
    mine.save(), theirs.save()
    for queue, name in ((mine, "anna"), (theirs, "bruno")):
        state(_skilled(queue, name), State.AVAILABLE, timezone.now())
    login_staff(client, make_staff(Role.SUPERVISOR, office=office))
    data = client.get(DATA).json()
    assert [q["code"] for q in data["queues"]] == ["lavoro-it"]
    assert [a["name"] for a in data["agents"]] == ["Anna"]


@pytest.mark.django_db
def test_an_office_supervisor_watches_and_changes_only_their_agents(client):
    office, other = OfficeFactory(), OfficeFactory()
    mine, theirs = make_queue("lavoro-it"), make_queue("lavoro-fr", language="fr")
    mine.office, theirs.office = office, other
    mine.save(), theirs.save()
    anna, bruno = _skilled(mine, "anna"), _skilled(theirs, "bruno")
    for queue in (mine, theirs):
        entry = make_entry(queue, timezone.now(), 0)
        QueueEntry.objects.filter(pk=entry.pk).update(left_at=None, outcome="")
    login_staff(client, make_staff(Role.SUPERVISOR, office=office))
    tables = client.get("/en/switchboard/live/?part=1").text
    assert "Anna" in tables and "Bruno" not in tables
    assert tables.count("<td>lavoro-it</td>") == 1 and "lavoro-fr" not in tables
    url = "/en/switchboard/live/state/"
    assert client.post(url, {"agent": bruno.pk, "state": "offline"}).status_code == 404
    assert client.post(url, {"agent": "x", "state": "offline"}).status_code == 404
    response = client.post(url, {"agent": anna.pk, "state": "on_call"}, follow=True)
    assert "Choose a state from the list." in response.text
    assert not AuditEvent.objects.filter(action="switchboard.agent_state_forced").exists()
    assert client.post(url, {"agent": anna.pk, "state": "offline"}).status_code == 302
    assert AuditEvent.objects.get(action="switchboard.agent_state_forced").details == {
        "state": "offline"
    }


@pytest.mark.parametrize(
    ("waited", "threshold", "due"), [(5, 20, 15), (20, 20, 0), (30, 20, 30), (61, 20, None)]
)
def test_the_page_knows_when_the_longest_wait_changes_status(waited, threshold, due):
    assert wallboard.next_wait_change(waited, threshold) == due


@pytest.mark.django_db
def test_the_json_says_when_a_waiting_callers_status_will_change(supervisor):
    q = make_queue("lavoro-it", threshold=20)
    entry = make_entry(q, timezone.now() - timezone.timedelta(seconds=5), 0)
    QueueEntry.objects.filter(pk=entry.pk).update(left_at=None, outcome="")
    [board] = supervisor.get(DATA).json()["queues"]
    assert board["wait_status"]["level"] == "ok"
    assert 10 <= board["next_status_change"] <= 15
    QueueEntry.objects.filter(pk=entry.pk).update(left_at=timezone.now(), outcome="abandoned")
    [board] = supervisor.get(DATA).json()["queues"]
    assert board["next_status_change"] is None


@pytest.mark.django_db
def test_pages_explain_live_updates_and_thresholds_in_words(supervisor):
    live = supervisor.get("/en/switchboard/live/").text
    assert "Connection lost: reconnecting" in live and "supervisor-feed.js" in live
    assert 'data-poll="30"' in live
    assert "<script>" not in live
    help_page = supervisor.get("/en/switchboard/reports/help/").text
    assert "Warning: up to 20 points below it. Alert: lower than that." in help_page


@pytest.mark.django_db
def test_an_agent_cannot_read_the_wallboard(client):
    login_staff(client, make_staff(Role.AGENT))
    assert client.get(DATA).status_code == 403
    assert client.get("/en/switchboard/wallboard/").status_code == 403


# -- in Chromium -------------------------------------------------------------------------------


class AsgiServer:
    """uvicorn in a thread of its own (the sync Playwright owns the test thread's event loop);
    the test publishes events on the server's loop, where its in-memory channel layer lives."""

    def __init__(self) -> None:
        from sportello.asgi import application

        self.port = free_port(kind=1)
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(application, host="127.0.0.1", port=self.port, lifespan="off",
                                ws="websockets-sansio", log_level="warning")  # fmt: skip
        self.server = uvicorn.Server(config)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self.server.serve())

    def start(self) -> None:
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            self.thread.join(0.05)

    def publish(self, kind: str, **data) -> None:
        asyncio.run_coroutine_threadsafe(events.send(kind, **data), self.loop).result()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join()
        if not self.loop.is_closed():
            self.loop.close()


@pytest.fixture
def asgi_server(settings):
    # a lost event would only show after an hour: what the page shows came over the socket
    settings.SWITCHBOARD_WALLBOARD_POLL_SECONDS = 3600
    server = AsgiServer()
    server.start()
    yield server
    server.stop()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
# WhiteNoise serves static files with a sync iterator; Django warns under ASGI.
@pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous")
def test_the_wallboard_shows_an_engine_event_without_waiting_for_the_poll(page, asgi_server):
    q = make_queue("lavoro-it", threshold=20)
    anna = _skilled(q, "anna")
    state(anna, State.AVAILABLE, timezone.now())
    user = make_staff(Role.SUPERVISOR)
    page.context.add_cookies([{"name": "sessionid", "value": _session_cookie(user),
                               "url": asgi_server.url}])  # fmt: skip
    # Django renders a 404 outside the request's thread under ASGI and never closes the database
    # connection its page opened there; the database could then not be dropped after the tests.
    page.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    reads = []
    page.on("request", lambda r: reads.append(r.url) if "/wallboard/data/" in r.url else None)

    page.goto(f"{asgi_server.url}/en/switchboard/wallboard/")
    expect(page.locator("[data-feed-status]")).to_have_text(re.compile("^Live"))
    card = page.locator('[data-queue="lavoro-it"]')
    expect(card.locator('[data-agents="available"]')).to_have_text("1")
    assert axe_violations(page, asgi_server.url) == []

    # as the engine does it: the row first, then the event
    AgentStateChange.objects.create(agent=anna, state=State.PAUSED, reason="lunch",
                                    at=timezone.now())  # fmt: skip
    asgi_server.publish("agent.state", agent=anna.id, state="paused", reason="lunch")
    expect(card.locator('[data-agents="paused"]')).to_have_text("1")
    expect(card.locator('[data-agents="available"]')).to_have_text("0")
    expect(page.locator(f'tr[data-agent="{anna.id}"] td').first).to_have_text("Paused (lunch)")

    # a caller waiting past the queue's target: the status says so in text, and is announced
    entry = make_entry(q, timezone.now() - timezone.timedelta(seconds=200), 0)
    QueueEntry.objects.filter(pk=entry.pk).update(left_at=None, outcome="")
    asgi_server.publish("queue.entered", call=str(entry.call_id), queue=q.id)
    expect(card.locator('[data-field="waiting"]')).to_have_text("1")
    wait_status = card.locator('[data-status="wait_status"]')
    expect(wait_status).to_have_class(re.compile(r"\bstatus-alert\b"))
    expect(wait_status).to_have_text("Alert")
    expect(page.locator("[data-announce]")).to_contain_text("lavoro-it, Longest wait: Alert")
    assert len(reads) >= 3  # on connecting, then once per event
    assert axe_violations(page, asgi_server.url) == []


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous")
def test_the_live_view_follows_events_and_keeps_the_keyboard_focus(page, asgi_server):
    q = make_queue("lavoro-it")
    anna = _skilled(q, "anna")
    state(anna, State.AVAILABLE, timezone.now())
    user = make_staff(Role.SUPERVISOR)
    page.context.add_cookies([{"name": "sessionid", "value": _session_cookie(user),
                               "url": asgi_server.url}])  # fmt: skip
    page.context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.goto(f"{asgi_server.url}/en/switchboard/live/")
    expect(page.locator("#live-status")).to_have_text(re.compile("^Live"))
    row = page.locator(f'tr[data-agent="{anna.id}"]')
    expect(row.locator("td").nth(1)).to_have_text("Available")
    page.get_by_role("button", name="Apply Anna").focus()

    AgentStateChange.objects.create(agent=anna, state=State.PAUSED, reason="lunch",
                                    at=timezone.now())  # fmt: skip
    asgi_server.publish("agent.state", agent=anna.id, state="paused", reason="lunch")
    expect(row.locator("td").nth(1)).to_have_text("Paused (lunch)")
    expect(page.get_by_role("button", name="Apply Anna")).to_be_focused()
    assert axe_violations(page, asgi_server.url) == []

    asgi_server.stop()  # the socket drops: the page says so in words
    expect(page.locator("#live-status")).to_have_text(re.compile("^Connection lost: reconnecting"))
