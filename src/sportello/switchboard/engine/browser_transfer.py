"""Transfers from the browser desktop (docs/agent-interface.md, "Transfers").

The web side checks the shape of a command (``clean``); the engine side (``handle``) finds the
agent's connected call and runs the transfer; every refusal goes back to the desktop as
``agent.transfer`` with ``status: "refused"`` and a reason code the desktop translates.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from asgiref.sync import sync_to_async

from sportello.helpdesk import phones
from sportello.switchboard.engine import transfer
from sportello.switchboard.models import Agent, Queue

if TYPE_CHECKING:
    from sportello.switchboard.engine.browser import BrowserAgents

log = logging.getLogger(__name__)
COMMANDS = {"transfer", "consult", "consult_offer", "transfer_complete", "transfer_cancel",
            "targets"}  # fmt: skip
TARGETS = {"agent", "queue", "number"}


def clean(kind: str, content: dict) -> dict[str, Any]:
    """The fields of a transfer command the engine gets; TransferError if they are malformed."""
    if kind == "consult_offer":
        return {"sdp": str(content.get("sdp", ""))[:20000]}
    if kind not in ("transfer", "consult"):
        return {}
    target = content.get("target")
    if target not in TARGETS:
        raise transfer.TransferError("bad_target")
    if target == "number":
        number = phones.normalise(str(content.get("number", ""))[:32])
        if number is None:
            raise transfer.TransferError("bad_number")
        return {"target": target, "number": number}
    value = content.get(target)
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise transfer.TransferError("bad_target")
    return {"target": target, "target_id": value}  # "agent" is the sender, set by the consumer


async def handle(browsers: BrowserAgents, agent_id: int, message: dict) -> None:
    kind = message.get("type")
    if kind == "targets":
        await browsers.send(agent_id, "agent.targets", **await targets(browsers.engine, agent_id))
        return
    call = browsers._active(agent_id, message.get("call"))
    try:
        if call is None or getattr(call, "entry", None) is None:
            raise transfer.TransferError("no_call")
        await _run(browsers.engine, call, kind, message)
    except transfer.TransferError as refused:
        await browsers.send(agent_id, "agent.transfer", call=message.get("call", ""),
                            status="refused", reason=refused.code)  # fmt: skip


async def _run(engine, call, kind: str, message: dict) -> None:
    if kind == "consult_offer":
        consultation = getattr(call, "consult", None)
        if consultation is None:
            raise transfer.TransferError("no_consultation")
        consultation.browser_sdp(str(message.get("sdp", "")))
    elif kind == "transfer_complete":
        await transfer.complete(engine, call.id)
    elif kind == "transfer_cancel":
        await transfer.cancel(engine, call.id)
    else:
        kind_of, target_id = message.get("target"), message.get("target_id")
        target = transfer.Target.of(
            target_id if kind_of == "agent" else None,
            target_id if kind_of == "queue" else None,
            str(message.get("number", "")),
        )
        if kind == "transfer":
            await transfer.blind(engine, call.id, target)  # the desktop gets agent.hangup
        else:
            await transfer.consult(engine, call.id, target)


async def targets(engine, agent_id: int) -> dict[str, list[dict[str, Any]]]:
    """Who a call can go to now: free agents (not this one) and every queue."""
    free = [a for a in transfer.available_agents(engine) if a != agent_id]
    queue_ids = list(engine.config.queues_by_id)
    return await sync_to_async(_named)(free, queue_ids)


def _named(agent_ids: list[int], queue_ids: list[int]) -> dict[str, list[dict[str, Any]]]:
    agents = Agent.objects.filter(id__in=agent_ids).select_related("user")
    queues = Queue.objects.filter(id__in=queue_ids).order_by("name")
    return {
        "agents": sorted(
            ({"id": a.id, "name": str(a.user)} for a in agents),
            key=lambda a: a["name"],
        ),
        "queues": [{"id": q.id, "name": q.name} for q in queues],
    }
