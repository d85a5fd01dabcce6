"""Outbound SIP legs the engine places itself: callbacks, agents' outbound calls, transfers.

A leg is an INVITE carrying an SDP offer from rtpengine; once answered it is a dialog the engine
routes in-dialog requests (BYE) to, through ``Engine.dialogs``.

Every INVITE the engine sends, through the trunk or to an agent's phone, goes out through
``send_invite``: a carrier that challenges it (401/407) gets the trunk's credentials.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from sportello.switchboard.engine.sip import (
    Address,
    Dialog,
    SipRequest,
    SipResponse,
    SipUri,
    Target,
    build_invite,
    new_call_id,
    new_tag,
)

if TYPE_CHECKING:
    from sportello.switchboard.engine.config import TrunkInfo
    from sportello.switchboard.engine.engine import Engine


@dataclass
class Leg:
    dialog: Dialog
    target: Target
    sdp: str  # the far end's SDP answer


Credentials = tuple[str, str]  # (user name, password)


class Destination(NamedTuple):
    uri: SipUri
    target: Target
    credentials: Credentials | None = None  # for a challenge from the far end


def trunk_destination(trunk: TrunkInfo, number: str) -> Destination:
    uri = SipUri(user=number.lstrip("+"), host=trunk.host, port=trunk.port)
    return Destination(
        uri, Target(trunk.host, trunk.port, trunk.transport), trunk_credentials(trunk)
    )


def trunk_credentials(trunk: TrunkInfo) -> Credentials | None:
    return (trunk.username, trunk.password) if trunk.username else None


async def send_invite(
    engine: Engine, invite: SipRequest, target: Target, *,
    credentials: Credentials | None = None, on_provisional=None,
) -> SipResponse:  # fmt: skip
    """The INVITE's final response, after answering one 401/407 with ``credentials``.

    The transaction layer ACKs the challenge; the retry is the same call with CSeq + 1, so
    ``Dialog.for_uac(invite, response)`` and ``endpoint.cancel(invite)`` still work on ``invite``.
    """
    return await engine.endpoint.request(
        invite, target, on_provisional=on_provisional, credentials=credentials
    )


def caller_id(engine: Engine, number: str) -> Address:
    uri = SipUri(user=number or "anonymous", host=engine.settings.sip_host)
    return Address(uri, None, {"tag": new_tag()})


async def dial(
    engine: Engine, uri: SipUri, target: Target, *, from_addr: Address, sdp: str,
    ring_seconds: float, call_id: str | None = None, stop: asyncio.Event | None = None,
    credentials: Credentials | None = None,
) -> Leg | str:  # fmt: skip
    """INVITE and wait for an answer; the answered leg, or 'rejected' / 'no_answer' / 'stopped'."""
    invite = build_invite(
        uri, from_addr=from_addr, to_addr=Address(uri), contact=engine.contact(),
        sdp=sdp.encode(), call_id=call_id or new_call_id(),
    )  # fmt: skip
    request = asyncio.ensure_future(send_invite(engine, invite, target, credentials=credentials))
    stopped = asyncio.ensure_future((stop or asyncio.Event()).wait())
    done, _ = await asyncio.wait(
        {request, stopped}, timeout=ring_seconds, return_when=asyncio.FIRST_COMPLETED
    )
    stopped.cancel()
    if request not in done:
        await engine.endpoint.cancel(invite)
        with contextlib.suppress(Exception):
            response = await asyncio.wait_for(request, 5)
            if 200 <= response.status < 300:  # answered as we cancelled: hang up at once
                await _hang_up_answered(engine, invite, response, target)
        return "stopped" if stop is not None and stop.is_set() else "no_answer"
    response: SipResponse = request.result()
    if not 200 <= response.status < 300:
        return "rejected"
    dialog = Dialog.for_uac(invite, response)
    await engine.endpoint.send_ack(dialog.ack(response), target)
    return Leg(dialog, target, response.body.decode())


async def _hang_up_answered(engine: Engine, invite, response: SipResponse, target: Target) -> None:
    dialog = Dialog.for_uac(invite, response)
    await engine.endpoint.send_ack(dialog.ack(response), target)
    await engine.endpoint.request(dialog.bye(), target)


async def hang_up(engine: Engine, leg: Leg | None) -> None:
    if leg is None:
        return
    engine.dialogs.pop(leg.dialog.id, None)
    with contextlib.suppress(Exception):
        await engine.endpoint.request(leg.dialog.bye(), leg.target)


async def reinvite(engine: Engine, leg: Leg, sdp: str) -> bool:
    """Tell the far end rtpengine's new address for it."""
    request = leg.dialog.reinvite(sdp.encode())
    response = await engine.endpoint.request(request, leg.target)
    if 200 <= response.status < 300:
        await engine.endpoint.send_ack(leg.dialog.ack(response), leg.target)
        return True
    return False
