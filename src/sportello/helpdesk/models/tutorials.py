from django.db import models
from django.utils.translation import gettext_lazy as _

from sportello.helpdesk.choices import ExplainedPage, Need


def _upload_to(instance, filename: str) -> str:
    return f"helpdesk/tutorials/{instance.slug}/{filename}"


class Tutorial(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("No video yet")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Processing failed")

    slug = models.SlugField(_("short name"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    need = models.CharField(_("topic"), max_length=20, choices=Need.choices)
    explains = models.CharField(
        _("linked from the page"),
        max_length=40,
        choices=ExplainedPage.choices,
        blank=True,
        help_text=_("The page that shows a link to this tutorial once it is ready."),
    )
    source = models.FileField(upload_to=_upload_to, blank=True)
    video = models.FileField(upload_to=_upload_to, blank=True)
    poster = models.FileField(upload_to=_upload_to, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("tutorial")

    def __str__(self):
        return self.title


class Caption(models.Model):
    class Kind(models.TextChoices):
        CAPTIONS = "captions", _("Captions")
        CHAPTERS = "chapters", _("Chapters")

    tutorial = models.ForeignKey(Tutorial, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(_("language"), max_length=5)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField()

    class Meta:
        ordering = ["kind", "language"]
        constraints = [
            models.UniqueConstraint(fields=["tutorial", "language", "kind"], name="hd_caption_once")
        ]
