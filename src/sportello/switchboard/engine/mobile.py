"""Agents who answer on a mobile phone: the engine calls the mobile number through the trunk.

The mobile is rung like a SIP phone (decline and no answer count the same) but over the
carrier, presenting the service number the citizen dialled, so the agent knows it is work.
A mobile's answer may be its voicemail: the agent hears a prompt and confirms with a key before
the caller is put through; no key in time counts as not answered (the ACD tries the next agent).
The caller keeps hearing music meanwhile and the mobile does not hear the caller.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sportello.switchboard.engine import outbound
from sportello.switchboard.engine.media.ng import MediaError
from sportello.switchboard.models import Agent

if TYPE_CHECKING:
    from sportello.switchboard.engine.config import AgentInfo, EngineConfig, TrunkInfo
    from sportello.switchboard.engine.engine import Engine
    from sportello.switchboard.engine.sip import Dialog


def answers_on_mobile(agent: AgentInfo | None) -> bool:
    return agent is not None and agent.device == Agent.Device.MOBILE


def destination(
    config: EngineConfig, agent: AgentInfo, trunk_id: int | None
) -> outbound.Destination | None:
    """Where to send the INVITE for ``agent``'s mobile: the call's trunk, else the first one."""
    trunk = _trunk(config, trunk_id)
    if trunk is None or not agent.mobile_number:
        return None
    return outbound.trunk_destination(trunk, agent.mobile_number)


def _trunk(config: EngineConfig, trunk_id: int | None) -> TrunkInfo | None:
    by_id = next((t for t in config.trunks if t.id == trunk_id), None)
    return by_id or next(iter(config.trunks), None)


# -- the agent confirms with a key ---------------------------------------------------------

CONFIRM_KEY = "1"
CONFIRM_SECONDS = 10.0  # from the answer: a voicemail or a phone answered in a pocket gets no call
CONFIRM_PROMPT = "agent_confirm"


class Confirmation:
    """Stands in for the call while the mobile's answer is confirmed: collects the agent's digits
    (RFC 4733 through rtpengine's log, or SIP INFO in the mobile's dialog) and its BYE."""

    def __init__(self) -> None:
        self.digits: asyncio.Queue[str] = asyncio.Queue()
        self.gone = asyncio.Event()

    def on_digit(self, digit: str) -> None:
        self.digits.put_nowait(digit)

    def on_bye(self, dialog_id) -> None:
        self.gone.set()


@dataclass
class MobileLeg:
    """The answered mobile in an rtpengine call; ``hush_tag`` is the party it must not hear yet."""

    call_id: str
    tag: str
    dialog: Dialog
    language: str
    hush_tag: str | None = None


async def confirmed(engine: Engine, node, leg: MobileLeg, stop: asyncio.Event) -> bool:
    """Ask the agent to press the key; True if they did in time (``stop``: the caller left)."""
    waiting = Confirmation()
    owner = engine.dialogs.get(leg.dialog.id)
    engine.dialogs[leg.dialog.id] = waiting
    engine.confirmations[(leg.call_id, leg.tag)] = waiting
    ng = node.client
    try:
        if leg.hush_tag is not None:
            await ng.block_media(leg.call_id, leg.hush_tag)
        prompt = engine.prompt(CONFIRM_PROMPT, leg.language)
        await ng.play_media(leg.call_id, leg.tag, file=prompt, repeat_times=3)
        pressed = await _key_pressed(waiting, stop)
        with contextlib.suppress(MediaError):
            await ng.stop_media(leg.call_id, leg.tag)
        if leg.hush_tag is not None:
            await ng.unblock_media(leg.call_id, leg.hush_tag)
        return pressed and not waiting.gone.is_set() and not stop.is_set()
    finally:
        engine.confirmations.pop((leg.call_id, leg.tag), None)
        if owner is not None and not waiting.gone.is_set():
            engine.dialogs[leg.dialog.id] = owner
        else:
            engine.dialogs.pop(leg.dialog.id, None)


async def _key_pressed(waiting: Confirmation, stop: asyncio.Event) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + CONFIRM_SECONDS
    while (left := deadline - loop.time()) > 0:
        digit = asyncio.ensure_future(waiting.digits.get())
        ended = [asyncio.ensure_future(e.wait()) for e in (waiting.gone, stop)]
        done, _ = await asyncio.wait({digit, *ended}, timeout=left,
                                     return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
        for task in (digit, *ended):
            task.cancel()
        if digit in done and digit.result() == CONFIRM_KEY:
            return True
        if any(task in done for task in ended):
            return False
    return False


def route_digit(engine: Engine, event) -> bool:
    """An RFC 4733 digit from a mobile being confirmed goes to its confirmation, not the call."""
    waiting = engine.confirmations.get((event.call_id, event.tag))
    if waiting is None:
        return False
    waiting.on_digit(event.digit)
    return True
