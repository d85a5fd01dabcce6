"""WebSockets of the agent desktop (/ws/agent/) and the supervisors' live view (/ws/supervisor/).

Both need a staff session whose second factor was verified. The agent consumer relays between
the browser and the engine (docs/agent-interface.md); the agent id always comes from the
session, never from the browser.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from sportello.accounts.roles import Role, has_role
from sportello.helpdesk import phones
from sportello.switchboard.engine import browser_transfer, events
from sportello.switchboard.engine.browser import agent_group, send_command
from sportello.switchboard.engine.transfer import TransferError
from sportello.switchboard.models import Agent

FORBIDDEN = 4403
AGENT_COMMANDS = {"answer", "reject", "hangup", "state", "hold", "unhold", "dial",
                  *browser_transfer.COMMANDS}  # fmt: skip
STATES = {"available", "paused", "offline"}
PRIVATE_EVENT_FIELDS = {"type", "caller"}


def _verified_staff(scope, role: str) -> bool:
    user = scope.get("user")
    if user is None or not user.is_authenticated:
        return False
    session = scope.get("session")
    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    if not persistent_id:
        return False
    device = Device.from_persistent_id(persistent_id)
    if device is None or device.user_id != user.pk or not device.confirmed:
        return False
    return has_role(user, role)


@database_sync_to_async
def _agent_id(scope) -> int | None:
    if not _verified_staff(scope, Role.AGENT):
        return None
    return Agent.objects.filter(user=scope["user"]).values_list("id", flat=True).first()


@database_sync_to_async
def _is_supervisor(scope) -> bool:
    """Who may open the wallboard: supervisors and administrators."""
    return _verified_staff(scope, Role.SUPERVISOR) or _verified_staff(scope, Role.ADMINISTRATOR)


class AgentConsumer(AsyncJsonWebsocketConsumer):
    agent_id: int | None = None

    async def connect(self) -> None:
        self.agent_id = await _agent_id(self.scope)
        if self.agent_id is None:
            await self.close(code=FORBIDDEN)
            return
        await self.channel_layer.group_add(agent_group(self.agent_id), self.channel_name)
        await self.accept()
        await send_command("connected", agent=self.agent_id)

    async def disconnect(self, code: int) -> None:
        if self.agent_id is None:
            return
        await self.channel_layer.group_discard(agent_group(self.agent_id), self.channel_name)
        await send_command("disconnected", agent=self.agent_id)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or content.get("type") not in AGENT_COMMANDS:
            await self.send_json({"type": "error", "error": "unknown command"})
            return
        kind = content["type"]
        data: dict[str, Any] = {"agent": self.agent_id}
        if kind == "state":
            if content.get("state") not in STATES:
                await self.send_json({"type": "error", "error": "unknown state"})
                return
            data |= {"state": content["state"], "reason": str(content.get("reason", ""))[:30]}
        elif kind == "dial":
            number = phones.normalise(str(content.get("number", ""))[:32])
            if number is None:
                await self.send_json({"type": "dial.refused", "reason": "invalid_number"})
                return
            data["number"] = number
        else:
            data["call"] = str(content.get("call", ""))[:64]
        if kind == "answer":
            data["sdp"] = str(content.get("sdp", ""))[:20000]
        if kind in browser_transfer.COMMANDS:
            try:
                data |= browser_transfer.clean(kind, content)
            except TransferError as refused:
                await self.send_json({"type": "agent.transfer", "call": data.get("call", ""),
                                      "status": "refused", "reason": refused.code})  # fmt: skip
                return
        await send_command(kind, **data)

    # Engine messages to this agent go to the browser as they are.
    async def _forward(self, event: dict) -> None:
        await self.send_json(event)

    agent_offer = agent_cancel = agent_hangup = agent_state = _forward
    dial_refused = _forward
    agent_transfer = agent_targets = agent_consult = agent_consult_answer = _forward
    agent_consult_end = _forward


class SupervisorConsumer(AsyncJsonWebsocketConsumer):
    joined = False

    async def connect(self) -> None:
        if not await _is_supervisor(self.scope):
            await self.close(code=FORBIDDEN)
            return
        await self.channel_layer.group_add(events.GROUP, self.channel_name)
        self.joined = True
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.joined:
            await self.channel_layer.group_discard(events.GROUP, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """The live view only listens; changes go through audited forms."""

    async def switchboard_event(self, event: dict) -> None:
        """Pages only learn that something changed and re-read what their viewer may see, so
        personal data (the caller's number) never goes out here."""
        await self.send_json({k: v for k, v in event.items() if k not in PRIVATE_EVENT_FIELDS})
