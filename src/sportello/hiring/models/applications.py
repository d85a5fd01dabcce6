from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProtocolCounter(models.Model):
    """The last protocol number given in a year; locked row by row inside the submit
    transaction, so numbers have no gaps and no duplicates."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Application(models.Model):
    """A citizen's application to a call; `data` holds the current self-declared facts."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("application status", "Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Verification(models.TextChoices):
        PENDING = "pending", _("To be checked")
        CHECKED = "checked", _("Checked")
        CORRECTED = "corrected", _("Corrected")
        EXCLUDED = "excluded", _("Excluded")

    # Indexes are written on every click-day submission: the ones a constraint below already
    # provides (call: the leading column of hiring_one_application; protocol) are not repeated.
    call = models.ForeignKey(
        "hiring.Call", on_delete=models.PROTECT, related_name="applications", db_index=False
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hiring_applications"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    data = models.JSONField(default=dict)
    protocol = models.CharField(max_length=20, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    verification = models.CharField(
        max_length=20, choices=Verification.choices, default=Verification.PENDING
    )
    verification_note = models.TextField(blank=True)
    verified_data = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["call", "citizen"], name="hiring_one_application"),
            models.UniqueConstraint(
                fields=["protocol"], condition=~models.Q(protocol=""), name="hiring_protocol"
            ),
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self):
        return self.protocol or f"#{self.pk}"

    @property
    def effective_data(self) -> dict:
        return self.verified_data if self.verified_data is not None else self.data

    @property
    def latest_revision(self):
        return self.revisions.order_by("-number").first()


class ApplicationRevision(models.Model):
    """One submitted version (the first submission or a correction), with its receipt hash."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="revisions", db_index=False
    )
    number = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=64)
    data = models.JSONField()
    submitted_at = models.DateTimeField()
    sha256 = models.CharField(max_length=64)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="hiring_revision"),
            # A constraint, not unique=True: that would add a LIKE index nobody uses.
            models.UniqueConstraint(fields=["idempotency_key"], name="hiring_revision_key"),
        ]


class Attachment(models.Model):
    """A PDF or JPEG stored under MEDIA_ROOT and served only through a checking view."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments", null=True, blank=True
    )
    appeal = models.ForeignKey(
        "hiring.Appeal", on_delete=models.CASCADE, related_name="attachments", null=True, blank=True
    )
    file = models.FileField(upload_to="hiring/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    @property
    def owner(self):
        return (self.application or self.appeal.application).citizen
