"""One inbound call from the trunk: IVR, queue, agent, bridge, hang-up.

The caller's leg is answered by the engine at once (rtpengine faces the caller, a placeholder
faces "the agent side"); when an agent answers, the agent side of the same rtpengine call is
re-negotiated to the agent's device, so the caller's media path never changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING

from sportello.switchboard import ivr
from sportello.switchboard.engine import (
    agent_ops,
    appointments,
    callbacks,
    mobile,
    outbound,
    recording,
    records,
    sdp,
    voicemail,
)
from sportello.switchboard.engine.media.legs import rtp_leg
from sportello.switchboard.engine.media.ng import MediaError, MediaNodeError
from sportello.switchboard.engine.sip import (
    Dialog,
    IncomingRequest,
    SipResponse,
    Target,
    new_tag,
)
from sportello.switchboard.models import Call, QueueEntry

if TYPE_CHECKING:
    from sportello.switchboard.engine.engine import Engine

log = logging.getLogger(__name__)
MOH_REPEAT = 1000


class Hangup(Exception):
    """The caller has gone."""


class InboundCall:
    def __init__(self, engine: Engine, invite: IncomingRequest, trunk, number) -> None:
        self.engine = engine
        self.invite = invite
        self.trunk = trunk
        self.number = number
        self.id = invite.request.call_id
        self.arrived = time.monotonic()
        self.caller_tag = invite.request.from_addr.tag or new_tag()
        self.agent_tag = new_tag()  # rtpengine's name for the agent side
        self.caller_dialog: Dialog | None = None
        self.agent_dialog: Dialog | None = None
        self.agent_id: int | None = None
        self.record: Call | None = None
        self.entry: QueueEntry | None = None
        self.queue = None
        self.node = None
        self.digits: asyncio.Queue[str] = asyncio.Queue()
        self.hung_up = asyncio.Event()
        self.connected = asyncio.Event()
        self.outcome: asyncio.Future = asyncio.get_running_loop().create_future()
        self.ivr = ivr.IvrSession(number.definition, is_open=engine.is_open(number))
        self._offer_task: asyncio.Task | None = None
        self.prompting = False  # a menu while waiting (the callback number): no announcements

    # -- life cycle -------------------------------------------------------------------

    async def run(self) -> None:
        reason = Call.EndReason.CALLER_HANGUP
        try:
            self.record = await records.call_started(
                sip_call_id=self.id, trunk_id=self.trunk.id, service_number_id=self.number.id,
                flow_version_id=self.number.flow_version_id,
                caller_number=self.invite.request.from_addr.uri.user or "",
                called_number=self.number.number, engine=self.engine.settings.name,
            )  # fmt: skip
            if not await self._answer_caller():
                reason = Call.EndReason.FAILED
                return
            reason = await self._walk_ivr()
        except Hangup:
            reason = Call.EndReason.CALLER_HANGUP
        except MediaError:
            log.exception("media failure on call %s", self.id)
            reason = Call.EndReason.FAILED
        except Exception:
            log.exception("call %s failed", self.id)
            reason = Call.EndReason.FAILED
        finally:
            await self._finish(reason)

    async def _answer_caller(self) -> bool:
        request = self.invite.request
        try:
            # The SDP rtpengine gives for the far side is what every agent will be offered.
            self.agent_offer = await self._offer_to_media(request.body.decode())
            answer = await self.node.client.answer(self.id, self.caller_tag, self.agent_tag,
                                                   sdp.placeholder(), rtp_leg())  # fmt: skip
        except MediaError:
            if self.node is not None:
                self.engine.media.mark_down(self.node)
            self.invite.respond(503, "Media Unavailable")
            raise
        if self.invite.cancelled.is_set():
            return False
        response = self.invite.respond(200, body=answer.encode(), content_type="application/sdp",
                                       contact=self.engine.contact())  # fmt: skip
        self.caller_sdp = answer
        self.caller_dialog = Dialog.for_uas(request, response)
        self.engine.register_dialog(self.caller_dialog.id, self)
        if await self.invite.wait_ack() is None:
            return False
        return True

    async def _offer_to_media(self, caller_sdp: str) -> str:
        """Offer the caller's SDP to a media node; a node that does not answer is skipped."""
        pool = self.engine.media
        for _ in pool.nodes:
            self.node = pool.allocate(self.id)
            try:
                return await self.node.client.offer(self.id, self.caller_tag, caller_sdp, rtp_leg())
            except MediaNodeError:
                log.warning("call %s: media node %s:%s failed", self.id, *self.node.address)
                pool.mark_down(self.node)
                pool.release(self.id)
        self.node = None
        raise MediaNodeError("no media node answered")

    async def _walk_ivr(self) -> str:
        actions = self.ivr.start()
        while actions:
            action = actions.pop(0)
            if isinstance(action, ivr.Play):
                interrupted = await self._play(action, barge_in=bool(actions))
                if interrupted is not None:
                    actions = self.ivr.digit(interrupted)
                elif not actions:
                    actions = self.ivr.prompt_ended()
            elif isinstance(action, ivr.Collect):
                digit = await self._next_digit(action.timeout)
                actions = self.ivr.digit(digit) if digit else self.ivr.timeout()
            elif isinstance(action, ivr.EnterQueue):
                return await self._queue(action.skill, action.language)
            elif isinstance(action, ivr.Hangup):
                return Call.EndReason.AGENT_HANGUP if action.reason == "flow_end" else action.reason
            elif isinstance(action, ivr.BookAppointment):
                actions = self.ivr.booked(await appointments.book(self, action))
            elif isinstance(action, ivr.LeaveVoicemail):
                return await voicemail.leave(
                    self, voicemail.queue_for(self, action.skill, action.language)
                )
            else:  # callback steps without a queue-side implementation here
                await self._play(ivr.Play("goodbye", self.ivr.language), barge_in=False)
                return Call.EndReason.CLOSED
        return Call.EndReason.CLOSED

    # -- media helpers -----------------------------------------------------------------

    async def _play(self, play: ivr.Play, *, barge_in: bool, repeat: int = 1) -> str | None:
        """Play a prompt; with barge_in a digit stops it and is returned."""
        self._check_caller()
        path = self.engine.prompt(play.prompt, play.language)
        ng = self.node.client
        duration = await ng.play_media(self.id, self.caller_tag, file=path, repeat_times=repeat)
        seconds = (duration or 3000) / 1000 * repeat
        digit = await self._next_digit(seconds) if barge_in else await self._sleep(seconds)
        if digit:
            with contextlib.suppress(MediaError):
                await ng.stop_media(self.id, self.caller_tag)
        return digit

    async def _next_digit(self, timeout: float) -> str | None:
        self._check_caller()
        getter = asyncio.ensure_future(self.digits.get())
        gone = asyncio.ensure_future(self.hung_up.wait())
        done, pending = await asyncio.wait({getter, gone}, timeout=timeout,
                                           return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
        for task in pending:
            task.cancel()
        if gone in done:
            raise Hangup
        return getter.result() if getter in done else None

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.hung_up.wait(), seconds)
        self._check_caller()

    def _check_caller(self) -> None:
        if self.hung_up.is_set():
            raise Hangup

    # -- queue and agent ----------------------------------------------------------------

    async def _queue(self, skill: str, language: str) -> str:
        queue = self.engine.config.queues.get((skill, language)) or self.engine.config.queues.get(
            (skill, "it")
        )
        if queue is None:
            await self._play(ivr.Play("goodbye", language), barge_in=False)
            return Call.EndReason.FAILED
        self.queue = queue
        self.record.language = language
        self.record.ivr_path = list(self.ivr.path)
        if queue.record_calls:
            await self._play(ivr.Play("recording_consent", language), barge_in=False)
        self.entry = await records.queue_entered(self.record, queue.id)
        await self._start_music()
        self.engine.acd_call_arrived(self, queue.id)
        outcome = await self._wait_outcome()
        return outcome

    async def _start_music(self) -> None:
        path = self.engine.prompt("music_on_hold", "")
        with contextlib.suppress(MediaError):
            await self.node.client.play_media(self.id, self.caller_tag, file=path,
                                              repeat_times=MOH_REPEAT)  # fmt: skip

    async def _wait_outcome(self) -> str:
        gone = asyncio.ensure_future(self.hung_up.wait())
        while True:
            key = asyncio.ensure_future(self.digits.get())
            await asyncio.wait({gone, self.outcome, key}, return_when=asyncio.FIRST_COMPLETED)
            key.cancel()
            if self.outcome.done():
                gone.cancel()
                return await self._after_outcome(self.outcome.result())
            if gone.done():
                raise Hangup
            if key.result() == callbacks.KEY and await self.engine.callbacks.request(self):
                gone.cancel()
                return Call.EndReason.QUEUE_EXIT

    async def _after_outcome(self, outcome: str) -> str:
        if outcome == "connected":
            if await agent_ops.talk(self):  # blind-transferred back into a queue
                return await self._wait_outcome()
            return self.end_reason
        if outcome == "voicemail":
            await voicemail.leave(self, self.queue)
            return Call.EndReason.QUEUE_EXIT
        if outcome == "callback_offer" and await self.engine.callbacks.accept_exit_offer(self):
            return Call.EndReason.QUEUE_EXIT
        # Left the queue without an agent: tell the caller, then hang up.
        with contextlib.suppress(MediaError):
            await self.node.client.stop_media(self.id, self.caller_tag)
        prompt = "goodbye"
        with contextlib.suppress(Hangup):
            await self._play(ivr.Play(prompt, self.ivr.language), barge_in=False)
        return Call.EndReason.QUEUE_EXIT

    _announcing = False

    async def position(self, position: int, estimated_wait: float | None) -> None:
        """Tell a waiting caller where they are and how long the wait may be, then music."""
        from sportello.switchboard.engine.media.prompts_catalogue import (
            estimated_wait_key,
            queue_position_key,
        )

        if self.connected.is_set() or self.hung_up.is_set() or self._announcing or self.prompting:
            return  # the previous announcement (or a menu) is still playing: skip this one
        keys = [queue_position_key(position)]
        if estimated_wait is not None:  # unknown while no agent serves the queue
            keys.append(estimated_wait_key(estimated_wait))
        self._announcing = True
        try:
            with contextlib.suppress(MediaError, Hangup):
                await self.node.client.stop_media(self.id, self.caller_tag)
                for key in keys:
                    if self.outcome.done() or self.prompting:  # taken by an agent, or a menu began
                        return
                    await self._play(ivr.Play(key, self.ivr.language), barge_in=False)
                if not self.outcome.done() and not self.prompting:
                    await self._start_music()
        finally:
            self._announcing = False

    async def offer_to_agent(self, agent, target, ring_seconds: float) -> str:
        """Ring one agent's device; 'answered', 'rejected', 'no_answer' or 'gone'."""
        ng = self.node.client
        invite = self.engine.build_agent_invite(agent, target, self.agent_offer, self.record)
        request = asyncio.ensure_future(
            outbound.send_invite(
                self.engine,
                invite,
                target.target,
                credentials=target.credentials,
                on_provisional=self._ringing,
            )
        )
        gone = asyncio.ensure_future(self.hung_up.wait())
        done, _ = await asyncio.wait({request, gone}, timeout=ring_seconds,
                                     return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
        if request not in done:
            await self.engine.endpoint.cancel(invite)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(request, 5)
            gone.cancel()
            return "gone" if self.hung_up.is_set() else "no_answer"
        gone.cancel()
        response: SipResponse = request.result()
        if not 200 <= response.status < 300:
            return "gone" if self.hung_up.is_set() else "rejected"
        dialog = Dialog.for_uac(invite, response)
        await self.engine.endpoint.send_ack(dialog.ack(response), target.target)
        if self.hung_up.is_set():
            await self.engine.endpoint.request(dialog.bye(), target.target)
            return "gone"
        self.agent_dialog = dialog
        self.agent_target = target.target
        self.engine.register_dialog(dialog.id, self)
        caller_sdp = await ng.answer(self.id, self.caller_tag, self.agent_tag,
                                     response.body.decode(), rtp_leg())  # fmt: skip
        if target.via_trunk and not await self._mobile_confirmed(dialog):
            with contextlib.suppress(MediaError):  # the caller may be gone, their media with them
                await agent_ops._drop_agent(self)
            return "gone" if self.hung_up.is_set() else "no_answer"
        with contextlib.suppress(MediaError):
            await ng.stop_media(self.id, self.caller_tag)
        if sdp.media_address(caller_sdp) != sdp.media_address(self.caller_sdp):
            await self._reinvite_caller(caller_sdp)
        return "answered"

    async def _mobile_confirmed(self, dialog: Dialog) -> bool:
        leg = mobile.MobileLeg(self.id, self.agent_tag, dialog, self.ivr.language, self.caller_tag)
        return await mobile.confirmed(self.engine, self.node, leg, self.hung_up)

    async def _reinvite_caller(self, new_sdp: str) -> None:
        """rtpengine moved the caller-facing port: tell the caller where to send audio now."""
        self.caller_sdp = new_sdp
        request = self.caller_dialog.reinvite(new_sdp.encode())
        response = await self.engine.endpoint.request(request, self._caller_target())
        if 200 <= response.status < 300:
            await self.engine.endpoint.send_ack(
                self.caller_dialog.ack(response), self._caller_target()
            )

    def _ringing(self, response: SipResponse) -> None:
        if response.status == 180 and not getattr(self, "rang", False):
            self.rang = True
            self.engine.setup_latencies.append(time.monotonic() - self.arrived)

    def connect(self, agent_id: int) -> None:
        self.agent_id = agent_id
        self.connected.set()
        if self.queue is not None and self.queue.record_calls:
            self.engine._spawn(recording.start(self, recording.for_queue(self.queue)))
        if not self.outcome.done():
            self.outcome.set_result("connected")

    def leave_queue(self, action: str) -> None:
        if not self.outcome.done():
            self.outcome.set_result(action)

    # -- signalling from the endpoint ----------------------------------------------------

    end_reason = Call.EndReason.CALLER_HANGUP

    def on_bye(self, dialog_id) -> None:
        if self.agent_dialog is not None and dialog_id == self.agent_dialog.id:
            self.end_reason = Call.EndReason.AGENT_HANGUP
            self.agent_dialog_closed = True
        self.hung_up.set()

    def on_digit(self, digit: str) -> None:
        self.digits.put_nowait(digit)

    # -- the end -------------------------------------------------------------------------

    async def _finish(self, reason: str) -> None:
        log.debug("call %s finishing: %s", self.id, reason)
        self.hung_up.set()
        endpoint = self.engine.endpoint
        if self.caller_dialog is not None and reason != Call.EndReason.CALLER_HANGUP:
            with contextlib.suppress(Exception):
                await endpoint.request(self.caller_dialog.bye(), self._caller_target())
        if self.agent_dialog is not None and not getattr(self, "agent_dialog_closed", False):
            with contextlib.suppress(Exception):
                await endpoint.request(self.agent_dialog.bye(), self.agent_target)
        if self.node is not None:
            with contextlib.suppress(MediaError):
                self.stats = await self.node.client.query(self.id)
            with contextlib.suppress(MediaError):
                await self.node.client.delete(self.id)
            self.engine.media.release(self.id)
        await self.engine.call_finished(self, reason)
        await recording.after_call(self)

    def _caller_target(self) -> Target:
        source = self.invite.source
        return Target(source.host, source.port, source.transport)
