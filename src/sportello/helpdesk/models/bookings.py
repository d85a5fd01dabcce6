import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sportello.helpdesk.choices import BookingStatus, Channel, Need
from sportello.helpdesk.models.people import Mediator
from sportello.helpdesk.models.places import Place

ACTIVE = ~models.Q(status=BookingStatus.CANCELLED)


def new_nonce() -> str:
    return secrets.token_urlsafe(8)


class Contact(models.Model):
    """Who the citizen is and how to reach them; an account is optional."""

    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=5)
    need = models.CharField(_("what you need help with"), max_length=20, choices=Need.choices)
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Booking(Contact):
    """An appointment: one mediator, one start time, one place."""

    mediator = models.ForeignKey(Mediator, on_delete=models.PROTECT, related_name="bookings")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="bookings")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(
        _("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    # Changes whenever a signed link is used, so every link works once.
    nonce = models.CharField(max_length=16, default=new_nonce)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcomes = models.JSONField(_("what was done"), default=list, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["mediator", "start"], condition=ACTIVE, name="hd_one_booking_per_slot"
            )
        ]
        indexes = [models.Index(fields=["start", "mediator"], name="hd_booking_start")]

    def __str__(self):
        return f"{self.start:%Y-%m-%d %H:%M} {self.name}"

    @property
    def is_active(self) -> bool:
        return self.status != BookingStatus.CANCELLED


class WaitingListEntry(Contact):
    class Status(models.TextChoices):
        WAITING = "waiting", pgettext_lazy("waiting list status", "Waiting")
        OFFERED = "offered", _("Slot offered")
        BOOKED = "booked", pgettext_lazy("waiting list status", "Booked")
        CANCELLED = "cancelled", pgettext_lazy("waiting list status", "Cancelled")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL)
    offered_mediator = models.ForeignKey(Mediator, null=True, on_delete=models.SET_NULL)
    offered_place = models.ForeignKey(Place, null=True, on_delete=models.SET_NULL, related_name="+")
    offered_start = models.DateTimeField(null=True)
    offer_expires_at = models.DateTimeField(null=True)
    nonce = models.CharField(max_length=16, default=new_nonce)
    booking = models.ForeignKey(Booking, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "pk"]


class Reminder(models.Model):
    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", pgettext_lazy("reminder status", "Failed")
        CANCELLED = "cancelled", pgettext_lazy("reminder status", "Cancelled")

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    hours_before = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=300, blank=True)
    provider_id = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="hd_reminder_due")]
