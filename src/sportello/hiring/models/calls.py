from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from sportello.accounts.models import Office
from sportello.hiring.rules import RuleSet, parse_ruleset


def localized(texts: dict, language: str | None = None) -> str:
    """The text in `language` (the active one by default), else Italian, else any."""
    language = language or get_language() or settings.LANGUAGE_CODE
    return (
        texts.get(language)
        or texts.get(settings.LANGUAGE_CODE)
        or next((t for t in texts.values() if t), "")
    )


class RuleSetVersion(models.Model):
    """One stored version of a named rule set; versions are never edited, only derived."""

    name = models.CharField(_("name"), max_length=80)
    version = models.PositiveIntegerField(_("version"))
    legal_source = models.TextField(_("legal source"))
    definition = models.JSONField(_("definition"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="hiring_ruleset_version")
        ]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")

    def __str__(self):
        return f"{self.name} v{self.version}"

    def ruleset(self) -> RuleSet:
        return parse_ruleset(self.definition)


PUBLISHED_IS_LOCKED = _(
    "This call is published: its application window, rule set and eligibility gates, staffing "
    "requests, job centres, appeal window and candidates per post can no longer change. Only "
    "the title and description can be corrected; nothing was saved."
)


class Call(models.Model):
    """A public call: one or more staffing requests, an application window and a rule set."""

    # What applicants and the ranking rely on: fixed from publication on, whoever saves.
    LOCKED_WHEN_PUBLISHED = (
        "opens_at",
        "closes_at",
        "ruleset_id",
        "frozen_ruleset",
        "appeal_days",
        "candidate_factor",
    )

    class Phase(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("call phase", "Draft")
        PUBLISHED = "published", pgettext_lazy("call phase", "Published")
        PROVISIONAL = "provisional", _("Provisional ranking")
        FINAL = "final", _("Final ranking")

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="calls")
    requests = models.ManyToManyField("hiring.StaffingRequest", related_name="calls")
    job_centres = models.ManyToManyField(Office, related_name="+", verbose_name=_("job centres"))
    title = models.JSONField(_("title"), default=dict)
    description = models.JSONField(_("description"), default=dict)
    opens_at = models.DateTimeField(_("applications open"))
    closes_at = models.DateTimeField(_("applications close"))
    ruleset = models.ForeignKey(
        RuleSetVersion, on_delete=models.PROTECT, verbose_name=_("rule set")
    )
    frozen_ruleset = models.JSONField(null=True, blank=True)
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.DRAFT)
    appeal_days = models.PositiveSmallIntegerField(_("appeal window (days)"), default=8)
    candidate_factor = models.DecimalField(
        _("candidates per post"), max_digits=4, decimal_places=2, default=2
    )
    published_at = models.DateTimeField(null=True, blank=True)
    ranking_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("public call")
        verbose_name_plural = _("public calls")

    def __str__(self):
        return self.title_text

    def save(self, *args, **kwargs):
        locked = getattr(self, "_locked", {})
        if (fields := kwargs.get("update_fields")) is not None:
            locked = {f: v for f, v in locked.items() if f.removesuffix("_id") in fields}
        if any(getattr(self, f) != value for f, value in locked.items()):
            raise ValidationError(PUBLISHED_IS_LOCKED)
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        call = super().from_db(db, field_names, values)
        loaded = dict(zip(field_names, values, strict=True))
        if loaded.get("phase", cls.Phase.DRAFT) != cls.Phase.DRAFT:
            call._locked = {f: loaded[f] for f in cls.LOCKED_WHEN_PUBLISHED if f in loaded}
        return call

    @property
    def title_text(self) -> str:
        return localized(self.title)

    @property
    def description_text(self) -> str:
        return localized(self.description)

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.phase == self.Phase.PUBLISHED and self.opens_at <= now < self.closes_at

    @property
    def is_closed(self) -> bool:
        return self.phase != self.Phase.DRAFT and timezone.now() >= self.closes_at

    @property
    def state(self) -> str:
        """draft, upcoming, open, closed, provisional or final."""
        if self.phase == self.Phase.PUBLISHED:
            now = timezone.now()
            return (
                "upcoming" if now < self.opens_at else "open" if now < self.closes_at else "closed"
            )
        return self.phase

    @property
    def appeal_deadline(self):
        if self.phase != self.Phase.PROVISIONAL or self.ranking_published_at is None:
            return None
        return self.ranking_published_at + timedelta(days=self.appeal_days)

    def frozen(self) -> RuleSet:
        return parse_ruleset(self.frozen_ruleset or self.ruleset.definition)

    @property
    def posts(self) -> int:
        return sum(r.posts for r in self.requests.all())
