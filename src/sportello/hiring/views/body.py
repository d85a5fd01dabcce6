"""Pages of public-body users: staffing requests and the candidates sent to them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from sportello.accounts.decorators import staff_required
from sportello.accounts.models import Body
from sportello.accounts.roles import Role, body_ids_for
from sportello.audit.log import record
from sportello.hiring import access
from sportello.hiring.forms import OutcomeForm, StaffingRequestForm
from sportello.hiring.models import Call, Candidate, StaffingRequest
from sportello.hiring.services.candidates import do_record_outcome
from sportello.hiring.services.requests import do_resubmit, do_submit_request


@staff_required(Role.BODY_USER)
def my_requests(request):
    ids = body_ids_for(request.user)
    return render(
        request,
        "hiring/body/requests.html",
        {
            "requests": StaffingRequest.objects.filter(body_id__in=ids),
            "calls": Call.objects.filter(
                requests__body_id__in=ids, phase=Call.Phase.FINAL
            ).distinct(),
        },
    )


@staff_required(Role.BODY_USER)
def request_edit(request, pk: int | None = None):
    req = access.request_for_body(request, pk) if pk else None
    if req and req.status != StaffingRequest.Status.CHANGES:
        messages.error(request, _("Only a request sent back for changes can be edited."))
        return redirect("hiring:my_requests")
    form = StaffingRequestForm(request.POST or None, instance=req)
    if request.method == "POST" and form.is_valid():
        new = form.save(commit=False)
        try:
            if req is None:
                new.body = get_object_or_404(Body, pk=min(body_ids_for(request.user)))
                do_submit_request(new, by=request.user)
            else:
                do_resubmit(new, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The request is sent to the office."))
            return redirect("hiring:my_requests")
    return render(request, "hiring/body/request_form.html", {"form": form, "req": req})


@staff_required(Role.BODY_USER)
def candidates(request, pk: int):
    """The candidates with their contact details; every view is audit-logged."""
    call = access.call_for_body(request, pk)
    found = list(call.candidates.select_related("entry__application__citizen__citizen"))
    record(
        "hiring.candidates_viewed",
        actor=request.user,
        obj=call,
        details={"protocols": [c.entry.protocol for c in found]},
    )
    return render(
        request,
        "hiring/body/candidates.html",
        {
            "call": call,
            "candidates": found,
            "form": OutcomeForm(),
        },
    )


@staff_required(Role.BODY_USER)
def candidate_outcome(request, pk: int):
    candidate = get_object_or_404(Candidate.objects.select_related("call"), pk=pk)
    call = access.call_for_body(request, candidate.call_id)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_record_outcome(
                candidate,
                form.cleaned_data["outcome"],
                form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The outcome is recorded."))
            return redirect("hiring:candidates", call.pk)
    return render(
        request, "hiring/body/outcome.html", {"call": call, "candidate": candidate, "form": form}
    )
