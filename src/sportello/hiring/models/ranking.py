from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RankingEntry(models.Model):
    """One row of a computed ranking; excluded applications have no position."""

    class Stage(models.TextChoices):
        PROVISIONAL = "provisional", _("Provisional")
        FINAL = "final", _("Final")

    call = models.ForeignKey("hiring.Call", on_delete=models.CASCADE, related_name="ranking")
    application = models.ForeignKey(
        "hiring.Application", on_delete=models.CASCADE, related_name="ranking_entries"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    # Office code of the job centre's list, when the rule set ranks per job centre.
    job_centre = models.CharField(max_length=30, blank=True, default="")
    position = models.PositiveIntegerField(null=True, blank=True)
    protocol = models.CharField(max_length=20)
    score_hundredths = models.IntegerField(null=True, blank=True)
    excluded_reasons = models.JSONField(default=list)
    explanation = models.JSONField(default=list)

    class Meta:
        ordering = ["stage", "job_centre", "position", "protocol"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "stage", "job_centre", "application"], name="hiring_ranking_row"
            )
        ]

    @property
    def score(self) -> str:
        h = self.score_hundredths
        return "" if h is None else f"{h // 100 if h >= 0 else -(-h // 100)}.{abs(h) % 100:02d}"


class Appeal(models.Model):
    """A review request against the provisional ranking."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", pgettext_lazy("appeal status", "Accepted")
        REJECTED = "rejected", pgettext_lazy("appeal status", "Rejected")

    application = models.ForeignKey(
        "hiring.Application", on_delete=models.PROTECT, related_name="appeals"
    )
    text = models.TextField(_("your request"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)


class Candidate(models.Model):
    """A ranked applicant sent to the body, and what the body decided."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Awaiting outcome")
        HIRED = "hired", _("Hired")
        REJECTED = "rejected", pgettext_lazy("candidate outcome", "Rejected")
        NO_SHOW = "no_show", _("Did not show up")

    call = models.ForeignKey("hiring.Call", on_delete=models.CASCADE, related_name="candidates")
    entry = models.OneToOneField(RankingEntry, on_delete=models.PROTECT, related_name="candidate")
    sent_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["entry__position"]
