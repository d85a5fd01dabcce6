"""The desktop and live-view WebSockets: who may connect, and what they relay."""

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.test import Client

from sportello.accounts.roles import Role
from sportello.asgi import application
from sportello.switchboard.engine import events
from sportello.switchboard.engine.browser import COMMANDS, agent_group
from sportello.switchboard.models import Agent
from tests.factories import login_staff, make_staff
from tests.switchboard.websocket import WebsocketCommunicator

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def _session_cookie(user, verified=True) -> str:
    client = Client()
    login_staff(client, user, verified=verified)
    return client.cookies["sessionid"].value


async def _socket(path: str, user=None, verified=True) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
    if user is not None:
        cookie = await sync_to_async(_session_cookie)(user, verified)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


def _agent_user(role=Role.AGENT):
    user = make_staff(role)
    agent = Agent.objects.create(user=user, sip_username=f"a{user.pk}", languages=["it"])
    return user, agent


async def _refused(communicator) -> bool:
    connected, code = await communicator.connect()
    await communicator.disconnect()
    return not connected and code == 4403


async def test_the_agent_socket_refuses_anonymous_unverified_and_other_roles():
    assert await _refused(await _socket("/ws/agent/"))
    user, _agent = await sync_to_async(_agent_user)()
    assert await _refused(await _socket("/ws/agent/", user, verified=False))
    supervisor, _ = await sync_to_async(_agent_user)(Role.SUPERVISOR)
    assert await _refused(await _socket("/ws/agent/", supervisor))


async def test_the_agent_socket_relays_commands_and_engine_messages():
    user, agent = await sync_to_async(_agent_user)()
    layer = get_channel_layer()
    socket = await _socket("/ws/agent/", user)
    connected, _ = await socket.connect()
    assert connected
    assert await layer.receive(COMMANDS) == {"type": "connected", "agent": agent.id}

    await socket.send_json_to({"type": "state", "state": "available", "agent": 999})
    command = await layer.receive(COMMANDS)
    assert command == {"type": "state", "agent": agent.id, "state": "available", "reason": ""}
    await socket.send_json_to({"type": "answer", "call": "c-1", "sdp": "v=0"})
    command = await layer.receive(COMMANDS)
    assert command == {"type": "answer", "agent": agent.id, "call": "c-1", "sdp": "v=0"}
    await socket.send_json_to({"type": "shutdown"})
    assert (await socket.receive_json_from())["type"] == "error"

    offer = {"type": "agent.offer", "call": "c-2", "sdp": "v=0", "caller": "0165"}
    await layer.group_send(agent_group(agent.id), offer)
    assert await socket.receive_json_from() == offer
    await socket.disconnect()
    assert await layer.receive(COMMANDS) == {"type": "disconnected", "agent": agent.id}


async def test_the_supervisor_socket_streams_engine_events_to_supervisors_only():
    agent_user, _ = await sync_to_async(_agent_user)()
    assert await _refused(await _socket("/ws/supervisor/", agent_user))
    supervisor = await sync_to_async(make_staff)(Role.SUPERVISOR)
    socket = await _socket("/ws/supervisor/", supervisor)
    connected, _ = await socket.connect()
    assert connected
    await events.send("agent.state", agent=7, state="paused", reason="break")
    assert await socket.receive_json_from() == {
        "kind": "agent.state",
        "agent": 7,
        "state": "paused",
        "reason": "break",
    }
    await socket.disconnect()


async def test_dial_is_relayed_in_e164_and_a_bad_number_never_reaches_the_engine():
    user, agent = await sync_to_async(_agent_user)()
    layer = get_channel_layer()
    socket = await _socket("/ws/agent/", user)
    assert (await socket.connect())[0]
    assert (await layer.receive(COMMANDS))["type"] == "connected"
    await socket.send_json_to({"type": "dial", "number": "call me maybe"})
    assert await socket.receive_json_from() == {"type": "dial.refused", "reason": "invalid_number"}
    await socket.send_json_to({"type": "dial", "number": "333 123 4567"})
    command = await layer.receive(COMMANDS)
    assert command == {"type": "dial", "agent": agent.id, "number": "+393331234567"}
    await socket.disconnect()
