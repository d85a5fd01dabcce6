"""Wallboard (page and JSON), Erlang C calculator, arrival forecast, metrics help."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sportello.accounts.decorators import staff_required
from sportello.accounts.roles import Role, has_role
from sportello.switchboard.models import AgentStateChange, Queue
from sportello.switchboard.reports import forecast as forecasting
from sportello.switchboard.reports import wallboard as board
from sportello.switchboard.reports.staffing import ErlangForm
from sportello.switchboard.views_reports import SUPERVISION, scope_of

# While the socket is down the page polls as often as before it had one.
OFFLINE_POLL_SECONDS = 5


def _wallboard_figures(user) -> dict:
    queues = list(scope_of(user).queues.select_related("skill"))
    return {"queues": board.snapshot(queues), "agents": board.agents(queues)}


@staff_required(*SUPERVISION)
def wallboard(request):
    context = _wallboard_figures(request.user) | {
        "states": [(s.value, s.label) for s in AgentStateChange.State if s.value != "offline"],
        "updated": timezone.localtime(),
        "poll_seconds": settings.SWITCHBOARD_WALLBOARD_POLL_SECONDS,
        "offline_poll_seconds": OFFLINE_POLL_SECONDS,
        "can_change_states": has_role(request.user, Role.SUPERVISOR),
    }
    return render(request, "switchboard/reports/wallboard.html", context)


@staff_required(*SUPERVISION)
def wallboard_data(request):
    updated = timezone.localtime().strftime("%H:%M:%S")
    return JsonResponse({"updated": updated} | _wallboard_figures(request.user))


@staff_required(*SUPERVISION)
def erlang(request):
    form = ErlangForm(request.GET or None)
    answer = form.cleaned_data["answer"] if form.is_bound and form.is_valid() else None
    status = 400 if form.is_bound and answer is None else 200
    return render(
        request, "switchboard/reports/erlang.html", {"form": form, "answer": answer}, status=status
    )


class ForecastForm(forms.Form):
    queue = forms.ModelChoiceField(label=_("Queue"), queryset=Queue.objects.none(), required=False,
                                   empty_label=_("All queues"))  # fmt: skip
    weeks = forms.IntegerField(label=_("Weeks of history"), min_value=1, max_value=12, initial=4)
    ahead = forms.IntegerField(label=_("Weeks ahead"), min_value=1, max_value=4, initial=1)
    target_sl = forms.FloatField(
        label=_("Target service level (%)"), min_value=1, max_value=99.9, initial=80
    )


@staff_required(*SUPERVISION)
def forecast(request):
    scope = scope_of(request.user)
    form = ForecastForm(request.GET or {"weeks": 4, "ahead": 1, "target_sl": 80})
    form.fields["queue"].queryset = scope.queues
    rows = []
    if form.is_valid():
        queue = form.cleaned_data["queue"]
        ids = (
            (queue.pk,)
            if queue
            else tuple(scope.queues.values_list("pk", flat=True))
            if scope.restricted
            else ()
        )
        rows = forecasting.forecast(
            timezone.localdate(),
            weeks=form.cleaned_data["weeks"],
            ahead=form.cleaned_data["ahead"],
            queue_ids=ids or ((0,) if scope.restricted else ()),
            threshold=queue.service_level_seconds if queue else 20.0,
            target=form.cleaned_data["target_sl"] / 100,
        )
    status = 200 if form.is_valid() else 400
    return render(
        request, "switchboard/reports/forecast.html", {"form": form, "rows": rows}, status=status
    )


@staff_required(*SUPERVISION, Role.AGENT)
def metrics_help(request):
    context = {
        "supervisor": has_role(request.user, *SUPERVISION),
        "sl_warning_points": board.SL_WARNING_POINTS,
    }
    return render(request, "switchboard/reports/help.html", context)
