"""The agent desktop and the supervisors' live view (pages; live parts go over /ws/)."""

from __future__ import annotations

import uuid

from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sportello.accounts.decorators import staff_required
from sportello.accounts.roles import Role
from sportello.audit.log import record
from sportello.switchboard import citizens, serving
from sportello.switchboard.engine.browser import send_command
from sportello.switchboard.ice import ice_servers
from sportello.switchboard.models import (
    Agent,
    AgentStateChange,
    Call,
    PauseReason,
    QueueEntry,
    WrapUpCode,
)
from sportello.switchboard.views_reports import scope_of

agent_only = staff_required(Role.AGENT)
supervisor_only = staff_required(Role.SUPERVISOR)
SETTABLE_STATES = ("available", "paused", "offline")


def _agent(request: HttpRequest) -> Agent:
    agent = Agent.objects.filter(user=request.user).first()
    if agent is None:
        raise PermissionDenied
    return agent


def _figures(agent: Agent) -> dict:
    """Today's handled calls and AHT = (talk + hold + wrap-up) / handled (DESIGN.md)."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    entries = QueueEntry.objects.filter(
        agent=agent, call__answered_at__gte=start, call__ended_at__isnull=False
    ).select_related("call")
    handled = [
        (e.call.ended_at - e.call.answered_at).total_seconds()
        + (e.hold_seconds or 0)
        + (e.wrap_up_seconds or 0)
        for e in entries
    ]
    return {
        "calls_today": len(handled),
        "aht": round(sum(handled) / len(handled)) if handled else None,
    }


@agent_only
def desktop(request: HttpRequest) -> HttpResponse:
    agent = _agent(request)
    queue_ids = QueueEntry.objects.filter(agent=agent).values("queue_id")
    codes = WrapUpCode.objects.filter(
        queue__skill__in=agent.skills.all()
    ) | WrapUpCode.objects.filter(queue_id__in=queue_ids)
    history = Call.objects.filter(agent=agent).order_by("-started_at")[:20]
    return render(request, "switchboard/desktop.html", {
        "agent": agent, "pause_reasons": PauseReason.objects.order_by("label"),
        "wrap_up_codes": codes.distinct().order_by("queue_id", "label"), "history": history,
        "strings": _strings(), "ice_servers": ice_servers(agent.id), **_figures(agent),
        "services": agent.agentskill_set.select_related("skill").order_by("skill__name"),
    })  # fmt: skip


@agent_only
@require_POST
def choose_services(request: HttpRequest) -> HttpResponse:
    agent = _agent(request)
    try:
        chosen = {int(value) for value in request.POST.getlist("skill")}
        serving.choose(agent, chosen, by=request.user)
    except ValueError:
        messages.error(request, _("Choose services from the list."))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        async_to_sync(send_command)("skills", agent=agent.id)
        messages.success(request, _("Saved: you answer these services from your next login."))
    return redirect("switchboard:desktop")


def _strings() -> dict[str, str]:
    """Texts the desktop script shows, translated here (no inline script under the CSP)."""
    return {
        "connected": _("Connected."),
        "reconnecting": _("Connection lost: reconnecting…"),
        "incoming": _("Incoming call from %(caller)s, queue %(queue)s, waited %(waited)s s."),
        "consult": _(
            "A colleague asks you about a call from %(caller)s, queue %(queue)s; "
            "the caller is on hold."
        ),
        "consultEnded": _("The consultation has ended."),
        "cancelled": _("The call stopped ringing."),
        "connected_call": _("Call connected."),
        "ended": _("The call has ended. Choose the outcome."),
        "noCall": _("No call."),
        "mute": _("Mute"),
        "unmute": _("Unmute"),
        "hold": _("Hold"),
        "resume": _("Resume"),
        "quality": _("Loss %(loss)s%% · jitter %(jitter)s ms · round trip %(rtt)s ms"),
        "poorQuality": _(
            "Poor connection: the caller may hear you badly. Stop other downloads or video, "
            "or use a cable or move nearer the Wi-Fi router."
        ),
        "available": _("Available"),
        "paused": _("Paused"),
        "offline": _("Logged out"),
        "ringing": _("Ringing"),
        "on_call": _("On a call"),
        "wrap_up": _("Wrap-up"),
        "noMicrophone": _("The microphone is not available."),
    }


def _own_call(agent: Agent, key: str) -> Call:
    """The agent's call by record id, or by bridge id for their own outbound call."""
    try:
        found = Call.objects.filter(pk=uuid.UUID(key), agent=agent).first()
    except ValueError:
        found = None
    outbound = Call.objects.filter(sip_call_id=key[:200], agent=agent,
                                   direction=Call.Direction.OUTBOUND)  # fmt: skip
    found = found or outbound.first()
    if found is None:
        raise Http404
    return found


@agent_only
@require_POST
def wrap_up(request: HttpRequest) -> HttpResponse:
    agent = _agent(request)
    call = _own_call(agent, request.POST.get("call", ""))
    code = request.POST.get("code", "")
    codes = WrapUpCode.objects.filter(queue_id__in=call.queue_entries.values("queue_id"))
    # Without a code: fine unless the call's queue marks one of its codes as required.
    missing = not code and codes.filter(required=True).exists()
    if missing or (code and not codes.filter(code=code).exists()):
        return JsonResponse(
            {"ok": False, "error": _("Choose an outcome from the list.")}, status=400
        )
    try:
        note = citizens.note_from(request.POST, call)
    except ValidationError as error:
        return JsonResponse({"ok": False, "error": error.messages[0]}, status=400)
    with transaction.atomic():
        call.wrap_up_code = code
        call.save(update_fields=["wrap_up_code"])
        if note is not None:
            citizens.add_note(call, *note, request.user)
    return JsonResponse({"ok": True, "message": _("Outcome saved.")})


def _watched(user) -> tuple:
    """The agents and queues a supervisor watches: all, or those of their offices' queues."""
    scope = scope_of(user)
    agents = Agent.objects.all()
    if scope.restricted:
        agents = agents.filter(skills__in=scope.queues.values("skill_id")).distinct()
    return agents, scope.queues


def _live_context(user) -> dict:
    watched, queues = _watched(user)
    latest = AgentStateChange.objects.filter(agent=OuterRef("pk")).order_by("-at")
    agents = watched.select_related("user").annotate(
        state=Subquery(latest.values("state")[:1]),
        reason=Subquery(latest.values("reason")[:1]),
        since=Subquery(latest.values("at")[:1]),
    ).order_by("user__display_name")  # fmt: skip
    waiting = QueueEntry.objects.filter(left_at__isnull=True, queue__in=queues)
    waiting = waiting.select_related("queue", "call")
    labels = dict(AgentStateChange.State.choices)
    rows = [(a, labels.get(a.state or "offline", a.state)) for a in agents]
    return {"agents": rows, "waiting": waiting.order_by("entered_at"), "now": timezone.now(),
            "states": [(s, labels[s]) for s in SETTABLE_STATES]}  # fmt: skip


@supervisor_only
def live(request: HttpRequest) -> HttpResponse:
    template = (
        "switchboard/live_tables.html" if request.GET.get("part") else "switchboard/live.html"
    )
    context = _live_context(request.user)
    context["poll_seconds"] = settings.SWITCHBOARD_WALLBOARD_POLL_SECONDS
    return render(request, template, context)


@supervisor_only
@require_POST
def set_state(request: HttpRequest) -> HttpResponse:
    agent_id = request.POST.get("agent", "")
    agent = _watched(request.user)[0].filter(pk=agent_id).first() if agent_id.isdigit() else None
    if agent is None:
        raise Http404
    state = request.POST.get("state", "")
    if state not in SETTABLE_STATES:
        messages.error(request, _("Choose a state from the list."))
        return redirect("switchboard:live")
    reason = "supervisor" if state == "paused" else ""
    record("switchboard.agent_state_forced", actor=request.user, subject=agent.user, obj=agent,
           details={"state": state})  # fmt: skip
    async_to_sync(send_command)("state", agent=agent.id, state=state, reason=reason)
    messages.success(request, _("State change sent for %(agent)s.") % {"agent": agent})
    return redirect("switchboard:live")
