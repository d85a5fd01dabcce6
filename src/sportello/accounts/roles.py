"""Staff roles and the one place that answers "may this user do that, and where"."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR = "operator", _("Office operator")
    MANAGER = "manager", _("Office manager")
    BODY_USER = "body_user", _("Public body user")
    AGENT = "agent", _("Switchboard agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    MEDIATOR = "mediator", _("Help-desk mediator")
    COORDINATOR = "coordinator", _("Help-desk coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")


def _assignments(user) -> list:
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_role_assignments", None)
    if cached is None:
        cached = list(user.role_assignments.select_related("office", "body"))
        user._role_assignments = cached
    return cached


def roles_of(user) -> set[str]:
    return {a.role for a in _assignments(user)}


def has_role(user, *roles: str, office=None) -> bool:
    """True if the user holds one of `roles` (in `office`, when given)."""
    for assignment in _assignments(user):
        if assignment.role not in roles:
            continue
        if office is None or assignment.office_id is None or assignment.office_id == office.pk:
            return True
    return False


def is_staff_member(user) -> bool:
    return bool(_assignments(user)) or bool(getattr(user, "is_superuser", False))


def office_ids_for(user, *roles: str) -> set[int] | None:
    """Office ids where the user holds one of `roles`; None means every office (regional role)."""
    ids: set[int] = set()
    for assignment in _assignments(user):
        if assignment.role in roles:
            if assignment.office_id is None:
                return None
            ids.add(assignment.office_id)
    return ids


def body_ids_for(user) -> set[int]:
    return {a.body_id for a in _assignments(user) if a.role == Role.BODY_USER and a.body_id}
