"""Office review: verify declarations, decide appeals, assisted applications, exports."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sportello.accounts.decorators import staff_required
from sportello.accounts.models import User
from sportello.accounts.roles import Role
from sportello.audit.log import record
from sportello.hiring import access
from sportello.hiring.forms import AppealDecisionForm, CitizenLookupForm, VerifyForm
from sportello.hiring.models import Application
from sportello.hiring.services import exports
from sportello.hiring.services.labels import declaration_lines
from sportello.hiring.services.ranking import do_decide_appeal, do_verify
from sportello.hiring.views.citizen import handle_application_form

OFFICE = (Role.OPERATOR, Role.MANAGER)


@staff_required(*OFFICE)
def verify(request, pk: int):
    app = access.application_for_staff(request, pk)
    record("hiring.application_viewed", actor=request.user, subject=app.citizen, obj=app)
    initial = {"corrected": json.dumps(app.effective_data, indent=2, ensure_ascii=False)}
    form = VerifyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            do_verify(app, data["outcome"], data["note"], data["corrected"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The check is recorded."))
            return redirect("hiring:office_call", app.call_id)
    return render(
        request,
        "hiring/office/verify.html",
        {
            "app": app,
            "form": form,
            "lines": declaration_lines(app.data),
            "attachments": app.attachments.all(),
        },
    )


@staff_required(*OFFICE)
def appeal_decide(request, pk: int):
    appeal = access.appeal_for_staff(request, pk)
    app = appeal.application
    initial = {"corrected": json.dumps(app.effective_data, indent=2, ensure_ascii=False)}
    form = AppealDecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        corrected = data["corrected"] if data["corrected"] != app.effective_data else None
        try:
            do_decide_appeal(appeal, data["accepted"], data["reason"], corrected, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The decision is recorded and the ranking recomputed."))
            return redirect("hiring:office_call", app.call_id)
    return render(
        request,
        "hiring/office/appeal.html",
        {
            "appeal": appeal,
            "app": app,
            "form": form,
            "attachments": appeal.attachments.all(),
        },
    )


def _find_citizen(query: str) -> User | None:
    query = query.strip()
    return User.objects.filter(
        Q(email__iexact=query) | Q(citizen__fiscal_code__iexact=query), citizen__isnull=False
    ).first()


@staff_required(*OFFICE)
def assisted(request, pk: int):
    """An operator files an application on behalf of a citizen found by codice fiscale/e-mail."""
    call = access.call_for_staff(request, pk)
    query = request.GET.get("query") or request.POST.get("query") or ""
    lookup = CitizenLookupForm({"query": query} if query else None)
    citizen = _find_citizen(query) if lookup.is_bound and lookup.is_valid() else None
    if citizen is None:
        if lookup.is_bound:
            lookup.add_error("query", _("No citizen with this codice fiscale or e-mail."))
        return render(request, "hiring/office/assisted_lookup.html", {"call": call, "form": lookup})
    record("hiring.citizen_looked_up", actor=request.user, subject=citizen, obj=call)
    result = handle_application_form(
        request, call, citizen, by=request.user, template_extra={"assisted_query": query}
    )
    if isinstance(result, Application):
        messages.success(
            request,
            _("The application of %(name)s is saved (%(protocol)s).")
            % {"name": citizen, "protocol": result.protocol or _("draft")},
        )
        return redirect("hiring:office_call", call.pk)
    return result


@staff_required(*OFFICE)
def export(request, pk: int, kind: str, fmt: str):
    call = access.call_for_staff(request, pk)
    record("hiring.exported", actor=request.user, obj=call, details={"kind": kind, "fmt": fmt})
    return exports.response(call, kind, fmt)
