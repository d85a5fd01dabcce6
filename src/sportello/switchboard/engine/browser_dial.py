"""Click-to-dial from the agent desktop: the `dial` command of a browser agent.

The agent's desktop is offered the call first (``agent.offer`` with ``outbound: true``, which the
desktop answers by itself); then ``agent_ops.dial_out`` calls the number through the trunk
presenting the service number. While the agent's own call lasts they are paused (reason
``outbound``) so that no queue call rings on top of it; they are made available again after
if they were available before.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings

from sportello.switchboard.engine import sdp
from sportello.switchboard.engine.media.legs import rtp_leg, webrtc_leg
from sportello.switchboard.engine.media.ng import MediaError

if TYPE_CHECKING:
    from sportello.switchboard.engine.bridge import Bridge
    from sportello.switchboard.engine.browser import BrowserAgents

log = logging.getLogger(__name__)
PAUSE_REASON = "outbound"


def service_number(browsers: BrowserAgents) -> str:
    """The configured dial-out number, else the first service number."""
    configured = getattr(settings, "SWITCHBOARD_DIAL_OUT_NUMBER", "")
    return configured or next(iter(browsers.engine.config.numbers), "")


async def dial(browsers: BrowserAgents, agent_id: int, number: str) -> None:
    engine = browsers.engine
    if agent_id in browsers.active or agent_id in browsers.ringing:
        await browsers.send(agent_id, "dial.refused", reason="busy")
        return
    was_available = engine.acd.agent_state(agent_id) == "available"
    if was_available:
        engine.set_agent_state(agent_id, "paused", PAUSE_REASON)
    try:
        record = await engine.dial_out(agent_id, number, service_number(browsers))
        if record is None:
            await browsers.send(agent_id, "dial.refused", reason="failed")
        elif (bridge := browsers.active.get(agent_id)) is not None:
            await bridge.hung_up.wait()
    except Exception:
        log.exception("click-to-dial of agent %s failed", agent_id)
        await browsers.send(agent_id, "dial.refused", reason="failed")
    finally:
        if was_available and engine.acd.agent_state(agent_id) == "paused":
            engine.set_agent_state(agent_id, "available")


async def ring(browsers: BrowserAgents, bridge: Bridge, agent_id: int, number: str,
               ring_seconds: float) -> str:  # fmt: skip
    """Offer the bridge's agent side to the desktop: 'answered' or why not."""
    from sportello.switchboard.engine.browser import Ringing, call_key

    if not browsers.connections.get(agent_id):
        return "no_answer"
    ng = bridge.node.client
    try:
        offer = await ng.offer(bridge.id, bridge.far_tag, sdp.placeholder(), webrtc_leg())
    except MediaError:
        log.exception("no WebRTC offer for the outbound call %s", bridge.id)
        return "no_answer"
    ringing = browsers.ringing[agent_id] = Ringing(bridge)
    await browsers.send(agent_id, "agent.offer", call=call_key(bridge), sdp=offer, caller=number,
                        queue="", queue_id=None, language="", waited=0, outbound=True)  # fmt: skip
    try:
        reply = await browsers._await_reply(bridge, ringing, ring_seconds)
    finally:
        browsers.ringing.pop(agent_id, None)
    if reply.get("type") != "answer":
        await browsers.send(agent_id, "agent.cancel", call=call_key(bridge))
        return reply.get("type", "no_answer")
    bridge.browser_sdp = reply.get("sdp", "")
    try:
        bridge.far_offer = await ng.answer(bridge.id, bridge.far_tag, bridge.agent_tag,
                                           bridge.browser_sdp, rtp_leg())  # fmt: skip
    except MediaError:
        log.exception("browser answer refused by the media node on %s", bridge.id)
        await browsers.send(agent_id, "agent.cancel", call=call_key(bridge))
        return "rejected"
    browsers.active[agent_id] = bridge
    browsers.engine._spawn(browsers._watch(bridge, agent_id))
    return "answered"
