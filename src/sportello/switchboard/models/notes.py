"""Notes an agent writes at wrap-up, kept in the citizen's file."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sportello.switchboard.models.calls import Call


class CallNote(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="citizen_notes")
    citizen = models.ForeignKey(
        "accounts.CitizenProfile", on_delete=models.CASCADE, related_name="call_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("call note")
        verbose_name_plural = _("call notes")

    def __str__(self):
        return f"{self.citizen} {self.created_at:%Y-%m-%d %H:%M}"
