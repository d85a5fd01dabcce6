"""Office pages: staffing requests, calls, rule sets."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sportello.accounts.decorators import staff_required
from sportello.accounts.roles import Role, office_ids_for
from sportello.audit.log import record
from sportello.hiring import access
from sportello.hiring.forms import CallForm, CallTextsForm, DecisionForm, RuleSetDeriveForm
from sportello.hiring.models import Appeal, Call, RuleSetVersion, StaffingRequest
from sportello.hiring.services import calls as call_services
from sportello.hiring.services import candidates as candidate_services
from sportello.hiring.services import ranking as ranking_services
from sportello.hiring.services.requests import do_decide

OFFICE = (Role.OPERATOR, Role.MANAGER)


@staff_required(*OFFICE)
def office_home(request):
    ids = office_ids_for(request.user, *OFFICE)
    requests = StaffingRequest.objects.select_related("body")
    if ids is not None:
        requests = requests.filter(body__office_id__in=ids)
    return render(
        request,
        "hiring/office/home.html",
        {
            "requests": requests[:100],
            "calls": access.staff_calls(request.user)[:100],
            "is_manager": request.user.role_assignments.filter(role=Role.MANAGER).exists(),
        },
    )


@staff_required(*OFFICE)
def request_decide(request, pk: int):
    req = access.request_for_office(request, pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_decide(
                req, form.cleaned_data["decision"], form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("hiring:office_home")
    return render(request, "hiring/office/request.html", {"req": req, "form": form})


@staff_required(Role.MANAGER)
def call_edit(request, pk: int | None = None):
    call = access.call_for_staff(request, pk, Role.MANAGER) if pk else None
    if call and call.phase != Call.Phase.DRAFT:
        return _edit_published(request, call)
    ids = office_ids_for(request.user, Role.MANAGER)
    form = CallForm(request.POST or None, instance=call, office_ids=ids)
    if request.method == "POST" and form.is_valid():
        new = form.save(commit=False)
        if call is None:
            office_id = next(iter(ids)) if ids else form.cleaned_data["job_centres"][0].pk
            new.office_id, new.created_by = office_id, request.user
        new.save()
        form.save_m2m()
        record("hiring.call_saved", actor=request.user, obj=new)
        messages.success(request, _("The call is saved as a draft."))
        return redirect("hiring:office_call", new.pk)
    return render(request, "hiring/office/call_form.html", {"form": form, "call": call})


def _edit_published(request, call: Call):
    """Only the texts of a published call can be corrected; the rest is locked."""
    form = CallTextsForm(request.POST or None, instance=call)
    if request.method == "POST" and form.is_valid():
        form.save()
        record("hiring.call_texts_saved", actor=request.user, obj=call)
        messages.success(request, _("The title and description are saved."))
        return redirect("hiring:office_call", call.pk)
    return render(request, "hiring/office/call_texts_form.html", {"form": form, "call": call})


@staff_required(*OFFICE)
def call_manage(request, pk: int):
    call = access.call_for_staff(request, pk)
    apps = call.applications.select_related("citizen").order_by("protocol")
    return render(
        request,
        "hiring/office/call.html",
        {
            "call": call,
            "applications": apps,
            "appeals": Appeal.objects.filter(application__call=call).select_related("application"),
            "ranking": call.ranking.filter(stage=_stage(call)).select_related("application"),
            "candidates": call.candidates.select_related("entry"),
            "is_manager": request.user.role_assignments.filter(role=Role.MANAGER).exists(),
        },
    )


def _stage(call: Call) -> str:
    return "final" if call.phase == Call.Phase.FINAL else "provisional"


ACTIONS = {
    "publish": lambda call, by: call_services.do_publish(call, by=by),
    "compute": lambda call, by: (
        ranking_services.check_can_rank(call),
        ranking_services.do_compute(call, "provisional", by=by),
    ),
    "publish_provisional": lambda call, by: ranking_services.do_publish_provisional(call, by=by),
    "finalise": lambda call, by: ranking_services.do_finalise(call, by=by),
    "send_candidates": lambda call, by: candidate_services.do_send_candidates(call, by=by),
    "call_next": lambda call, by: candidate_services.do_send_candidates(call, by=by, count=1),
}


@staff_required(Role.MANAGER)
@require_POST
def call_action(request, pk: int, action: str):
    call = access.call_for_staff(request, pk, Role.MANAGER)
    if action not in ACTIONS:
        return redirect("hiring:office_call", call.pk)
    try:
        ACTIONS[action](call, request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Done."))
    return redirect("hiring:office_call", call.pk)


@staff_required(*OFFICE)
def rulesets(request):
    return render(
        request, "hiring/office/rulesets.html", {"rulesets": RuleSetVersion.objects.all()}
    )


@staff_required(Role.MANAGER)
def ruleset_derive(request, pk: int):
    import json

    base = get_object_or_404(RuleSetVersion, pk=pk)
    initial = {"definition": json.dumps(base.definition, indent=2, ensure_ascii=False)}
    form = RuleSetDeriveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = call_services.do_derive_ruleset(
                base, form.cleaned_data["definition"], by=request.user
            )
        except ValidationError as exc:
            form.add_error("definition", exc)
        else:
            messages.success(request, _("Version %(v)s is saved.") % {"v": new.version})
            return redirect("hiring:rulesets")
    return render(request, "hiring/office/ruleset_derive.html", {"base": base, "form": form})
