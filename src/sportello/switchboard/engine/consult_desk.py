"""A consultation whose target is a browser agent (docs/agent-interface.md, "Transfers").

The target's desk is rung like any call (``agent.offer``, with ``consult: true``) and answers
with its SDP; its leg is a WebRTC leg of the consultation's rtpengine call. Each WebRTC leg is
offered and answered once, its answer last: re-negotiating a leg after its DTLS handshake loses
the SRTP keys. So the consulting agent's side is known to rtpengine before the target rings: a
SIP phone by the address rtpengine already sends it the caller on, a browser by its own offer.

On complete the target's desk is offered the caller's call on a fresh agent leg
(``agent.offer`` with ``transferred: true``), which it answers by itself on a new peer
connection: the consultation's leg cannot be moved between rtpengine calls. A desk that is gone
or does not answer fails the transfer: a consulting desk then takes the call back the same way
(``resumed: true``), since its own leg no longer faces the caller.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sportello.switchboard.engine import agent_ops, sdp
from sportello.switchboard.engine.media.legs import rtp_leg, webrtc_leg
from sportello.switchboard.engine.media.ng import MediaError
from sportello.switchboard.engine.sip import new_tag

if TYPE_CHECKING:
    from sportello.switchboard.engine.session import InboundCall
    from sportello.switchboard.engine.transfer import Consultation

TAKE_SECONDS = 15.0  # for the target's desk to answer the caller's call by itself


@dataclass
class DeskLeg:
    """The consulted browser's answer: its SDP for the consultation's far side."""

    sdp: str


async def agent_side_sdp(call: InboundCall) -> str:
    """An SDP for the consulting SIP phone: where rtpengine sends it the caller now."""
    reply = await call.node.client.query(call.id)
    for media in reply.get("tags", {}).get(call.agent_tag, {}).get("medias", []):
        for stream in media.get("streams", []):
            endpoint = stream.get("endpoint", {})
            if endpoint.get("address") and endpoint.get("port"):
                return sdp.placeholder(endpoint["address"], int(endpoint["port"]))
    return sdp.placeholder()


def call_details(call: InboundCall) -> dict[str, Any]:
    """What the desk shows about the call, as in an ACD offer."""
    queue, record = call.queue, call.record
    entered = call.entry.entered_at.timestamp() if call.entry is not None else time.time()
    return {"call": str(record.id), "caller": record.caller_number, "queue": queue.code,
            "queue_id": queue.id, "language": record.language or queue.language,
            "waited": round(time.time() - entered)}  # fmt: skip


async def ring(consultation: Consultation, offer: str, ring_seconds: float) -> DeskLeg | str:
    """Ring the target's desk with the consultation's offer; its answer, or why not."""
    from sportello.switchboard.engine.browser import Ringing

    browsers, agent_id, call = (
        consultation.engine.browsers,
        consultation.target_agent,
        consultation.call,
    )
    if not browsers.connections.get(agent_id):
        return "no_answer"
    ringing = browsers.ringing[agent_id] = Ringing(call)
    await browsers.send(agent_id, "agent.offer", sdp=offer, consult=True, **call_details(call))
    waits = {
        asyncio.ensure_future(call.hung_up.wait()),
        asyncio.ensure_future(consultation.stop.wait()),
    }
    try:
        await asyncio.wait({ringing.reply, *waits}, timeout=ring_seconds,
                           return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
    finally:
        for waiting in waits:
            waiting.cancel()
        browsers.ringing.pop(agent_id, None)
    reply = ringing.reply.result() if ringing.reply.done() else {}
    if reply.get("type") != "answer":
        await browsers.send(agent_id, "agent.cancel", call=str(call.record.id))
        return reply.get("type") or ("stopped" if consultation.stop.is_set() else "no_answer")
    browsers.consulted[agent_id] = consultation
    return DeskLeg(reply.get("sdp", ""))


async def end(consultation: Consultation) -> None:
    """The consultation is over without the call: the target's desk closes its leg."""
    browsers, agent_id = consultation.engine.browsers, consultation.target_agent
    if browsers.consulted.get(agent_id) is consultation:
        del browsers.consulted[agent_id]
    await browsers.send(agent_id, "agent.consult_end", call=str(consultation.call.record.id))


async def hand_over(consultation: Consultation) -> None:
    """Connect the caller to the target's desk on a fresh agent leg of the caller's call."""
    call, browsers, agent_id = (
        consultation.call,
        consultation.engine.browsers,
        consultation.target_agent,
    )
    if not browsers.connections.get(agent_id):  # nothing changed yet: the agent simply goes back
        raise MediaError(f"the desk of agent {agent_id} is gone")
    reply = await _fresh_leg(call, browsers, agent_id, transferred=True)
    if reply.get("type") != "answer":
        consultation.caller_left_agent = True
        if not consultation.browser:
            await agent_ops.fresh_agent_side(call)  # so a SIP phone can be brought back
        raise MediaError(f"the desk of agent {agent_id} did not take the call")
    await _connect(call, reply.get("sdp", ""))
    browsers.consulted.pop(agent_id, None)


async def take_back(consultation: Consultation) -> None:
    """The target's desk did not take the call: the consulting desk takes it back, on a fresh
    leg too (its own leg left the caller's call when the target's was offered)."""
    call, browsers, agent_id = (
        consultation.call,
        consultation.engine.browsers,
        consultation.agent_id,
    )
    if not browsers.connections.get(agent_id):
        raise MediaError(f"the desk of agent {agent_id} is gone")
    reply = await _fresh_leg(call, browsers, agent_id, resumed=True)
    if reply.get("type") != "answer":
        raise MediaError(f"the desk of agent {agent_id} did not take the call back")
    await _connect(call, reply.get("sdp", ""))


async def _fresh_leg(call: InboundCall, browsers, agent_id: int, **flag: bool) -> dict:
    """Offer a desk the caller's call on a new agent leg; the desk's reply."""
    from sportello.switchboard.engine.browser import Ringing

    ng = call.node.client
    # Music and media blocking are undone before the handshake: doing it after loses the keys.
    with contextlib.suppress(MediaError):
        await ng.stop_media(call.id, call.caller_tag)
    with contextlib.suppress(MediaError):
        await ng.unblock_media(call.id, call.caller_tag)
    call.agent_tag = new_tag()  # created by this offer: rtpengine is the ICE controlling side
    offer = await ng.offer(call.id, call.caller_tag, call.invite.request.body.decode(),
                           {**webrtc_leg(), "to-tag": call.agent_tag})  # fmt: skip
    ringing = browsers.ringing[agent_id] = Ringing(call)
    await browsers.send(agent_id, "agent.offer", sdp=offer, **flag, **call_details(call))
    try:
        return await browsers._await_reply(call, ringing, TAKE_SECONDS)
    finally:
        browsers.ringing.pop(agent_id, None)


async def _connect(call: InboundCall, desk_sdp: str) -> None:
    caller_sdp = await call.node.client.answer(call.id, call.caller_tag, call.agent_tag, desk_sdp,
                                               rtp_leg())  # fmt: skip
    if sdp.media_address(caller_sdp) != sdp.media_address(call.caller_sdp):
        await call._reinvite_caller(caller_sdp)


def took_call(consultation: Consultation) -> None:
    """The call is the target's now: their desk's hang-up and hold act on it."""
    browsers, agent_id, call = (
        consultation.engine.browsers,
        consultation.target_agent,
        consultation.call,
    )
    browsers.active[agent_id] = call
    consultation.engine._spawn(browsers._watch(call, agent_id))
