"""A call the engine places on both sides: the agent first, then the far party, through rtpengine.

Used for callbacks and agents' outbound calls. The agent is offered rtpengine's SDP for a
placeholder far side; when the far party answers, the far side is re-offered with its real SDP.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from sportello.switchboard.engine import mobile, outbound, sdp
from sportello.switchboard.engine.media.legs import rtp_leg, webrtc_leg
from sportello.switchboard.engine.media.ng import MediaError
from sportello.switchboard.engine.sip import new_call_id, new_tag
from sportello.switchboard.models import Call

if TYPE_CHECKING:
    from sportello.switchboard.engine.engine import AgentTarget, Engine

log = logging.getLogger(__name__)


class Bridge:
    def __init__(self, engine: Engine, presented_number: str) -> None:
        self.engine = engine
        self.presented_number = presented_number  # what both parties see as the caller
        self.id = new_call_id()  # rtpengine's call id
        self.agent_tag, self.far_tag = new_tag(), new_tag()
        self.node = engine.media.allocate(self.id)
        self.agent: outbound.Leg | None = None
        self.far: outbound.Leg | None = None
        self.hung_up = asyncio.Event()
        self.end_reason = Call.EndReason.AGENT_HANGUP
        self.agent_sdp_sent = ""
        self.browser_sdp = ""  # a browser agent's WebRTC answer (see browser_dial), else ""
        self.language = "it"  # of the prompts the agent may hear

    async def ring_agent(self, target: AgentTarget, ring_seconds: float) -> str:
        """'answered', 'rejected' or 'no_answer'."""
        ng = self.node.client
        offer = await ng.offer(self.id, self.far_tag, sdp.placeholder(), rtp_leg())
        leg = await outbound.dial(
            self.engine, target.uri, target.target, sdp=offer, ring_seconds=ring_seconds,
            from_addr=outbound.caller_id(self.engine, self.presented_number),
            credentials=target.credentials,
        )  # fmt: skip
        if isinstance(leg, str):
            return leg
        self.agent, self.agent_sdp_sent = leg, offer
        self.engine.register_dialog(leg.dialog.id, self)
        self.far_offer = await ng.answer(self.id, self.far_tag, self.agent_tag, leg.sdp, rtp_leg())
        if target.via_trunk:  # a mobile: the agent confirms with a key, or it counts as no answer
            confirmation = mobile.MobileLeg(self.id, self.agent_tag, leg.dialog, self.language)
            if not await mobile.confirmed(self.engine, self.node, confirmation, self.hung_up):
                await outbound.hang_up(self.engine, leg)
                self.agent = None
                return "no_answer"
        return "answered"

    async def dial_far(self, far: outbound.Destination, ring_seconds: float) -> str:
        """Call the far party with the agent already on the line; 'answered' or why not."""
        leg = await outbound.dial(
            self.engine, far.uri, far.target, sdp=self.far_offer, ring_seconds=ring_seconds,
            from_addr=outbound.caller_id(self.engine, self.presented_number), stop=self.hung_up,
            credentials=far.credentials,
        )  # fmt: skip
        if isinstance(leg, str):
            return leg
        self.far = leg
        self.engine.register_dialog(leg.dialog.id, self)
        await self._connect_far(leg)
        return "answered"

    async def _connect_far(self, leg: outbound.Leg) -> None:
        ng = self.node.client
        if self.browser_sdp:  # the browser keeps its ICE/DTLS session: nothing to re-offer it
            await ng.offer(self.id, self.far_tag, leg.sdp, webrtc_leg())
            far_sdp = await ng.answer(self.id, self.far_tag, self.agent_tag, self.browser_sdp,
                                      rtp_leg())  # fmt: skip
            if sdp.media_address(far_sdp) != sdp.media_address(self.far_offer):
                await outbound.reinvite(self.engine, leg, far_sdp)
            return
        agent_sdp = await ng.offer(self.id, self.far_tag, leg.sdp, rtp_leg())
        far_sdp = await ng.answer(self.id, self.far_tag, self.agent_tag, self.agent.sdp, rtp_leg())
        if sdp.media_address(agent_sdp) != sdp.media_address(self.agent_sdp_sent):
            self.agent_sdp_sent = agent_sdp
            await outbound.reinvite(self.engine, self.agent, agent_sdp)
        if sdp.media_address(far_sdp) != sdp.media_address(self.far_offer):
            await outbound.reinvite(self.engine, leg, far_sdp)

    async def talk(self) -> None:
        await self.hung_up.wait()

    def on_bye(self, dialog_id) -> None:
        if self.far is not None and dialog_id == self.far.dialog.id:
            self.end_reason = Call.EndReason.CALLER_HANGUP
            self.far = _closed(self.engine, self.far)
        elif self.agent is not None and dialog_id == self.agent.dialog.id:
            self.agent = _closed(self.engine, self.agent)
        self.hung_up.set()

    def on_digit(self, digit: str) -> None:
        """Digits on an outbound call are the parties' business."""

    async def finish(self) -> None:
        self.hung_up.set()
        await outbound.hang_up(self.engine, self.far)
        await outbound.hang_up(self.engine, self.agent)
        self.far = self.agent = None
        with contextlib.suppress(MediaError):
            self.stats = await self.node.client.query(self.id)
        with contextlib.suppress(MediaError):
            await self.node.client.delete(self.id)
        self.engine.media.release(self.id)


def _closed(engine: Engine, leg: outbound.Leg) -> None:
    engine.dialogs.pop(leg.dialog.id, None)
    return None
