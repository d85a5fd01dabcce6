"""The engine's writes to the system of record. Each is committed before it is announced.

All ORM work runs in Django's single sync thread (`sync_to_async`, thread-sensitive), so the
event loop never blocks on the database; events go out from the loop once the write returned.
"""

import datetime

from asgiref.sync import sync_to_async
from django.db import transaction
from django.utils import timezone

from sportello.switchboard.engine import events
from sportello.switchboard.models import (
    AgentStateChange,
    Call,
    CallbackRequest,
    CallTransfer,
    QueueEntry,
    Recording,
    Voicemail,
)


async def update(obj, **fields) -> None:
    """Save the given fields of a row the engine already holds (a call, entry, callback)."""
    await sync_to_async(_save)(obj, **fields)


def _save(obj, **fields) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(fields))


def _close_interrupted(engine: str) -> int:
    now = timezone.now()
    with transaction.atomic():
        QueueEntry.objects.filter(left_at__isnull=True, call__engine=engine).update(
            left_at=now, outcome=QueueEntry.Outcome.ENGINE_RESTART
        )
        closed = Call.objects.filter(ended_at__isnull=True, engine=engine).update(
            ended_at=now, end_reason=Call.EndReason.ENGINE_RESTART
        )
        CallbackRequest.objects.filter(
            status=CallbackRequest.Status.DIALLING, call__engine=engine
        ).update(status=CallbackRequest.Status.WAITING)
    return closed


async def close_interrupted_calls(engine: str) -> int:
    """After a restart, close every call the previous run of the named engine left open (other
    engine instances' calls are still going)."""
    return await sync_to_async(_close_interrupted)(engine)


async def call_started(*, engine: str, **fields) -> Call:
    """A new call handled by the named engine instance."""
    call = await sync_to_async(Call.objects.create)(
        started_at=timezone.now(), engine=engine, **fields
    )
    await events.send("call.started", call=str(call.id), caller=call.caller_number)
    return call


async def call_ended(call: Call, reason: str) -> None:
    await sync_to_async(_save)(call, ended_at=timezone.now(), end_reason=reason,
                               ivr_path=call.ivr_path, language=call.language)  # fmt: skip
    await events.send("call.ended", call=str(call.id), reason=reason)


async def queue_entered(call: Call, queue_id: int, entered_at: datetime.datetime | None = None):
    entry = await sync_to_async(QueueEntry.objects.create)(
        call=call, queue_id=queue_id, entered_at=entered_at or timezone.now()
    )
    await events.send("queue.entered", call=str(call.id), queue=queue_id)
    return entry


async def queue_left(entry: QueueEntry, outcome: str, agent_id: int | None = None) -> None:
    if entry.left_at is not None:
        return
    await sync_to_async(_save)(entry, left_at=timezone.now(), outcome=outcome, agent_id=agent_id,
                               ring_attempts=entry.ring_attempts)  # fmt: skip
    await events.send("queue.left", call=str(entry.call_id), queue=entry.queue_id,
                      outcome=outcome, agent=agent_id)  # fmt: skip


async def agent_state(
    agent_id: int, state: str, reason: str = "", call: Call | None = None
) -> None:
    await sync_to_async(AgentStateChange.objects.create)(
        agent_id=agent_id, state=state, reason=reason, at=timezone.now(), call=call
    )
    await events.send("agent.state", agent=agent_id, state=state, reason=reason)


async def callback_requested(
    call: Call, queue_id: int, number: str, queued_since, *, typed: bool = False
) -> CallbackRequest:
    return await sync_to_async(CallbackRequest.objects.create)(
        call=call, queue_id=queue_id, number=number, number_typed=typed,
        requested_at=timezone.now(), queued_since=queued_since,
    )  # fmt: skip


async def voicemail_saved(call: Call, queue_id: int, file: str) -> Voicemail:
    message = await sync_to_async(Voicemail.objects.create)(call=call, queue_id=queue_id, file=file)
    await events.send("voicemail.saved", call=str(call.id), queue=queue_id, voicemail=message.id)
    return message


async def recording_saved(call: Call, file: str, delete_after: datetime.datetime) -> Recording:
    recording = await sync_to_async(Recording.objects.create)(
        call=call, file=file, delete_after=delete_after
    )
    await events.send("recording.saved", call=str(call.id), recording=recording.id)
    return recording


async def call_event(kind: str, call: Call | None) -> None:
    """A change of a live call that has no row of its own (hold, resume)."""
    if call is not None:
        await events.send(kind, call=str(call.id))


async def transfer_requested(call: Call, **fields) -> CallTransfer:
    row = await sync_to_async(CallTransfer.objects.create)(
        call=call, requested_at=timezone.now(), **fields
    )
    await events.send("call.transfer", call=str(call.id), transfer=row.id, transfer_kind=row.kind,
                      target=row.target_type, by_agent=row.by_agent_id)  # fmt: skip
    return row


async def transfer_ended(row: CallTransfer, outcome: str, *, answered: bool = False) -> None:
    now = timezone.now()
    fields = {"ended_at": now, "outcome": outcome}
    if answered and row.answered_at is None:
        fields["answered_at"] = now
    await sync_to_async(_save)(row, **fields)
    await events.send("call.transfer_ended", call=str(row.call_id), transfer=row.id,
                      outcome=outcome)  # fmt: skip
