"""Reports sent by e-mail on a schedule."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportSchedule(models.Model):
    class Frequency(models.TextChoices):
        DAILY = "daily", _("Every day (yesterday's figures)")
        WEEKLY = "weekly", _("Every Monday (last week's figures)")
        MONTHLY = "monthly", _("On the 1st (last month's figures)")

    name = models.CharField(_("name"), max_length=100)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    granularity = models.CharField(_("granularity"), max_length=10, default="hour")
    group_by = models.CharField(_("group by"), max_length=10, default="queue")
    queues = models.ManyToManyField("switchboard.Queue", blank=True, verbose_name=_("queues"))
    recipients = models.TextField(_("recipients"), help_text=_("One e-mail address per line."))
    active = models.BooleanField(_("active"), default=True)
    last_sent_on = models.DateField(_("last sent on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    def __str__(self):
        return self.name

    def recipient_list(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]
