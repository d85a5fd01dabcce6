from django.db import models
from django.utils.translation import gettext_lazy as _

from sportello.accounts.models import Office
from sportello.helpdesk.choices import Weekday


class Place(models.Model):
    """A help-desk location: where in-person appointments happen and mediators work from."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="helpdesk_places")
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    directions = models.TextField(
        _("how to get there"), blank=True, help_text=_("Bus lines, floor, entrance: no map needed.")
    )
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("help-desk place")
        verbose_name_plural = _("help-desk places")

    def __str__(self):
        return self.name


class OpeningHours(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")), name="hd_hours_order"
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Holiday(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["place", "date"], name="hd_holiday_once")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"
