"""Callbacks: a waiting caller asks to be called back and keeps their place in the queue.

After the key the caller chooses the number to be called on: the one they call from, or one they
type (``callback_number``). The number is taken while the call still waits in the ACD, and only
a confirmed number turns the call into a callback there; an agent free meanwhile just gets the
call.

When the ACD offers the callback (``OfferCall.callback``) the engine rings the agent, then calls
the citizen through the trunk and bridges them. A citizen who does not answer is tried again
after a delay, up to a limit; the outcome goes on the ``CallbackRequest``.

Waiting requests live in the database, so a restarted engine queues them again at their
original place (``restore``); those too old or out of attempts are closed as failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from asgiref.sync import sync_to_async
from django.utils import timezone

from sportello.switchboard import ivr
from sportello.switchboard.acd import AcdStateError, OfferCall
from sportello.switchboard.callback_number import DEFAULT_DIGIT_SECONDS, Chosen, NumberEntry
from sportello.switchboard.engine import callback_number, outbound, records
from sportello.switchboard.engine.bridge import Bridge
from sportello.switchboard.engine.media.ng import MediaError
from sportello.switchboard.models import Call, CallbackRequest, QueueEntry

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sportello.switchboard.engine.config import QueueInfo
    from sportello.switchboard.engine.engine import Engine
    from sportello.switchboard.engine.session import InboundCall

log = logging.getLogger(__name__)
KEY = "1"
CITIZEN_RING_SECONDS = 30.0
DEFAULT_EXPIRY_SECONDS = 24 * 3600.0
OFFERS_TO_WAIT_OUT = 3  # agents who may ring, one after another, as the caller confirms


@dataclass
class Pending:
    request: CallbackRequest
    queue_id: int
    trunk_id: int
    number: str
    presented_number: str
    language: str
    enqueued_at: float  # the caller's place, on the ACD's clock


class CallbackDesk:
    def __init__(
        self, engine: Engine, *, attempts: int = 3, retry_seconds: float = 60.0,
        expiry_seconds: float = DEFAULT_EXPIRY_SECONDS,
        digit_seconds: float = DEFAULT_DIGIT_SECONDS,
    ) -> None:  # fmt: skip
        self.engine = engine
        self.attempts = attempts
        self.retry_seconds = retry_seconds
        self.digit_seconds = digit_seconds
        self.expiry = datetime.timedelta(seconds=expiry_seconds)
        self.pending: dict[str, Pending] = {}

    # -- after a restart -------------------------------------------------------------------

    async def restore(self) -> int:
        """Queue again the requests a previous run left waiting; how many were queued."""
        restored = 0
        for row in await sync_to_async(_waiting_requests)(self.engine.settings.name):
            reason = self._cannot_restore(row)
            if reason:
                await records.update(row, status=CallbackRequest.Status.FAILED, outcome=reason,
                                     completed_at=timezone.now())  # fmt: skip
                continue
            waited = max(0.0, (timezone.now() - row.queued_since).total_seconds())
            pending = Pending(
                row, row.queue_id, row.call.trunk_id, row.number, row.call.called_number,
                row.call.language, time.monotonic() - waited,
            )  # fmt: skip
            self.pending[row.call.sip_call_id] = pending
            self._arrive(row.call.sip_call_id, pending)
            restored += 1
        return restored

    def _cannot_restore(self, row: CallbackRequest) -> str:
        if timezone.now() - row.requested_at > self.expiry:
            return "expired"
        if row.attempts >= self.attempts:
            return "not_reached"
        config = self.engine.config
        if row.queue_id not in config.queues_by_id:
            return "no_queue"
        if not any(t.id == row.call.trunk_id for t in config.trunks):
            return "no_trunk"
        return ""

    # -- the request, from a caller waiting in queue ---------------------------------------

    async def request(self, call: InboundCall) -> bool:
        """The caller pressed the key while waiting: take the number, keep the place, confirm,
        hang up. False when the caller stays on the line (gave up, or an agent took the call)."""
        chosen = await self._ask_number(call, interrupt=call.outcome)
        kept = chosen is not None and await self._keep_place(call)
        if not kept:
            if chosen is not None and not call.outcome.done():
                not_booked = ivr.Play("callback_not_booked", call.ivr.language)
                async with _prompting(call):  # an agent answering cuts it short
                    await callback_number.say(call, not_booked, call.outcome)
            if not call.outcome.done():
                await call._start_music()
            return False
        await records.queue_left(call.entry, QueueEntry.Outcome.CALLBACK)
        call.leave_queue("callback")
        await self._register(call, chosen, call.queue, call.entry.entered_at)
        await _confirm(call, chosen)
        return True

    async def _ask_number(
        self, call: InboundCall, interrupt: asyncio.Future | None
    ) -> Chosen | None:
        entry = NumberEntry(call.record.caller_number, call.ivr.language, self.digit_seconds)
        async with _prompting(call):
            return await callback_number.ask(call, entry, interrupt)

    async def _keep_place(self, call: InboundCall) -> bool:
        """Turn the waiting call into a callback in the ACD; an agent ringing for it is waited
        out first (they may answer: then False, and the call just connects). The ACD offers a
        missed call again at once, to the same agent if no other is free, until that agent is
        paused for missing it: so after each offer waited out the request is tried again."""
        waited = 0
        while True:
            try:
                self.engine._run(self.engine.acd.callback_requested(time.monotonic(), call.id))
                return True
            except KeyError:
                return False
            except AcdStateError:
                if waited == OFFERS_TO_WAIT_OUT or not await self._offer_settled(call):
                    return False
                waited += 1

    async def _offer_settled(self, call: InboundCall) -> bool:
        """Wait for the agent ringing now; True when the call is back waiting in the queue."""
        offer = self.engine._offers.get(call.id)
        if offer is None:
            return False
        await call._start_music()
        gone = asyncio.ensure_future(call.hung_up.wait())
        await asyncio.wait({offer, gone, call.outcome}, return_when=asyncio.FIRST_COMPLETED)
        gone.cancel()
        call._check_caller()
        return not call.outcome.done()

    async def accept_exit_offer(self, call: InboundCall) -> bool:
        """The queue's wait ran out with a callback offer: press the key to be called back."""
        with contextlib.suppress(MediaError):
            await call.node.client.stop_media(call.id, call.caller_tag)
        digit = await call._play(ivr.Play("callback_offer", call.ivr.language), barge_in=True)
        if digit is None:
            digit = await call._next_digit(6.0)
        if digit != KEY:
            return False
        chosen = await self._ask_number(call, interrupt=None)  # the call has left the ACD
        if chosen is None:
            return False
        queue, entered = call.queue, call.entry.entered_at
        pending = await self._register(call, chosen, queue, entered)
        self._arrive(call.id, pending)
        await _confirm(call, chosen)
        return True

    async def _register(
        self, call: InboundCall, chosen: Chosen, queue: QueueInfo, entered
    ) -> Pending:
        number = chosen.number
        row = await records.callback_requested(
            call.record, queue.id, number, entered, typed=chosen.typed
        )
        waited = (timezone.now() - entered).total_seconds()
        pending = Pending(
            row, queue.id, call.trunk.id, number, call.number.number, call.ivr.language,
            time.monotonic() - max(0.0, waited),
        )  # fmt: skip
        self.pending[call.id] = pending
        return pending

    def _arrive(self, acd_id: str, pending: Pending) -> None:
        now = time.monotonic()
        self.engine._run(self.engine.acd.call_arrived(
            now, acd_id, pending.queue_id, callback=True, enqueued_at=min(now, pending.enqueued_at)
        ))  # fmt: skip

    # -- the offer, when an agent is free --------------------------------------------------

    async def offer(self, command: OfferCall) -> None:
        engine, acd_id = self.engine, command.call
        pending = self.pending.get(acd_id)
        target = pending and engine.agent_target(command.agent, pending.trunk_id)
        if pending is None or target is None:
            with contextlib.suppress(AcdStateError):
                engine._run(engine.acd.ring_no_answer(time.monotonic(), acd_id))
            return
        queue = engine.config.queues_by_id[command.queue]
        bridge = Bridge(engine, pending.presented_number)
        bridge.language = pending.language or "it"
        try:
            await self._ring_and_dial(bridge, pending, command, float(queue.ring_seconds))
        finally:
            await bridge.finish()
            engine._offers.pop(acd_id, None)

    async def _ring_and_dial(self, bridge: Bridge, pending: Pending, command: OfferCall,
                             ring_seconds: float) -> None:  # fmt: skip
        engine, acd_id = self.engine, command.call
        target = engine.agent_target(command.agent, pending.trunk_id)
        result = await bridge.ring_agent(target, ring_seconds)
        if result != "answered":
            with contextlib.suppress(AcdStateError):
                miss = (
                    engine.acd.offer_rejected if result == "rejected" else engine.acd.ring_no_answer
                )
                engine._run(miss(time.monotonic(), acd_id))
            return
        engine._run(engine.acd.offer_accepted(time.monotonic(), acd_id))
        pending.request.attempts += 1
        await records.update(pending.request, status=CallbackRequest.Status.DIALLING,
                                      attempts=pending.request.attempts)  # fmt: skip
        record = await records.call_started(
            sip_call_id=bridge.id, direction=Call.Direction.CALLBACK, trunk_id=pending.trunk_id,
            caller_number=pending.presented_number, called_number=pending.number,
            agent_id=command.agent, language=pending.language, engine=engine.settings.name,
        )  # fmt: skip
        trunk = next(t for t in engine.config.trunks if t.id == pending.trunk_id)
        far = outbound.trunk_destination(trunk, pending.number)
        answered = await bridge.dial_far(far, CITIZEN_RING_SECONDS) == "answered"
        if answered:
            await records.update(record, answered_at=timezone.now())
            await records.update(
                pending.request, status=CallbackRequest.Status.DONE, outcome="answered",
                completed_at=timezone.now(),
            )  # fmt: skip
            self.pending.pop(acd_id, None)
            await bridge.talk()
        await bridge.finish()
        await records.call_ended(record, bridge.end_reason if answered else Call.EndReason.FAILED)
        with contextlib.suppress(AcdStateError, KeyError):
            engine._run(engine.acd.call_ended(time.monotonic(), acd_id))
        if not answered:
            await self._not_reached(acd_id, pending)

    async def _not_reached(self, acd_id: str, pending: Pending) -> None:
        if pending.request.attempts >= self.attempts:
            self.pending.pop(acd_id, None)
            await records.update(
                pending.request, status=CallbackRequest.Status.FAILED, outcome="not_reached",
                completed_at=timezone.now(),
            )  # fmt: skip
            return
        await records.update(pending.request, status=CallbackRequest.Status.WAITING,
                                      outcome="not_reached")  # fmt: skip
        self.engine._spawn(self._retry_later(acd_id, pending))

    async def _retry_later(self, acd_id: str, pending: Pending) -> None:
        await asyncio.sleep(self.retry_seconds)
        if self.pending.get(acd_id) is pending:
            self._arrive(acd_id, pending)


def _waiting_requests(engine: str) -> list[CallbackRequest]:
    waiting = CallbackRequest.objects.filter(
        status=CallbackRequest.Status.WAITING, call__engine=engine
    )
    return list(waiting.select_related("call").order_by("queued_since", "id"))


@contextlib.asynccontextmanager
async def _prompting(call: InboundCall) -> AsyncIterator[None]:
    """Prompts to a caller who may still wait in the queue: the music stops, and no position
    announcement plays over them."""
    call.prompting = True
    try:
        with contextlib.suppress(MediaError):
            await call.node.client.stop_media(call.id, call.caller_tag)
        yield
    finally:
        call.prompting = False


async def _confirm(call: InboundCall, chosen: Chosen) -> None:
    with contextlib.suppress(MediaError):
        await call.node.client.stop_media(call.id, call.caller_tag)
    prompt = "callback_confirmed_typed" if chosen.typed else "callback_confirmed"
    await call._play(ivr.Play(prompt, call.ivr.language), barge_in=False)
