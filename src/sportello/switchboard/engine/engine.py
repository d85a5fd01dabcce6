"""The switchboard engine: SIP signalling, call control and the ACD, on one asyncio loop."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from asgiref.sync import sync_to_async
from django.utils import timezone

from sportello.switchboard import hours
from sportello.switchboard.acd import (
    Acd,
    AcdSettings,
    AcdStateError,
    AgentStateChanged,
    CancelOffer,
    ExitQueue,
    OfferCall,
    PlayPosition,
)
from sportello.switchboard.engine import agent_ops, mobile, records, transfer
from sportello.switchboard.engine import config as engine_config
from sportello.switchboard.engine.browser import BrowserAgents
from sportello.switchboard.engine.callbacks import CallbackDesk
from sportello.switchboard.engine.media.dtmf import DtmfListener
from sportello.switchboard.engine.media.node import MediaNodePool
from sportello.switchboard.engine.outbound import caller_id
from sportello.switchboard.engine.registrar import Registrar
from sportello.switchboard.engine.session import InboundCall
from sportello.switchboard.engine.sip import (
    Address,
    FloodLimiter,
    IncomingRequest,
    SipEndpoint,
    SipUri,
    Target,
    build_invite,
    incoming_dialog_id,
    parse_dtmf_relay,
    parse_uri,
)
from sportello.switchboard.models import Call, QueueEntry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AgentTarget:
    target: Target
    uri: SipUri
    via_trunk: bool = False  # a mobile: it is shown the service number, not the citizen's
    credentials: tuple[str, str] | None = None  # the trunk's, for a challenge


@dataclass
class EngineSettings:
    sip_host: str = "127.0.0.1"
    sip_port: int = 5060
    sip_tcp: bool = True
    media_nodes: tuple[tuple[str, int], ...] = (("127.0.0.1", 2223),)
    dtmf_listen: tuple[str, int] = ("127.0.0.1", 0)
    prompt_resolver: object = None
    reload_seconds: float = 30.0
    recording_dir: Path | None = None  # rtpengine's --recording-dir, on this host
    callback_attempts: int = 3
    callback_retry_seconds: float = 60.0
    callback_expiry_seconds: float = 24 * 3600.0  # older waiting callbacks are not restored
    callback_digit_seconds: float = 5.0  # a pause this long ends a typed callback number
    name: str = "main"  # this instance's calls and callbacks are the ones with its name


class Engine:
    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self.endpoint = SipEndpoint(
            settings.sip_host, udp_port=settings.sip_port,
            tcp_port=settings.sip_port if settings.sip_tcp else None,
            limiter=FloodLimiter(),
        )  # fmt: skip
        self.media = MediaNodePool(settings.media_nodes)
        self.dtmf = DtmfListener(self._on_rtp_digit, settings.dtmf_listen)
        self.config = engine_config.EngineConfig()
        self.registrar = Registrar(self._ha1_for, self._on_registration)
        self.browsers = BrowserAgents(self)
        self.callbacks = CallbackDesk(
            self, attempts=settings.callback_attempts, retry_seconds=settings.callback_retry_seconds,
            expiry_seconds=settings.callback_expiry_seconds,
            digit_seconds=settings.callback_digit_seconds,
        )  # fmt: skip
        self.acd = Acd(settings=AcdSettings(ring_timeout=None, max_misses=3))
        self.calls: dict[str, InboundCall] = {}
        self.dialogs: dict[tuple, InboundCall] = {}
        self.confirmations: dict[tuple[str, str], mobile.Confirmation] = {}  # (call, mobile tag)
        self._offers: dict[str, asyncio.Task] = {}
        self._tasks: set[asyncio.Task] = set()
        self._wake = asyncio.Event()
        self.counters = {"refused": 0, "calls": 0}
        # Seconds from the trunk's INVITE to the first agent's 180 Ringing, for the benchmark.
        self.setup_latencies: collections.deque[float] = collections.deque(maxlen=100_000)
        # Media counters of recently finished calls (rtpengine forgets them on delete).
        self.finished_media: dict[str, dict] = {}

    # -- start and stop ------------------------------------------------------------------

    async def start(self) -> None:
        self.config = await sync_to_async(engine_config.load)()
        for queue in self.config.queues_by_id.values():
            self.acd.add_queue(queue.acd)
        closed = await records.close_interrupted_calls(self.settings.name)
        if closed:
            log.warning("closed %s calls left open by a previous run", closed)
        await self.media.start()
        await self.dtmf.start()
        self.endpoint.on_request = self._on_request
        await self.endpoint.start()
        self._spawn(self._acd_timers())
        self._spawn(self._housekeeping())
        self._spawn(self.browsers.run())
        if restored := await self.callbacks.restore():
            log.info("queued again %s callbacks waiting from a previous run", restored)
        log.info("switchboard engine listening on %s:%s", *self.endpoint.local_address("udp"))

    async def stop(self) -> None:
        for call in list(self.calls.values()):
            call.hung_up.set()
        await asyncio.sleep(0)
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.endpoint.close()
        self.dtmf.close()
        await self.media.close()

    def _spawn(self, coro) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # -- helpers for sessions ------------------------------------------------------------

    def contact(self) -> Address:
        return self.endpoint.contact("switchboard")

    def prompt(self, key: str, language: str) -> str:
        resolver = self.settings.prompt_resolver
        return str(resolver(key, language))

    def is_open(self, number) -> bool:
        windows = list(number.windows)
        if not windows:
            return True
        return hours.is_open(timezone.now(), windows, set(self.config.holidays))

    def register_dialog(self, dialog_id, call: InboundCall) -> None:
        self.dialogs[dialog_id] = call

    def build_agent_invite(self, agent, target: AgentTarget, sdp_offer: str, record: Call):
        shown = record.called_number if target.via_trunk else record.caller_number
        return build_invite(
            target.uri, from_addr=caller_id(self, shown),
            to_addr=Address(target.uri), contact=self.contact(), sdp=sdp_offer.encode(),
            headers=[("X-Sportello-Call", str(record.id))],
        )  # fmt: skip

    # -- SIP requests --------------------------------------------------------------------

    async def _on_request(self, incoming: IncomingRequest) -> None:
        method = incoming.method
        if method == "INVITE" and not incoming.request.to_addr.tag:
            await self._new_call(incoming)
        elif method == "REGISTER":
            self.registrar.handle(incoming)
        elif method in ("BYE", "INFO", "INVITE", "UPDATE"):
            self._in_dialog(incoming)
        elif method == "OPTIONS":
            incoming.respond(200)
        elif method == "ACK":
            return
        else:
            incoming.respond(
                405,
                "Method Not Allowed",
                headers=[("Allow", "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, REGISTER")],
            )

    async def _new_call(self, incoming: IncomingRequest) -> None:
        trunk = self.config.trunk_for_source(incoming.source.host)
        if trunk is None:
            self.counters["refused"] += 1
            incoming.respond(403, "Forbidden")
            return
        dialled = incoming.request.uri.user or incoming.request.to_addr.uri.user or ""
        number = self.config.number(dialled)
        if number is None or number.trunk_id != trunk.id:
            incoming.respond(404, "Not Found")
            return
        call = InboundCall(self, incoming, trunk, number)
        self.calls[call.id] = call
        self.counters["calls"] += 1
        self._spawn(call.run())

    def _in_dialog(self, incoming: IncomingRequest) -> None:
        dialog_id = incoming_dialog_id(incoming.request)
        call = self.dialogs.get(dialog_id)
        if call is None:
            incoming.respond(481, "Call/Transaction Does Not Exist")
            return
        if incoming.method == "BYE":
            incoming.respond(200)
            call.on_bye(dialog_id)
        elif incoming.method == "INFO":
            relay = None
            with contextlib.suppress(Exception):
                relay = parse_dtmf_relay(incoming.request.body)
            incoming.respond(200)
            if relay is not None:
                call.on_digit(relay.signal)
        else:
            incoming.respond(488, "Not Acceptable Here")

    def _on_rtp_digit(self, event) -> None:
        if mobile.route_digit(self, event):
            return
        call = self.calls.get(event.call_id)
        if call is not None:
            call.on_digit(event.digit)

    # -- agents --------------------------------------------------------------------------

    def _ha1_for(self, username: str):
        agent = self.config.agents.get(username)
        return (agent.id, agent.ha1) if agent else None

    def _on_registration(self, agent_id: int, registered: bool) -> None:
        agent = self.config.agents_by_id.get(agent_id)
        if agent is None:
            return
        now = time.monotonic()
        try:
            commands = (self.acd.agent_login(now, agent.profile()) if registered
                        else self.acd.agent_logout(now, agent_id))  # fmt: skip
        except AcdStateError:
            return
        self._run(commands)

    async def refresh_agent_skills(self, agent_id: int) -> None:
        """The agent chose today's services: their next login routes by the new skills."""
        agent = self.config.agents_by_id.get(agent_id)
        if agent is None:
            return
        skills = await sync_to_async(engine_config.serving_skills)(agent_id)
        fresh = dataclasses.replace(agent, skills=skills)
        self.config.agents_by_id[agent_id] = self.config.agents[agent.sip_username] = fresh

    def set_agent_state(self, agent_id: int, state: str, reason: str = "") -> None:
        """Change an agent's state on request (web UI, desktop); invalid changes are ignored."""
        agent = self.config.agents_by_id.get(agent_id)
        if agent is None:
            return
        now = time.monotonic()
        try:
            if state == "available":
                if self.acd.agent_state(agent_id) == "offline":
                    commands = self.acd.agent_login(now, agent.profile())
                else:
                    commands = self.acd.agent_available(now, agent_id)
            elif state == "paused":
                commands = self.acd.agent_paused(now, agent_id, reason or "break")
            elif state == "offline":
                commands = self.acd.agent_logout(now, agent_id)
            else:
                return
        except (AcdStateError, KeyError):
            return
        self._run(commands)

    def agent_target(self, agent_id: int, trunk_id: int | None = None) -> AgentTarget | None:
        agent = self.config.agents_by_id.get(agent_id)
        if mobile.answers_on_mobile(agent):
            found = mobile.destination(self.config, agent, trunk_id)
            if found is None:
                return None
            return AgentTarget(
                found.target, found.uri, via_trunk=True, credentials=found.credentials
            )
        binding = self.registrar.lookup(agent_id)
        if binding is None:
            return None
        return AgentTarget(binding.target, parse_uri(binding.contact))

    # -- what agents do to calls from the desktop ----------------------------------------

    async def hold(self, call_id: str) -> bool:
        call = agent_ops.find(self, call_id)
        return call is not None and await agent_ops.hold(call)

    async def unhold(self, call_id: str) -> bool:
        call = agent_ops.find(self, call_id)
        return call is not None and await agent_ops.unhold(call)

    async def transfer(self, call_id: str, *, queue_id=None, agent_id=None, number="") -> bool:
        """Blind transfer to a queue (the caller keeps their place), an agent or a number
        (engine/transfer.py); False if refused, nothing changed then."""
        target = transfer.Target.of(agent_id, queue_id, number)
        with contextlib.suppress(transfer.TransferError):
            return bool(await transfer.blind(self, call_id, target))
        return False

    async def consult(self, call_id: str, *, queue_id=None, agent_id=None, number="") -> bool:
        """Attended transfer, first step: hold the caller and call the target."""
        target = transfer.Target.of(agent_id, queue_id, number)
        with contextlib.suppress(transfer.TransferError):
            return bool(await transfer.consult(self, call_id, target))
        return False

    async def complete_transfer(self, call_id: str) -> bool:
        with contextlib.suppress(transfer.TransferError):
            await transfer.complete(self, call_id)
            return True
        return False

    async def cancel_transfer(self, call_id: str) -> bool:
        with contextlib.suppress(transfer.TransferError):
            await transfer.cancel(self, call_id)
            return True
        return False

    async def dial_out(self, agent_id: int, number: str, service_number: str) -> Call | None:
        """The agent's phone rings first; then ``number`` is called showing ``service_number``."""
        return await agent_ops.dial_out(self, agent_id, number, service_number)

    # -- the ACD -------------------------------------------------------------------------

    def acd_call_arrived(self, call: InboundCall, queue_id: int) -> None:
        self._run(self.acd.call_arrived(time.monotonic(), call.id, queue_id))

    def _run(self, commands) -> None:
        for command in commands:
            if isinstance(command, OfferCall):
                self._offers[command.call] = self._spawn(self._offer(command))
            elif isinstance(command, CancelOffer):
                task = self._offers.pop(command.call, None)
                if task is not None and command.reason != "caller_abandoned":
                    task.cancel()
            elif isinstance(command, PlayPosition):
                if (call := self.calls.get(command.call)) is not None:
                    self._spawn(call.position(command.position, command.estimated_wait))
            elif isinstance(command, ExitQueue):
                self._spawn(self._exit_queue(command))
            elif isinstance(command, AgentStateChanged):
                self._spawn(records.agent_state(command.agent, str(command.new), command.reason))
                self.browsers.state_changed(command.agent, str(command.new), command.reason)
        self._wake.set()

    async def _offer(self, command: OfferCall) -> None:
        if command.callback:
            await self.callbacks.offer(command)
            return
        call = self.calls.get(command.call)
        browser = self.browsers.handles(command.agent)
        trunk_id = call.trunk.id if call is not None else None
        target = None if browser else self.agent_target(command.agent, trunk_id)
        if call is None:
            return
        if target is None and not browser:
            self._run(self.acd.ring_no_answer(time.monotonic(), command.call))
            return
        queue = self.config.queues_by_id[command.queue]
        if call.entry is not None:
            call.entry.ring_attempts += 1
        if browser:
            result = await self.browsers.offer(call, command.agent, queue, queue.ring_seconds)
        else:
            result = await call.offer_to_agent(command.agent, target, float(queue.ring_seconds))
        self._offers.pop(command.call, None)
        now = time.monotonic()
        try:
            if result == "answered":
                self._run(self.acd.offer_accepted(now, command.call))
                call.connect(command.agent)
                await records.queue_left(call.entry, QueueEntry.Outcome.ANSWERED, command.agent)
                await records.update(
                    call.record, answered_at=timezone.now(), agent_id=command.agent
                )
            elif result == "rejected":
                self._run(self.acd.offer_rejected(now, command.call))
            elif result == "no_answer":
                self._run(self.acd.ring_no_answer(now, command.call))
        except AcdStateError:
            log.debug("offer result %s for %s after the call changed", result, command.call)

    async def _exit_queue(self, command: ExitQueue) -> None:
        call = self.calls.get(command.call)
        if call is None:
            return
        outcome = (
            QueueEntry.Outcome.FULL
            if command.reason == "queue_full"
            else QueueEntry.Outcome.TIMED_OUT
        )
        if call.entry is not None:
            await records.queue_left(call.entry, outcome)
        call.leave_queue(str(command.action))

    async def call_finished(self, call: InboundCall, reason: str) -> None:
        now = time.monotonic()
        with contextlib.suppress(AcdStateError, KeyError):
            if call.connected.is_set():
                self._run(self.acd.call_ended(now, call.id))
            elif call.entry is not None and call.entry.left_at is None:
                self._run(self.acd.call_abandoned(now, call.id))
        # Kept before the call's end is written: whoever sees `ended_at` finds the stats too.
        if getattr(call, "stats", None) is not None:
            self.finished_media[call.id] = call.stats
            while len(self.finished_media) > 5000:
                self.finished_media.pop(next(iter(self.finished_media)))
        if call.entry is not None and call.entry.left_at is None:
            await records.queue_left(call.entry, QueueEntry.Outcome.ABANDONED)
        if call.record is not None:
            await records.call_ended(call.record, reason)
        self.calls.pop(call.id, None)
        for dialog in (call.caller_dialog, call.agent_dialog):
            if dialog is not None:
                self.dialogs.pop(dialog.id, None)

    async def _acd_timers(self) -> None:
        while True:
            due = self.acd.next_due()
            timeout = None if due is None else max(0.0, due - time.monotonic())
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)
            self._run_quietly(self.acd.tick(time.monotonic()))

    def _run_quietly(self, commands) -> None:
        if commands:
            self._run(commands)

    async def _housekeeping(self) -> None:
        while True:
            await asyncio.sleep(self.settings.reload_seconds)
            self.registrar.expire()
            try:
                fresh = await sync_to_async(engine_config.load)()
            except Exception:
                log.exception("could not reload the switchboard configuration")
                continue
            for queue in fresh.queues_by_id.values():
                if queue.id not in self.config.queues_by_id:
                    self.acd.add_queue(queue.acd)
            self.config = fresh
