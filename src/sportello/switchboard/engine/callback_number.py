"""Taking the number to call back on: plays ``switchboard.callback_number.NumberEntry`` to a caller.

Digits come from ``InboundCall.digits`` (RFC 4733 through rtpengine's DTMF log, or SIP INFO).
While the caller types, their call may still wait in the ACD: once ``interrupt`` (the call's
queue outcome) is settled, an agent took the call or the queue let it go, and the entry is
dropped at once with its prompt stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from sportello.switchboard.callback_number import Chosen, NumberEntry
from sportello.switchboard.engine.media.ng import MediaError
from sportello.switchboard.ivr import Collect, Play

if TYPE_CHECKING:
    from sportello.switchboard.engine.session import InboundCall


class Interrupted(Exception):
    """The call's queue outcome was settled while the caller was typing."""


async def ask(
    call: InboundCall, entry: NumberEntry, interrupt: asyncio.Future | None = None
) -> Chosen | None:
    """The number the caller chose; None when they gave up or ``interrupt`` came first."""
    actions = entry.start()
    try:
        while actions:
            action = actions.pop(0)
            if isinstance(action, Play):
                barge_in = any(isinstance(a, Collect) for a in actions)
                digit = await _play(call, action, interrupt, barge_in=barge_in)
                if digit is not None:
                    actions = entry.digit(digit)
            elif isinstance(action, Collect):
                digit = await _wait(call, action.timeout, interrupt, take_digit=True)
                actions = entry.digit(digit) if digit is not None else entry.timeout()
            else:
                return action if isinstance(action, Chosen) else None
    except Interrupted:
        return None
    return None


async def say(call: InboundCall, play: Play, interrupt: asyncio.Future) -> None:
    """Play a prompt to its end, or until ``interrupt`` settles (then it is stopped)."""
    with contextlib.suppress(Interrupted):
        await _play(call, play, interrupt, barge_in=False)


async def _play(
    call: InboundCall, play: Play, interrupt: asyncio.Future | None, *, barge_in: bool
) -> str | None:
    """Play a prompt to its end; with barge_in a digit stops it and is returned."""
    if interrupt is not None and interrupt.done():
        raise Interrupted
    path = call.engine.prompt(play.prompt, play.language)
    duration = await call.node.client.play_media(call.id, call.caller_tag, file=path)
    try:
        digit = await _wait(call, (duration or 3000) / 1000, interrupt, take_digit=barge_in)
    except Interrupted:
        await _stop(call)  # the agent may have been put through as this prompt started
        raise
    if digit is not None:
        await _stop(call)
    return digit


async def _wait(
    call: InboundCall, seconds: float, interrupt: asyncio.Future | None, *, take_digit: bool
) -> str | None:
    """A digit (when take_digit), or None after ``seconds``; Hangup or Interrupted first."""
    gone = asyncio.ensure_future(call.hung_up.wait())
    key = asyncio.ensure_future(call.digits.get()) if take_digit else None
    waits = {gone, *([key] if key else []), *([interrupt] if interrupt else [])}
    try:
        await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
        if key is not None and not key.done():
            key.cancel()
    call._check_caller()
    if interrupt is not None and interrupt.done():
        raise Interrupted
    return key.result() if key is not None and key.done() and not key.cancelled() else None


async def _stop(call: InboundCall) -> None:
    with contextlib.suppress(MediaError):
        await call.node.client.stop_media(call.id, call.caller_tag)
