from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sportello.accounts.models import Body


class StaffingRequest(models.Model):
    """A body's request for staff, decided by the office of the body."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        CHANGES = "changes", _("Changes requested")
        ACCEPTED = "accepted", pgettext_lazy("staffing request status", "Accepted")
        REJECTED = "rejected", pgettext_lazy("staffing request status", "Rejected")

    class Contract(models.TextChoices):
        FIXED = "fixed", _("Fixed term")
        PERMANENT = "permanent", _("Permanent")

    class Qualification(models.TextChoices):
        COMPULSORY = "compulsory", _("Compulsory schooling")
        VOCATIONAL = "vocational", _("Vocational qualification")

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="staffing_requests")
    profile = models.CharField(_("job profile"), max_length=200)
    posts = models.PositiveSmallIntegerField(_("number of posts"))
    place = models.CharField(_("place of work"), max_length=200)
    hours_per_week = models.PositiveSmallIntegerField(_("hours per week"))
    contract_type = models.CharField(_("contract type"), max_length=20, choices=Contract.choices)
    contract_months = models.PositiveSmallIntegerField(
        _("contract length (months)"), null=True, blank=True
    )
    qualification = models.CharField(
        _("required qualification level"), max_length=20, choices=Qualification.choices
    )
    start_date = models.DateField(_("start date"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    decision_reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("staffing request")
        verbose_name_plural = _("staffing requests")

    def __str__(self):
        return f"{self.body} · {self.profile} ({self.posts})"
