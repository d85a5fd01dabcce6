"""Voicemail: the caller leaves a message for a queue's mailbox (closed, or the queue's exit).

The message is recorded by rtpengine; after the call it becomes a WAV, a ``Voicemail`` row, and
a task that e-mails it to the queue's mailbox.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from asgiref.sync import sync_to_async

from sportello.switchboard import ivr
from sportello.switchboard.engine import recording, records
from sportello.switchboard.engine.media.ng import MediaError
from sportello.switchboard.models import Call

if TYPE_CHECKING:
    from sportello.switchboard.engine.config import QueueInfo
    from sportello.switchboard.engine.session import InboundCall

MAX_SECONDS = 120.0
END_KEY = "#"


def queue_for(call: InboundCall, skill: str, language: str) -> QueueInfo | None:
    queues = call.engine.config.queues
    return queues.get((skill, language)) or queues.get((skill, "it"))


async def leave(call: InboundCall, queue: QueueInfo | None) -> str:
    """Prompt, record until the caller hangs up, presses #, or the time is up."""
    language = call.ivr.language
    call.record.language, call.record.ivr_path = language, list(call.ivr.path)
    if queue is None:
        await call._play(ivr.Play("goodbye", language), barge_in=False)
        return Call.EndReason.CLOSED
    with contextlib.suppress(MediaError):
        await call.node.client.stop_media(call.id, call.caller_tag)
    await call._play(ivr.Play("voicemail_beep", language), barge_in=False)
    take = recording.Take("voicemail", queue.id, only_to=recording.caller_side(call))
    if not await recording.start(call, take):
        await call._play(ivr.Play("goodbye", language), barge_in=False)
        return Call.EndReason.CLOSED
    left = MAX_SECONDS
    loop = asyncio.get_running_loop()
    while left > 0:
        started = loop.time()
        if await call._next_digit(left) in (END_KEY, None):
            break
        left -= loop.time() - started
    await call._play(ivr.Play("goodbye", language), barge_in=False)
    return Call.EndReason.CLOSED


async def saved(call: InboundCall, take: recording.Take, wav: Path) -> None:
    """The message is on disk: record it, then hand its delivery to the task worker."""
    from sportello.switchboard import tasks

    message = await records.voicemail_saved(call.record, take.queue_id, str(wav))
    await sync_to_async(tasks.deliver_voicemail.enqueue)(message.id)
