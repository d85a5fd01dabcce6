"""Transfer commands on the desktop socket: checked on the web side, the sender never spoofed."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from sportello.switchboard.engine import browser_transfer
from sportello.switchboard.engine.browser import COMMANDS, agent_group
from sportello.switchboard.engine.transfer import TransferError
from tests.switchboard.test_switchboard_consumers import _agent_user, _socket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


async def _nothing_reaches_the_engine(layer) -> bool:
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(layer.receive(COMMANDS), 0.3)
    return True


async def test_transfer_commands_reach_the_engine_with_the_sessions_agent():
    user, agent = await sync_to_async(_agent_user)()
    layer = get_channel_layer()
    socket = await _socket("/ws/agent/", user)
    assert (await socket.connect())[0]
    await layer.receive(COMMANDS)  # connected

    await socket.send_json_to({"type": "transfer", "call": "c-1", "target": "agent", "agent": 7})
    assert await layer.receive(COMMANDS) == {
        "type": "transfer", "agent": agent.id, "call": "c-1", "target": "agent", "target_id": 7,
    }  # fmt: skip
    await socket.send_json_to({"type": "consult", "call": "c-1", "target": "number",
                               "number": "011 123 4567"})  # fmt: skip
    assert await layer.receive(COMMANDS) == {
        "type": "consult", "agent": agent.id, "call": "c-1", "target": "number",
        "number": "+390111234567",
    }  # fmt: skip
    await socket.send_json_to({"type": "transfer_complete", "call": "c-1"})
    assert (await layer.receive(COMMANDS))["type"] == "transfer_complete"

    progress = {"type": "agent.transfer", "call": "c-1", "status": "answered"}
    await layer.group_send(agent_group(agent.id), progress)
    assert await socket.receive_json_from() == progress
    await socket.disconnect()


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ({"target": "number", "number": "not a number"}, "bad_number"),
        ({"target": "agent", "agent": "seven"}, "bad_target"),
        ({"target": "agent", "agent": True}, "bad_target"),
        ({"target": "queue", "queue": -3}, "bad_target"),
        ({"target": "everyone"}, "bad_target"),
    ],
)
async def test_a_malformed_transfer_is_refused_with_a_reason_and_goes_nowhere(command, reason):
    user, _agent = await sync_to_async(_agent_user)()
    layer = get_channel_layer()
    socket = await _socket("/ws/agent/", user)
    assert (await socket.connect())[0]
    await layer.receive(COMMANDS)

    await socket.send_json_to({"type": "transfer", "call": "c-1", **command})
    assert await socket.receive_json_from() == {
        "type": "agent.transfer", "call": "c-1", "status": "refused", "reason": reason,
    }  # fmt: skip
    assert await _nothing_reaches_the_engine(layer)
    await socket.disconnect()


def test_clean_keeps_only_what_the_engine_needs():
    assert browser_transfer.clean("targets", {"call": "x", "evil": 1}) == {}
    assert browser_transfer.clean("transfer", {"target": "queue", "queue": "12"}) == {
        "target": "queue", "target_id": 12,
    }  # fmt: skip
    with pytest.raises(TransferError):
        browser_transfer.clean("consult", {"target": "number", "number": ""})
