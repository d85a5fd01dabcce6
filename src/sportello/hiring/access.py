"""Object-level access, one helper per model, reused by every view."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from sportello.accounts.roles import Role, body_ids_for, office_ids_for
from sportello.audit.log import record
from sportello.hiring.models import Appeal, Application, Attachment, Call, StaffingRequest

OFFICE_ROLES = (Role.OPERATOR, Role.MANAGER)


def denied(request, obj_type: str, pk) -> Http404:
    record(
        "access.denied",
        actor=request.user,
        details={"object": obj_type, "id": str(pk), "path": request.path},
    )
    return Http404()


def in_scope(ids: set[int] | None, office_id: int) -> bool:
    return ids is None or office_id in ids


def staff_calls(user, *roles):
    ids = office_ids_for(user, *(roles or OFFICE_ROLES))
    calls = Call.objects.all()
    return calls if ids is None else calls.filter(office_id__in=ids)


def call_for_staff(request, pk: int, *roles) -> Call:
    call = get_object_or_404(Call, pk=pk)
    if not in_scope(office_ids_for(request.user, *(roles or OFFICE_ROLES)), call.office_id):
        raise denied(request, "call", pk)
    return call


def own_application(request, pk: int) -> Application:
    """The citizen's own application; anyone else's gets a 404 and an audit event."""
    app = Application.objects.select_related("call").filter(pk=pk).first()
    if app is None or app.citizen_id != request.user.pk:
        raise denied(request, "application", pk)
    return app


def application_for_staff(request, pk: int) -> Application:
    app = get_object_or_404(Application.objects.select_related("call", "citizen"), pk=pk)
    if not in_scope(office_ids_for(request.user, *OFFICE_ROLES), app.call.office_id):
        raise denied(request, "application", pk)
    return app


def appeal_for_staff(request, pk: int) -> Appeal:
    appeal = get_object_or_404(Appeal.objects.select_related("application__call"), pk=pk)
    if not in_scope(office_ids_for(request.user, *OFFICE_ROLES), appeal.application.call.office_id):
        raise denied(request, "appeal", pk)
    return appeal


def request_for_office(request, pk: int) -> StaffingRequest:
    req = get_object_or_404(StaffingRequest.objects.select_related("body"), pk=pk)
    if not in_scope(office_ids_for(request.user, *OFFICE_ROLES), req.body.office_id):
        raise denied(request, "staffing_request", pk)
    return req


def request_for_body(request, pk: int) -> StaffingRequest:
    req = get_object_or_404(StaffingRequest, pk=pk)
    if req.body_id not in body_ids_for(request.user):
        raise denied(request, "staffing_request", pk)
    return req


def call_for_body(request, pk: int) -> Call:
    call = get_object_or_404(Call, pk=pk)
    if not call.requests.filter(body_id__in=body_ids_for(request.user)).exists():
        raise denied(request, "call", pk)
    return call


def may_read_attachment(user, attachment: Attachment) -> bool:
    """The owner, or verified office staff of the call's office."""
    if attachment.owner.pk == user.pk:
        return True
    app = attachment.application or attachment.appeal.application
    ids = office_ids_for(user, *OFFICE_ROLES)
    return user.is_verified() and (ids is None or app.call.office_id in ids)
