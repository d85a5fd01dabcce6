"""Transfers: an agent hands a connected call to another agent, a queue or an external number,
at once ("blind") or after talking to the target first ("attended"). See docs/switchboard.md.

Blind: the agent is released into wrap-up at once.
- to a queue: the caller waits there at their original place;
- to an agent: only that agent rings (the ACD's ``call_directed``); without an answer the call
  goes back to its queue at its original place, where the queue's next free agent takes it;
- to a number: the trunk is called presenting the service number; without an answer the caller
  goes back to the queue at their original place too.

Attended: the caller is held (music) and the target is called on a second rtpengine call, the
consultation. Only once the target answers is the agent's device moved to it (a re-INVITE, or a
second peer connection in the browser), so a target who does not answer costs the agent nothing:
they are back with the caller. Complete: the target's leg is re-pointed at the caller's call and
the agent released; cancel (or the target hangs up): the target is hung up, the agent is back.
A queue target is the queue's best free agent now, whatever their device. A browser agent is
rung on their desk (engine/consult_desk.py): on complete their desk takes the caller's call on a
new peer connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from sportello.switchboard.acd import AcdStateError, AgentState
from sportello.switchboard.engine import agent_ops, consult_desk, mobile, outbound, records, sdp
from sportello.switchboard.engine.media.legs import rtp_leg, webrtc_leg
from sportello.switchboard.engine.media.ng import MediaError
from sportello.switchboard.engine.sip import new_call_id, new_tag
from sportello.switchboard.models import Call, CallTransfer, QueueEntry

if TYPE_CHECKING:
    from sportello.switchboard.engine.engine import Engine
    from sportello.switchboard.engine.session import InboundCall

log = logging.getLogger(__name__)
NUMBER = re.compile(r"\+?[0-9]{3,20}")
RING_SECONDS = 30.0
BROWSER_SECONDS = 15.0  # for the browser's SDP of the consultation leg
# The browser offers the consultation leg (actpass): rtpengine must stay the DTLS server on it,
# as the answer will say, or both ends may start as DTLS clients and the handshake stalls.
BROWSER_OFFERS = {**rtp_leg(), "DTLS-reverse": "passive"}
Outcome, TargetType = CallTransfer.Outcome, CallTransfer.TargetType


class TransferError(Exception):
    """A transfer refused before anything changed; ``code`` tells the desktop why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Target:
    type: str  # a CallTransfer.TargetType
    agent_id: int | None = None
    queue_id: int | None = None
    number: str = ""

    @classmethod
    def of(cls, agent_id=None, queue_id=None, number: str = "") -> Target:
        if agent_id is not None:
            return cls(TargetType.AGENT, agent_id=agent_id)
        if queue_id is not None:
            return cls(TargetType.QUEUE, queue_id=queue_id)
        return cls(TargetType.NUMBER, number=number)

    def fields(self) -> dict[str, Any]:
        return {"target_type": self.type, "target_agent_id": self.agent_id,
                "target_queue_id": self.queue_id, "target_number": self.number}  # fmt: skip


def live_call(engine: Engine, call_id: str) -> InboundCall:
    call = agent_ops.find(engine, call_id)
    if call is None or not call.connected.is_set() or call.agent_id is None:
        raise TransferError("no_call")
    if getattr(call, "consult", None) is not None:
        raise TransferError("busy")
    return call


def check(engine: Engine, call: InboundCall, target: Target) -> None:
    """Raise TransferError unless ``target`` can take ``call`` now."""
    if target.type == TargetType.QUEUE:
        if target.queue_id not in engine.config.queues_by_id:
            raise TransferError("unknown_queue")
    elif target.type == TargetType.AGENT:
        if not _free_agent(engine, target.agent_id) or target.agent_id == call.agent_id:
            raise TransferError("agent_unavailable")
    elif not NUMBER.fullmatch(target.number or ""):
        raise TransferError("bad_number")


def _free_agent(engine: Engine, agent_id: int | None) -> bool:
    agent = engine.config.agents_by_id.get(agent_id)
    if agent is None or engine.acd.agent_state(agent_id) != AgentState.AVAILABLE:
        return False
    if engine.browsers.handles(agent_id):
        return bool(engine.browsers.connections.get(agent_id))
    return engine.agent_target(agent_id) is not None


def available_agents(engine: Engine) -> list[int]:
    return [a for a in engine.config.agents_by_id if _free_agent(engine, a)]


# -- blind ---------------------------------------------------------------------------------


async def blind(engine: Engine, call_id: str, target: Target) -> CallTransfer:
    call = live_call(engine, call_id)
    check(engine, call, target)
    row = await records.transfer_requested(
        call.record, kind=CallTransfer.Kind.BLIND, by_agent_id=call.agent_id, **target.fields()
    )
    await release_agent(call)
    if target.type == TargetType.QUEUE:
        await requeue(call, engine.config.queues_by_id[target.queue_id])
        await records.transfer_ended(row, Outcome.COMPLETED)
    elif target.type == TargetType.AGENT:
        await requeue(call, call.queue, agent_id=target.agent_id)
        engine._spawn(_until_answered(call, row, target.agent_id))
    else:
        engine._spawn(_blind_to_number(call, row, target.number))
    return row


async def release_agent(call: InboundCall) -> None:
    """The transferring agent leaves the call: hung up, talk time counted, into wrap-up."""
    engine, agent_id = call.engine, call.agent_id
    await agent_ops.unhold(call)
    await records.update(call.entry, talk_seconds=agent_ops._since(call.record.answered_at))
    await _leave_browser(call, agent_id)
    await agent_ops._drop_agent(call)  # a browser's WebRTC side is now a fresh plain RTP one
    with contextlib.suppress(AcdStateError, KeyError):
        engine._run(engine.acd.call_ended(time.monotonic(), call.id))
    call.connected.clear()
    call.agent_id = None


async def _leave_browser(call: InboundCall, agent_id: int | None) -> None:
    browsers = call.engine.browsers
    if agent_id is not None and browsers.active.get(agent_id) is call:
        del browsers.active[agent_id]
        await browsers.send(agent_id, "agent.hangup", call=str(call.record.id),
                            reason=str(Call.EndReason.TRANSFERRED))  # fmt: skip


async def requeue(call: InboundCall, queue, agent_id: int | None = None) -> None:
    """The caller waits in ``queue`` at their original place (for ``agent_id`` first if given)."""
    engine = call.engine
    entered = call.entry.entered_at
    call.queue = queue
    call.outcome = asyncio.get_running_loop().create_future()
    call.entry = await records.queue_entered(call.record, queue.id, entered_at=entered)
    await call._start_music()
    now = time.monotonic()
    since = now - agent_ops._since(entered)
    commands = None
    if agent_id is not None:
        with contextlib.suppress(AcdStateError):
            commands = engine.acd.call_directed(now, call.id, queue.id, agent_id, enqueued_at=since)
    if commands is None:  # the agent was taken meanwhile: the queue serves the caller
        commands = engine.acd.call_arrived(now, call.id, queue.id, enqueued_at=since)
    engine._run(commands)
    if (moved := getattr(call, "transferred", None)) is not None:
        moved.set()


async def _until_answered(call: InboundCall, row: CallTransfer, agent_id: int) -> None:
    gone = asyncio.ensure_future(call.hung_up.wait())
    await asyncio.wait({call.outcome, gone}, return_when=asyncio.FIRST_COMPLETED)
    gone.cancel()
    if call.outcome.done() and call.outcome.result() == "connected" and call.agent_id == agent_id:
        await records.transfer_ended(row, Outcome.COMPLETED, answered=True)
    else:
        await records.transfer_ended(row, Outcome.NO_ANSWER)


async def _blind_to_number(call: InboundCall, row: CallTransfer, number: str) -> None:
    try:
        await call._start_music()  # while it rings
        leg = await _dial_number(call, number, await _plain_agent_side(call), call.hung_up)
        if isinstance(leg, str):
            await records.transfer_ended(row, Outcome.NO_ANSWER)
            if not call.hung_up.is_set():
                await requeue(call, call.queue)
            return
        await _connect_caller(call, leg.sdp)
        _hand_over(call, leg, external=True)
        await records.transfer_ended(row, Outcome.COMPLETED, answered=True)
    except Exception:
        log.exception("transfer of %s to a number failed", call.id)
        await records.transfer_ended(row, Outcome.FAILED)
        call.hung_up.set()


async def _plain_agent_side(call: InboundCall) -> str:
    """rtpengine's SDP for the agent side of the caller's call as plain RTP (it may have been a
    browser's WebRTC leg), to offer a SIP target."""
    ng = call.node.client
    options = {**rtp_leg(), "to-tag": call.agent_tag}
    return await ng.offer(call.id, call.caller_tag, call.invite.request.body.decode(), options)


async def _dial_number(call: InboundCall, number: str, offer: str, stop: asyncio.Event):
    engine = call.engine
    far = outbound.trunk_destination(call.trunk, number)
    from_addr = outbound.caller_id(engine, call.number.number)
    return await outbound.dial(engine, far.uri, far.target, from_addr=from_addr, sdp=offer,
                               ring_seconds=RING_SECONDS, stop=stop,
                               credentials=far.credentials)  # fmt: skip


async def _connect_caller(call: InboundCall, target_sdp: str) -> None:
    """Point the agent side of the caller's call at the target's media."""
    ng = call.node.client
    with contextlib.suppress(MediaError):
        await ng.stop_media(call.id, call.caller_tag)
    caller_sdp = await ng.answer(call.id, call.caller_tag, call.agent_tag, target_sdp, rtp_leg())
    if sdp.media_address(caller_sdp) != sdp.media_address(call.caller_sdp):
        await call._reinvite_caller(caller_sdp)


def _hand_over(call: InboundCall, leg: outbound.Leg, *, external: bool) -> None:
    """The target's leg becomes the call's agent leg (its BYE ends the call)."""
    call.agent_dialog, call.agent_target = leg.dialog, leg.target
    call.agent_dialog_closed = False
    call.engine.register_dialog(leg.dialog.id, _FarEnd(call) if external else call)


class _FarEnd:
    """An external party the call was transferred to: hanging up ends it as 'transferred'."""

    def __init__(self, call: InboundCall) -> None:
        self.call = call

    def on_bye(self, dialog_id) -> None:
        self.call.end_reason = Call.EndReason.TRANSFERRED
        self.call.agent_dialog_closed = True
        self.call.hung_up.set()

    def on_digit(self, digit: str) -> None:
        """Digits from the far party are the parties' business."""


# -- attended ------------------------------------------------------------------------------


async def consult(engine: Engine, call_id: str, target: Target) -> Consultation:
    call = live_call(engine, call_id)
    check(engine, call, target)
    target_agent = target.agent_id
    if target.type == TargetType.QUEUE:
        target_agent = _queue_agent(engine, engine.config.queues_by_id[target.queue_id])
    row = await records.transfer_requested(
        call.record, kind=CallTransfer.Kind.ATTENDED, by_agent_id=call.agent_id, **target.fields()
    )
    consultation = call.consult = Consultation(call, target, target_agent, row)
    engine._spawn(consultation.run())
    return consultation


def _queue_agent(engine: Engine, queue) -> int:
    """The queue's free agent with the best level for its skill."""
    best: tuple[int, int] | None = None
    for agent in engine.config.agents_by_id.values():
        level = agent.skills.get(queue.skill)
        if level is None or queue.language not in agent.languages:
            continue
        if not _free_agent(engine, agent.id):
            continue
        if best is None or level < best[0]:
            best = (level, agent.id)
    if best is None:
        raise TransferError("queue_no_agent")
    return best[1]


async def complete(engine: Engine, call_id: str) -> None:
    consultation = _consultation(engine, call_id)
    if consultation.far is None or consultation.agent_moved is None:
        raise TransferError("not_answered")
    consultation.decision.set_result("complete")


async def cancel(engine: Engine, call_id: str) -> None:
    consultation = _consultation(engine, call_id)
    if not consultation.decision.done():
        consultation.decision.set_result("cancel")


def _consultation(engine: Engine, call_id: str) -> Consultation:
    call = agent_ops.find(engine, call_id)
    consultation = getattr(call, "consult", None)
    if consultation is None or consultation.decision.done():
        raise TransferError("no_consultation")
    return consultation


class Consultation:
    def __init__(self, call: InboundCall, target: Target, target_agent: int | None, row) -> None:
        self.call, self.engine, self.target, self.row = call, call.engine, target, row
        self.target_agent = target_agent
        self.agent_id = call.agent_id
        self.browser = self.engine.browsers.handles(self.agent_id)
        self.desk = target_agent is not None and self.engine.browsers.handles(target_agent)
        self.id = new_call_id()  # rtpengine's call id for the consultation
        self.agent_tag, self.far_tag = new_tag(), new_tag()
        self.node = self.engine.media.allocate(self.id)
        self.far: outbound.Leg | consult_desk.DeskLeg | None = None
        self.agent_moved: bool | None = None
        self.caller_left_agent = False  # a failed hand-over gave the caller's call a new agent leg
        self.agent_sdp_sent = ""
        self.browser_offer: asyncio.Future | None = None
        self.decision: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.stop = asyncio.Event()

    async def run(self) -> None:
        outcome = Outcome.FAILED
        try:
            await self._reserve_target()
            await agent_ops.hold(self.call)
            await self._status("ringing")
            if not await self._ring():
                stopped = self.decision.done() or self.call.hung_up.is_set()
                outcome = Outcome.CANCELLED if stopped else Outcome.NO_ANSWER
                return
            await records.update(self.row, answered_at=timezone.now())
            await self._move_agent()
            await self._status("answered")
            if await self._decided() == "complete":
                await self._complete()
                outcome = Outcome.COMPLETED
            else:
                outcome = Outcome.CANCELLED
        except Exception:
            log.exception("consultation on %s failed", self.call.id)
            if self.call.hung_up.is_set():  # the caller left: nothing failed that still matters
                outcome = Outcome.CANCELLED
        finally:
            await self._finish(outcome)

    # -- the target -----------------------------------------------------------------------

    async def _reserve_target(self) -> None:
        """A consulted agent is paused ('consult') so the ACD offers them nothing meanwhile."""
        if self.target_agent is not None:
            self.engine._run(
                self.engine.acd.agent_paused(time.monotonic(), self.target_agent, "consult")
            )

    async def _ring(self) -> bool:
        far_offer = self.far_offer = await self._far_offer()
        dialling = asyncio.ensure_future(self._dial(far_offer))
        stop = asyncio.ensure_future(self._stopped())
        await asyncio.wait({dialling, stop}, return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        if not dialling.done():
            self.stop.set()
        leg = await dialling
        if isinstance(leg, str):
            return False
        self.far = leg
        if isinstance(leg, outbound.Leg):
            self.engine.register_dialog(leg.dialog.id, self)
        return not (self.decision.done() or self.call.hung_up.is_set())

    async def _far_offer(self) -> str:
        """rtpengine's offer for the target. A desk's WebRTC leg is answered once and last, so
        the agent's side is described already: a browser's own offer, a phone's address."""
        ng = self.node.client
        if not self.desk:
            return await ng.offer(self.id, self.agent_tag, sdp.placeholder(), rtp_leg())
        if self.browser:
            offer, options = (
                await self._browser_offer(),
                {**webrtc_leg(), "DTLS-reverse": "passive"},
            )
        else:
            offer, options = await consult_desk.agent_side_sdp(self.call), webrtc_leg()
        self.agent_offered = offer
        return await ng.offer(self.id, self.agent_tag, offer, options)

    async def _stopped(self) -> None:
        gone = asyncio.ensure_future(self.call.hung_up.wait())
        await asyncio.wait({gone, self.decision}, return_when=asyncio.FIRST_COMPLETED)
        gone.cancel()

    async def _dial(self, offer: str):
        if self.desk:
            return await consult_desk.ring(self, offer, RING_SECONDS)
        if self.target.type == TargetType.NUMBER:
            return await _dial_number(self.call, self.target.number, offer, self.stop)
        found = self.engine.agent_target(self.target_agent, self.call.trunk.id)
        if found is None:
            return "rejected"
        shown = self.call.number.number if found.via_trunk else self.call.record.caller_number
        leg = await outbound.dial(self.engine, found.uri, found.target,
                                  from_addr=outbound.caller_id(self.engine, shown), sdp=offer,
                                  ring_seconds=RING_SECONDS, stop=self.stop,
                                  credentials=found.credentials)  # fmt: skip
        if isinstance(leg, str) or not found.via_trunk:
            return leg
        return await self._mobile_confirmed(leg)

    async def _mobile_confirmed(self, leg: outbound.Leg):
        """A mobile takes the consultation with the confirm key, as when the ACD rings it."""
        await self.node.client.answer(self.id, self.agent_tag, self.far_tag, leg.sdp, rtp_leg())
        self.engine.register_dialog(leg.dialog.id, self)
        confirmation = mobile.MobileLeg(self.id, self.far_tag, leg.dialog, self.call.ivr.language)
        if await mobile.confirmed(self.engine, self.node, confirmation, self.stop):
            return leg
        await outbound.hang_up(self.engine, leg)
        return "stopped" if self.stop.is_set() else "no_answer"

    def on_bye(self, dialog_id) -> None:
        """The target hung up: the agent goes back to the caller."""
        if self.far is not None and dialog_id == self.far.dialog.id:
            self.engine.dialogs.pop(dialog_id, None)
            self.far = None
            if not self.decision.done():
                self.decision.set_result("cancel")

    def target_hung_up(self) -> None:
        """The consulted desk hung up: the agent goes back to the caller."""
        if not self.decision.done():
            self.decision.set_result("cancel")

    def on_digit(self, digit: str) -> None:
        """Digits in the consultation are between the agent and the target."""

    # -- the agent's device -----------------------------------------------------------------

    async def _move_agent(self) -> None:
        """The agent now talks to the target: their device joins the consultation."""
        ng = self.node.client
        if self.desk:
            await self._move_agent_to_desk()
            return
        if self.browser:
            browser_sdp = await self._browser_offer()
            far_sdp = await ng.offer(self.id, self.agent_tag, browser_sdp, BROWSER_OFFERS)
            answer = await ng.answer(self.id, self.agent_tag, self.far_tag, self.far.sdp,
                                     webrtc_leg())  # fmt: skip
            await self.engine.browsers.send(self.agent_id, "agent.consult_answer",
                                            call=str(self.call.record.id), sdp=answer)  # fmt: skip
        else:
            to_agent = await ng.answer(self.id, self.agent_tag, self.far_tag, self.far.sdp,
                                       rtp_leg())  # fmt: skip
            self.agent_moved = True
            agent_sdp = await self._reinvite_agent(to_agent)
            far_sdp = await ng.offer(self.id, self.agent_tag, agent_sdp, rtp_leg())
            await ng.answer(self.id, self.agent_tag, self.far_tag, self.far.sdp, rtp_leg())
        self.agent_moved = True
        if sdp.media_address(far_sdp) != sdp.media_address(self.far_offer):
            await outbound.reinvite(self.engine, self.far, far_sdp)

    async def _move_agent_to_desk(self) -> None:
        """The desk answered: its answer goes to rtpengine, rtpengine's to the agent."""
        ng = self.node.client
        options = webrtc_leg() if self.browser else rtp_leg()
        to_agent = await ng.answer(self.id, self.agent_tag, self.far_tag, self.far.sdp, options)
        self.agent_moved = True
        if self.browser:
            await self.engine.browsers.send(self.agent_id, "agent.consult_answer",
                                            call=str(self.call.record.id), sdp=to_agent)  # fmt: skip
            return
        agent_sdp = await self._reinvite_agent(to_agent)
        if sdp.media_address(agent_sdp) != sdp.media_address(self.agent_offered):
            # The phone moved its media: tell rtpengine (the desk's leg is negotiated again).
            await ng.offer(self.id, self.agent_tag, agent_sdp, webrtc_leg())
            await ng.answer(self.id, self.agent_tag, self.far_tag, self.far.sdp, rtp_leg())

    async def _browser_offer(self) -> str:
        self.browser_offer = asyncio.get_running_loop().create_future()
        await self.engine.browsers.send(self.agent_id, "agent.consult",
                                        call=str(self.call.record.id))  # fmt: skip
        return await asyncio.wait_for(self.browser_offer, BROWSER_SECONDS)

    def browser_sdp(self, offer: str) -> None:
        if self.browser_offer is not None and not self.browser_offer.done():
            self.browser_offer.set_result(offer)

    async def _reinvite_agent(self, offer: str) -> str:
        call = self.call
        request = call.agent_dialog.reinvite(offer.encode())
        response = await self.engine.endpoint.request(request, call.agent_target)
        if not 200 <= response.status < 300:
            raise MediaError(f"agent refused the re-INVITE: {response.status}")
        await self.engine.endpoint.send_ack(call.agent_dialog.ack(response), call.agent_target)
        return response.body.decode()

    async def _decided(self) -> str:
        gone = asyncio.ensure_future(self.call.hung_up.wait())
        await asyncio.wait({gone, self.decision}, return_when=asyncio.FIRST_COMPLETED)
        gone.cancel()
        return self.decision.result() if self.decision.done() else "cancel"

    # -- the end ---------------------------------------------------------------------------

    async def _complete(self) -> None:
        """The target's leg moves to the caller's call; the agent leaves."""
        if self.desk:
            await self._complete_to_desk()
            return
        call, far = self.call, self.far
        x_offer = await _plain_agent_side(call)
        request = far.dialog.reinvite(x_offer.encode())
        response = await self.engine.endpoint.request(request, far.target)
        if not 200 <= response.status < 300:
            raise MediaError(f"the target refused the re-INVITE: {response.status}")
        await self.engine.endpoint.send_ack(far.dialog.ack(response), far.target)
        await _connect_caller(call, response.body.decode())
        with contextlib.suppress(MediaError):
            await call.node.client.unblock_media(call.id, call.caller_tag)
        if (since := call.held_since) is not None:
            call.held_since = None
            held = call.entry.hold_seconds + (time.monotonic() - since)
            await records.update(call.entry, hold_seconds=held)
        external = self.target.type == TargetType.NUMBER
        self.engine.dialogs.pop(far.dialog.id, None)
        await self._release_agent_to_target(external)
        _hand_over(call, far, external=external)
        self.far = None  # the call owns the leg now

    async def _complete_to_desk(self) -> None:
        """The target's desk takes the caller's call on a new leg; the agent leaves."""
        call = self.call
        await consult_desk.hand_over(self)
        self.far = None  # the desk closed the consultation's leg for the call's
        if (since := call.held_since) is not None:
            call.held_since = None
            held = call.entry.hold_seconds + (time.monotonic() - since)
            await records.update(call.entry, hold_seconds=held)
        await self._release_agent_to_target(external=False)
        consult_desk.took_call(self)

    async def _release_agent_to_target(self, external: bool) -> None:
        call, engine = self.call, self.engine
        await records.update(call.entry, talk_seconds=agent_ops._since(call.record.answered_at))
        await _leave_browser(call, self.agent_id)
        if call.agent_dialog is not None:
            await outbound.hang_up(engine, outbound.Leg(call.agent_dialog, call.agent_target, ""))
            call.agent_dialog = None
        with contextlib.suppress(AcdStateError, KeyError):
            engine._run(engine.acd.call_ended(time.monotonic(), call.id))
        if external:
            call.connected.clear()
            call.agent_id = None
            return
        queue = call.queue
        if self.target.type == TargetType.QUEUE:
            queue = engine.config.queues_by_id[self.target.queue_id]
        engine._run(engine.acd.call_taken(time.monotonic(), call.id, queue.id, self.target_agent))
        call.agent_id, call.queue = self.target_agent, queue
        call.entry = await records.queue_entered(call.record, queue.id, call.entry.entered_at)
        await records.queue_left(call.entry, QueueEntry.Outcome.ANSWERED, self.target_agent)
        await records.update(call.record, agent_id=self.target_agent)

    async def _back_to_caller(self) -> None:
        """Cancelled or not answered: the agent talks to the caller again."""
        call = self.call
        if self.browser and self.caller_left_agent:
            await consult_desk.take_back(self)
        elif self.agent_moved and not self.browser and call.agent_dialog is not None:
            agent_sdp = await self._reinvite_agent(call.agent_offer)
            ng = call.node.client
            caller_sdp = await ng.answer(call.id, call.caller_tag, call.agent_tag, agent_sdp,
                                         rtp_leg())  # fmt: skip
            if sdp.media_address(caller_sdp) != sdp.media_address(call.caller_sdp):
                await call._reinvite_caller(caller_sdp)
        await agent_ops.unhold(call)

    async def _finish(self, outcome: str) -> None:
        self.stop.set()
        call = self.call
        if isinstance(self.far, consult_desk.DeskLeg):
            await consult_desk.end(self)
        elif self.far is not None:
            await outbound.hang_up(self.engine, self.far)
        self.far = None
        if outcome != Outcome.COMPLETED and not call.hung_up.is_set():
            try:
                await self._back_to_caller()
            except Exception:
                log.exception("could not bring the agent back to the caller on %s", call.id)
                await self._caller_to_queue()
        if outcome != Outcome.COMPLETED and self.target_agent is not None:
            self.engine.set_agent_state(self.target_agent, self._target_state())
        with contextlib.suppress(MediaError):
            await self.node.client.delete(self.id)
        self.engine.media.release(self.id)
        call.consult = None
        if self.browser:
            await self.engine.browsers.send(self.agent_id, "agent.consult_end",
                                            call=str(call.record.id))  # fmt: skip
        caller_gone = outcome != Outcome.COMPLETED and call.hung_up.is_set()
        await self._status("caller_gone" if caller_gone else str(outcome))
        answered = outcome == Outcome.COMPLETED
        await records.transfer_ended(self.row, outcome, answered=answered)

    async def _caller_to_queue(self) -> None:
        """The agent cannot be brought back: the caller waits in the queue at their place rather
        than talk to nobody, and the agent wraps up."""
        call = self.call
        try:
            await release_agent(call)
            await requeue(call, call.queue)
        except Exception:
            log.exception("could not put the caller of %s back in the queue", call.id)
            call.end_reason = Call.EndReason.FAILED
            call.hung_up.set()

    def _target_state(self) -> str:
        """A consulted agent is free again, unless their desk is gone (then logged out)."""
        browsers = self.engine.browsers
        if self.desk and not browsers.connections.get(self.target_agent):
            return "offline"
        return "available"

    async def _status(self, status: str) -> None:
        if self.browser:
            await self.engine.browsers.send(self.agent_id, "agent.transfer", status=status,
                                            call=str(self.call.record.id))  # fmt: skip
