"""Browser agents: reached over the channel layer instead of SIP (see docs/agent-interface.md).

The engine sends offers to the group ``agent.<id>``; the agent desktop's WebSocket consumer
forwards the browser's replies to the engine's command channel ``switchboard.engine``. The
browser's audio is WebRTC (ICE, DTLS-SRTP) to rtpengine, re-negotiated on the agent side of the
call the engine already answered, so the caller's media path does not change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any

from channels.layers import get_channel_layer
from django.conf import settings

from sportello.switchboard.engine import browser_dial, browser_transfer, sdp
from sportello.switchboard.engine.media.legs import rtp_leg, webrtc_leg
from sportello.switchboard.engine.media.ng import MediaError
from sportello.switchboard.models import Call

if TYPE_CHECKING:
    from sportello.switchboard.engine.engine import Engine
    from sportello.switchboard.engine.session import InboundCall

log = logging.getLogger(__name__)

COMMANDS = "switchboard.engine"
DEVICE = "browser"


def agent_group(agent_id: int) -> str:
    return f"agent.{agent_id}"


def call_key(call: Any) -> str:
    """How the desktop names a call: its record's id, or the bridge id of an agent's own call."""
    record = getattr(call, "record", None)
    return str(record.id) if record is not None else call.id


async def send_command(kind: str, **data: Any) -> None:
    """Web side: hand a command to the engine."""
    await get_channel_layer().send(COMMANDS, {"type": kind, **data})


class Ringing:
    def __init__(self, call: InboundCall) -> None:
        self.call = call
        self.reply: asyncio.Future[dict] = asyncio.get_running_loop().create_future()


class BrowserAgents:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connections: dict[int, int] = {}
        self.ringing: dict[int, Ringing] = {}
        self.active: dict[int, InboundCall] = {}
        self.consulted: dict[int, Any] = {}  # agent -> the Consultation their desk answered
        self._grace: dict[int, asyncio.TimerHandle] = {}

    def handles(self, agent_id: int) -> bool:
        agent = self.engine.config.agents_by_id.get(agent_id)
        return agent is not None and agent.device == DEVICE

    # -- messages to the browser ---------------------------------------------------------

    async def send(self, agent_id: int, kind: str, **data: Any) -> None:
        layer = get_channel_layer()
        try:
            await layer.group_send(agent_group(agent_id), {"type": kind, **data})
        except Exception:  # the desktop reconnects and asks again; never break the call
            log.exception("could not send %s to agent %s", kind, agent_id)

    def state_changed(self, agent_id: int, state: str, reason: str) -> None:
        if self.handles(agent_id):
            self.engine._spawn(self.send(agent_id, "agent.state", state=state, reason=reason))

    # -- offering a call -----------------------------------------------------------------

    async def offer(self, call: InboundCall, agent_id: int, queue, ring_seconds: float) -> str:
        """Ring a browser; 'answered', 'rejected', 'no_answer' or 'gone' like a SIP offer."""
        if not self.connections.get(agent_id):
            return "no_answer"
        ng = call.node.client
        # Stopping the music rebuilds the call's media handlers, which would lose the DTLS-SRTP
        # keys if done after the browser's handshake: the caller waits in silence while it rings.
        with contextlib.suppress(MediaError):
            await ng.stop_media(call.id, call.caller_tag)
        try:
            browser_offer = await ng.offer(call.id, call.caller_tag,
                                           call.invite.request.body.decode(),
                                           {**webrtc_leg(), "to-tag": call.agent_tag})  # fmt: skip
        except MediaError:
            log.exception("no WebRTC offer for call %s", call.id)
            return "no_answer"
        log.debug("offer to browser agent %s:\n%s", agent_id, browser_offer)
        ringing = self.ringing[agent_id] = Ringing(call)
        record_id = str(call.record.id)
        entered = call.entry.entered_at.timestamp() if call.entry is not None else time.time()
        await self.send(
            agent_id, "agent.offer", call=record_id, sdp=browser_offer,
            caller=call.record.caller_number, queue=queue.code, queue_id=queue.id,
            language=call.record.language or queue.language, waited=round(time.time() - entered),
        )  # fmt: skip
        try:
            reply = await self._await_reply(call, ringing, ring_seconds)
        except asyncio.CancelledError:
            await self.send(agent_id, "agent.cancel", call=record_id)
            if not call.hung_up.is_set():
                self.engine._spawn(call._start_music())
            raise
        finally:
            self.ringing.pop(agent_id, None)
        if reply.get("type") != "answer":
            await self.send(agent_id, "agent.cancel", call=record_id)
            if not call.hung_up.is_set():
                await call._start_music()
            return "gone" if call.hung_up.is_set() else reply.get("type", "no_answer")
        return await self._connect(call, agent_id, reply.get("sdp", ""))

    async def _await_reply(self, call: InboundCall, ringing: Ringing, seconds: float) -> dict:
        gone = asyncio.ensure_future(call.hung_up.wait())
        try:
            done, _ = await asyncio.wait({ringing.reply, gone}, timeout=seconds,
                                         return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
        finally:
            gone.cancel()
        if ringing.reply.done():
            return ringing.reply.result()
        return {"type": "gone" if call.hung_up.is_set() else "no_answer"}

    async def _connect(self, call: InboundCall, agent_id: int, browser_sdp: str) -> str:
        log.debug("browser answer from agent %s:\n%s", agent_id, browser_sdp)
        ng = call.node.client
        try:
            caller_sdp = await ng.answer(call.id, call.caller_tag, call.agent_tag, browser_sdp,
                                         rtp_leg())  # fmt: skip
        except MediaError:
            log.exception("browser answer refused by the media node on %s", call.id)
            await self.send(agent_id, "agent.cancel", call=str(call.record.id))
            return "rejected"
        if sdp.media_address(caller_sdp) != sdp.media_address(call.caller_sdp):
            await call._reinvite_caller(caller_sdp)
        self.active[agent_id] = call
        self.engine._spawn(self._watch(call, agent_id))
        return "answered"

    async def _watch(self, call: InboundCall, agent_id: int) -> None:
        await call.hung_up.wait()
        if self.active.get(agent_id) is call:
            del self.active[agent_id]
        await self.send(agent_id, "agent.hangup", call=call_key(call),
                        reason=str(call.end_reason))  # fmt: skip

    # -- commands from the web side ------------------------------------------------------

    async def run(self) -> None:
        layer = get_channel_layer()
        while True:
            message = await layer.receive(COMMANDS)
            try:
                self.handle(message)
            except Exception:
                log.exception("bad engine command %r", message.get("type"))

    def handle(self, message: dict) -> None:
        kind, agent_id = message.get("type"), message.get("agent")
        if not isinstance(agent_id, int):
            return
        if kind == "connected":
            self._connected(agent_id)
        elif kind == "disconnected":
            self._disconnected(agent_id)
        elif kind == "state":
            self.engine.set_agent_state(agent_id, message.get("state", ""),
                                        message.get("reason", ""))  # fmt: skip
        elif kind in ("answer", "reject"):
            self._reply(agent_id, message)
        elif kind == "hangup":
            self._hangup(agent_id, message.get("call"))
        elif kind in browser_transfer.COMMANDS:
            self.engine._spawn(browser_transfer.handle(self, agent_id, message))
        elif kind == "dial":
            self.engine._spawn(browser_dial.dial(self, agent_id, str(message.get("number", ""))))
        elif kind == "skills":
            self.engine._spawn(self.engine.refresh_agent_skills(agent_id))
        elif kind in ("hold", "unhold") and hasattr(self.engine, kind):
            call = self._active(agent_id, message.get("call"))
            if call is not None:
                self.engine._spawn(getattr(self.engine, kind)(call.id))

    def _reply(self, agent_id: int, message: dict) -> None:
        ringing = self.ringing.get(agent_id)
        if ringing is None or call_key(ringing.call) != message.get("call"):
            return
        if not ringing.reply.done():
            kind = "answer" if message["type"] == "answer" else "rejected"
            ringing.reply.set_result({**message, "type": kind})

    def _active(self, agent_id: int, record_id: Any) -> InboundCall | None:
        call = self.active.get(agent_id)
        if call is None or call_key(call) != record_id:
            return None
        return call

    def _hangup(self, agent_id: int, record_id: Any) -> None:
        call = self._active(agent_id, record_id)
        consultation = self.consulted.get(agent_id)
        if call is None and consultation is not None and call_key(consultation.call) == record_id:
            consultation.target_hung_up()
        if call is None:
            return
        call.end_reason = Call.EndReason.AGENT_HANGUP
        call.hung_up.set()

    # -- presence ------------------------------------------------------------------------

    def _connected(self, agent_id: int) -> None:
        self.connections[agent_id] = self.connections.get(agent_id, 0) + 1
        if (timer := self._grace.pop(agent_id, None)) is not None:
            timer.cancel()
        state = str(self.engine.acd.agent_state(agent_id))
        extra: dict[str, Any] = {}
        if (call := self.active.get(agent_id)) is not None:
            extra["call"] = call_key(call)
        elif (consultation := self.consulted.get(agent_id)) is not None:
            extra["call"] = call_key(consultation.call)
        self.engine._spawn(self.send(agent_id, "agent.state", state=state, reason="", **extra))

    def _disconnected(self, agent_id: int) -> None:
        left = max(0, self.connections.get(agent_id, 0) - 1)
        self.connections[agent_id] = left
        if left or agent_id in self._grace:
            return
        grace = float(getattr(settings, "SWITCHBOARD_AGENT_GRACE_SECONDS", 20))
        loop = asyncio.get_running_loop()
        self._grace[agent_id] = loop.call_later(grace, self._gone, agent_id)

    def _gone(self, agent_id: int) -> None:
        self._grace.pop(agent_id, None)
        if not self.connections.get(agent_id):
            log.info("browser agent %s disconnected: logging out", agent_id)
            self.engine.set_agent_state(agent_id, "offline")
