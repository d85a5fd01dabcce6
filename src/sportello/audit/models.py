from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppendOnlyError(Exception):
    pass


class AuditEvent(models.Model):
    """One access to or change of personal data. Rows are never updated or deleted."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # The (actor, at) and (subject, at) indexes below serve lookups by actor or subject.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    actor_label = models.CharField(_("who"), max_length=254)
    action = models.CharField(_("action"), max_length=60)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    subject_label = models.CharField(_("whose data"), max_length=254, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(
        pgettext_lazy("origin of a request", "from"), null=True, blank=True
    )
    user_agent = models.CharField(max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subject", "-at"]),
            models.Index(fields=["actor", "-at"]),
            models.Index(fields=["action"], name="audit_action"),  # no LIKE index: exact only
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")
