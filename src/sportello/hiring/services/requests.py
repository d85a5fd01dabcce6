"""Staffing requests: a body submits, its office accepts, asks for changes or rejects."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sportello.audit.log import record
from sportello.hiring.models import StaffingRequest
from sportello.hiring.services.notify import notify_body

DECISIONS = {
    "accept": StaffingRequest.Status.ACCEPTED,
    "changes": StaffingRequest.Status.CHANGES,
    "reject": StaffingRequest.Status.REJECTED,
}


def do_submit_request(request: StaffingRequest, *, by) -> StaffingRequest:
    request.created_by = by
    request.status = StaffingRequest.Status.SUBMITTED
    request.save()
    record("hiring.request_submitted", actor=by, obj=request)
    return request


def do_resubmit(request: StaffingRequest, *, by) -> StaffingRequest:
    if request.status != StaffingRequest.Status.CHANGES:
        raise ValidationError(_("Only a request sent back for changes can be edited."))
    request.status = StaffingRequest.Status.SUBMITTED
    request.save()
    record("hiring.request_resubmitted", actor=by, obj=request)
    return request


def do_decide(request: StaffingRequest, decision: str, reason: str, *, by) -> None:
    if decision not in DECISIONS:
        raise ValidationError(_("Unknown decision."))
    if decision != "accept" and not reason.strip():
        raise ValidationError(_("Give a reason, so the body knows what to do."))
    with transaction.atomic():
        locked = StaffingRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != StaffingRequest.Status.SUBMITTED:
            raise ValidationError(_("This request was already decided."))
        locked.status, locked.decision_reason, locked.decided_by = DECISIONS[decision], reason, by
        locked.save()
        record("hiring.request_decided", actor=by, obj=locked, details={"decision": decision})
        notify_body(
            locked.body,
            "request_decided",
            {"profile": locked.profile, "status": locked.get_status_display, "reason": reason},
            "hiring:my_requests",
        )
