"""Fixtures and helpers shared by the real-peer engine tests (import them into a test module)."""

import asyncio
import errno
import socket

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from sportello.switchboard.engine.embedded import start_embedded
from sportello.switchboard.models import Call
from tests.switchboard.engine.conftest import (
    RTP_SHIFT,
    SCENARIOS,
    XDIST_WORKERS,
    Sipp,
    free_port,
)


async def start_engine():
    """`start_embedded` on a port that was free a moment ago: another process (an xdist worker,
    a peer, an outgoing connection) may take it before the engine binds it, so a taken port is
    tried again with another."""
    for attempt in range(5):
        try:
            return await start_embedded(sip_port=free_port())
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or attempt == 4:
                raise


@pytest.fixture
async def engine(switchboard_settings):
    running = await start_engine()
    yield running.engine
    await running.stop()
    await sync_to_async(connections.close_all)()


@pytest.fixture
def sipp(engine, tmp_path):
    return Sipp(tmp_path, engine.endpoint.local_address("udp")[1])


def scenario_variant(workdir, scenario: str, name: str, old: str, new: str, count=1) -> str:
    """A copy of ``scenario`` in ``workdir`` with ``old`` replaced by ``new`` (the last
    ``count`` times); its path, for `Sipp.run` or `Sipp.answer`."""
    head, *tails = (SCENARIOS / scenario).read_text().rsplit(old, count)
    path = workdir / name
    path.write_text(new.join([head, *tails]))
    return str(path)


def caller_hangs_up(call) -> None:
    """Tell a caller running trunk_transferred.xml to hang up now, so that a test ends the call
    once it has seen what it came for instead of waiting out the caller's timer: a MESSAGE in
    the caller's dialog, sent once from a socket of the test's own (the scenario never answers
    it and the engine never sends a MESSAGE)."""
    request = call.caller_dialog.create_request(
        "MESSAGE", body=b"hang up", content_type="text/plain"
    )
    source = call.invite.source
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(request.to_bytes(), (source.host, source.port))


async def wait_until(predicate, attempts=300, delay=0.1):
    for _ in range(attempts):
        if await sync_to_async(predicate)():
            return
        await asyncio.sleep(delay)
    raise AssertionError("condition never became true")


async def reload(engine):
    from sportello.switchboard.engine import config

    engine.config = await sync_to_async(config.load)()
    for queue in engine.config.queues_by_id.values():
        if queue.id not in engine.acd._queues:
            engine.acd.add_queue(queue.acd)


def media_port() -> int:
    """A free port for a SIPp peer's RTP, outside every rtpengine range the tests use (40000-49999,
    shifted for each pytest-xdist worker): rtpengine binds its ports with address reuse, so a peer
    inside its range can steal packets."""
    port = free_port()
    while 40000 <= port < 40000 + RTP_SHIFT * XDIST_WORKERS:
        port = free_port()
    return port


def media_args(*extra: str) -> tuple[str, ...]:
    """A caller's own SIP and media ports."""
    return ("-p", str(free_port()), "-mi", "127.0.0.1", "-mp", str(media_port()), *extra)


QUEUE_ONLY = {"start": "jobs", "nodes": {"jobs": {"type": "queue", "skill": "jobs"}}}


async def connected_call(engine):
    """The first call connected to an agent (waits up to 30 s)."""
    for _ in range(300):
        if live := [c for c in engine.calls.values() if c.connected.is_set()]:
            return live[0]
        await asyncio.sleep(0.1)
    raise AssertionError("no call was connected to an agent")


async def open_desktop(chromium, web: str, session: str, viewport=None):
    """An agent's desktop in a browser context of its own, connected to the engine."""
    context = await chromium.new_context(viewport=viewport or {"width": 1280, "height": 1000})
    await context.add_cookies([{"name": "sessionid", "value": session, "url": web}])
    # Django renders a 404 on an executor thread whose DB connection outlives the test.
    await context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page = await context.new_page()
    await page.goto(f"{web}/en/switchboard/desktop/")
    await page.get_by_text("Connected.").wait_for()
    return context, page


async def call_ended() -> bool:
    """The call record was closed (for the browser tests' asynchronous ``wait_until``)."""
    return await sync_to_async(Call.objects.filter(ended_at__isnull=False).exists)()
