from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sportello.helpdesk.choices import ExceptionKind, Weekday
from sportello.helpdesk.models.places import Place


class Mediator(models.Model):
    """A volunteer (a User holding Role.MEDIATOR) with the languages and skills they offer."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mediator"
    )
    languages = models.JSONField(_("languages spoken"), default=list)
    skills = models.JSONField(_("skills"), default=list)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["user__display_name"]
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")

    def __str__(self):
        return str(self.user)


class Availability(models.Model):
    """A weekly recurring window in which the mediator takes appointments at one place."""

    mediator = models.ForeignKey(Mediator, on_delete=models.CASCADE, related_name="availability")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts = models.TimeField(pgettext_lazy("time range", "from"))
    ends = models.TimeField(pgettext_lazy("time range", "to"))

    class Meta:
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts__lt=models.F("ends")), name="hd_avail_order"
            )
        ]


class AvailabilityException(models.Model):
    """Leave (removes the window) or a one-off extra window on one date."""

    mediator = models.ForeignKey(Mediator, on_delete=models.CASCADE, related_name="exceptions")
    kind = models.CharField(_("kind"), max_length=10, choices=ExceptionKind.choices)
    date = models.DateField(_("date"))
    starts = models.TimeField(pgettext_lazy("time range", "from"))
    ends = models.TimeField(pgettext_lazy("time range", "to"))
    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("place")
    )

    class Meta:
        ordering = ["date", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts__lt=models.F("ends")), name="hd_exc_order"
            )
        ]
