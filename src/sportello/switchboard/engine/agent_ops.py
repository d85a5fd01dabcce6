"""What an agent does to a call from the desktop: hold, blind transfer, an outbound call.

Hold stops forwarding the caller's audio to the agent and plays music to the caller. A blind
transfer hangs up the agent and puts the caller back in a queue at their original place.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import time
from typing import TYPE_CHECKING

from django.utils import timezone

from sportello.switchboard.acd import AcdStateError
from sportello.switchboard.engine import browser_dial, outbound, records, sdp
from sportello.switchboard.engine.bridge import Bridge
from sportello.switchboard.engine.media.legs import rtp_leg
from sportello.switchboard.engine.media.ng import MediaError
from sportello.switchboard.engine.sip import new_tag
from sportello.switchboard.models import Call

if TYPE_CHECKING:
    from sportello.switchboard.engine.engine import Engine
    from sportello.switchboard.engine.session import InboundCall

log = logging.getLogger(__name__)
MOH_REPEAT = 1000
OUTBOUND_RING_SECONDS = 45.0


def find(engine: Engine, call_id: str) -> InboundCall | None:
    """A live call by SIP Call-ID or by its record's id."""
    if (call := engine.calls.get(call_id)) is not None:
        return call
    return next(
        (c for c in engine.calls.values() if c.record and str(c.record.id) == call_id), None
    )


# -- hold ----------------------------------------------------------------------------------


async def hold(call: InboundCall) -> bool:
    if not call.connected.is_set() or getattr(call, "held_since", None) is not None:
        return False
    ng = call.node.client
    music = call.engine.prompt("music_on_hold", "")
    await ng.block_media(call.id, call.caller_tag)
    await ng.play_media(call.id, call.caller_tag, file=music, repeat_times=MOH_REPEAT)
    call.held_since = time.monotonic()
    await records.call_event("call.held", call.record)
    return True


async def unhold(call: InboundCall) -> bool:
    since = getattr(call, "held_since", None)
    if since is None:
        return False
    call.held_since = None
    ng = call.node.client
    with contextlib.suppress(MediaError):
        await ng.stop_media(call.id, call.caller_tag)
    await ng.unblock_media(call.id, call.caller_tag)
    if call.entry is not None:
        held = call.entry.hold_seconds + (time.monotonic() - since)
        await records.update(call.entry, hold_seconds=held)
    await records.call_event("call.resumed", call.record)
    return True


# -- blind transfer to a queue -------------------------------------------------------------


async def transfer_to_queue(call: InboundCall, queue_id: int) -> bool:
    """Hang up the agent and put the caller in ``queue_id`` with their original entry time."""
    engine = call.engine
    queue = engine.config.queues_by_id.get(queue_id)
    if queue is None or not call.connected.is_set() or call.entry is None:
        return False
    await unhold(call)
    entered = call.entry.entered_at  # the first entry stays answered; its talk ends here
    await records.update(call.entry, talk_seconds=_since(call.record.answered_at))
    await _drop_agent(call)
    with contextlib.suppress(AcdStateError, KeyError):
        engine._run(engine.acd.call_ended(time.monotonic(), call.id))
    call.connected.clear()
    call.agent_id, call.queue = None, queue
    call.outcome = asyncio.get_running_loop().create_future()
    call.entry = await records.queue_entered(call.record, queue.id, entered_at=entered)
    await call._start_music()
    waited = _since(entered)
    now = time.monotonic()
    engine._run(engine.acd.call_arrived(now, call.id, queue.id, enqueued_at=now - waited))
    if (moved := getattr(call, "transferred", None)) is not None:
        moved.set()
    return True


def _since(moment: datetime.datetime | None) -> float:
    return max(0.0, (timezone.now() - moment).total_seconds()) if moment else 0.0


async def _drop_agent(call: InboundCall) -> None:
    """BYE the agent and point rtpengine's agent side at nobody again."""
    engine, dialog = call.engine, call.agent_dialog
    if dialog is not None:
        engine.dialogs.pop(dialog.id, None)
        call.agent_dialog = None
        with contextlib.suppress(Exception):
            await engine.endpoint.request(dialog.bye(), call.agent_target)
    ng = call.node.client
    agent = engine.config.agents_by_id.get(call.agent_id)
    if agent is not None and agent.device == "browser":
        await fresh_agent_side(call)
    caller_sdp = await ng.answer(call.id, call.caller_tag, call.agent_tag, sdp.placeholder(),
                                 rtp_leg())  # fmt: skip
    if sdp.media_address(caller_sdp) != sdp.media_address(call.caller_sdp):
        await call._reinvite_caller(caller_sdp)


async def fresh_agent_side(call: InboundCall) -> None:
    """A new rtpengine leg for the agent side, so the next agent's leg does not inherit a
    browser's ICE and DTLS-SRTP state (rtpengine refuses the ICE restart: no keys, no audio).

    It is created by an offer: rtpengine fixes a leg's ICE role when it creates it, controlling
    if by an offer, controlled if by an answer. A browser answering the next offer is controlled
    too, and that conflict was settled by the ICE tie-breakers: a coin toss, lost half the time
    (the next browser then heard nothing).
    """
    call.agent_tag = new_tag()
    options = {**rtp_leg(), "to-tag": call.agent_tag}
    caller_offer = call.invite.request.body.decode()
    call.agent_offer = await call.node.client.offer(call.id, call.caller_tag, caller_offer, options)


async def talk(call: InboundCall) -> bool:
    """Wait while connected; True if the call was transferred back into a queue."""
    call.transferred = asyncio.Event()
    gone = asyncio.ensure_future(call.hung_up.wait())
    moved = asyncio.ensure_future(call.transferred.wait())
    await asyncio.wait({gone, moved}, return_when=asyncio.FIRST_COMPLETED)
    gone.cancel()
    moved.cancel()
    return call.transferred.is_set() and not call.hung_up.is_set()


# -- an agent's outbound call --------------------------------------------------------------


async def dial_out(engine: Engine, agent_id: int, number: str, service_number: str) -> Call | None:
    """Ring the agent, then call ``number`` through the trunk presenting ``service_number``."""
    browser = engine.browsers.handles(agent_id)
    target = None if browser else engine.agent_target(agent_id)
    service = engine.config.number(service_number)
    trunk = next((t for t in engine.config.trunks if service and t.id == service.trunk_id), None)
    if (target is None and not browser) or trunk is None:
        return None
    bridge = Bridge(engine, service.number)
    try:
        if browser:
            rung = await browser_dial.ring(engine.browsers, bridge, agent_id, number,
                                           OUTBOUND_RING_SECONDS)  # fmt: skip
        else:
            rung = await bridge.ring_agent(target, OUTBOUND_RING_SECONDS)
        if rung != "answered":
            await bridge.finish()
            return None
        record = await records.call_started(
            sip_call_id=bridge.id, direction=Call.Direction.OUTBOUND, trunk_id=trunk.id,
            service_number_id=service.id, caller_number=service.number, called_number=number,
            agent_id=agent_id, engine=engine.settings.name,
        )  # fmt: skip
        engine._spawn(_outbound_call(bridge, record, trunk, number))
        return record
    except BaseException:
        await bridge.finish()
        raise


async def _outbound_call(bridge: Bridge, record: Call, trunk, number: str) -> None:
    try:
        far = outbound.trunk_destination(trunk, number)
        answered = await bridge.dial_far(far, OUTBOUND_RING_SECONDS) == "answered"
        if answered:
            await records.update(record, answered_at=timezone.now())
            await bridge.talk()
    finally:
        await bridge.finish()
        reason = bridge.end_reason if record.answered_at else Call.EndReason.FAILED
        await records.call_ended(record, reason)
