"""The write side of the audit log. Business code calls `record`, never the model."""

from django.db import models

from sportello.audit.context import current
from sportello.audit.models import AuditEvent


def record(
    action: str,
    *,
    actor=None,
    subject=None,
    obj: models.Model | None = None,
    details: dict | None = None,
    actor_label: str = "",
) -> AuditEvent:
    context = current.get()
    actor_user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor_user,
        actor_label=actor_label or (actor_user.email if actor_user else "system"),
        action=action,
        subject=subject,
        subject_label=getattr(subject, "email", "") if subject is not None else "",
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip_address=context.ip_address if context else None,
        user_agent=context.user_agent if context else "",
        details=details or {},
    )
