"""Choice lists shared by the help desk's models and forms."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Skill(models.TextChoices):
    SPID = "spid", _("SPID digital identity")
    CIE = "cie", _("CIE electronic identity card")
    PORTALS = "portals", _("Public administration portals")
    SMARTPHONE = "smartphone", _("Smartphone basics")
    JOBS = "jobs", _("Job applications")


# A citizen's need is answered by the mediator skill of the same name.
Need = Skill


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone call")
    VIDEO = "video", _("Video call")


class BookingStatus(models.TextChoices):
    BOOKED = "booked", pgettext_lazy("booking status", "Booked")
    CANCELLED = "cancelled", pgettext_lazy("booking status", "Cancelled")
    DONE = "done", pgettext_lazy("booking status", "Done")
    NO_SHOW = "no_show", _("Did not come")


class Outcome(models.TextChoices):
    SPID_OBTAINED = "spid_obtained", _("SPID obtained")
    CIE_PIN = "cie_pin", _("CIE PIN activated")
    APP_INSTALLED = "app_installed", _("App installed")
    PORTAL_REGISTRATION = "portal_registration", _("Portal registration")
    APPLICATION_SUBMITTED = "application_submitted", _("Application submitted")
    REFERRED = "referred", _("Referred elsewhere")


class ExceptionKind(models.TextChoices):
    LEAVE = "leave", _("Leave (not available)")
    EXTRA = "extra", _("Extra slot")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ExplainedPage(models.TextChoices):
    """Pages that link to the tutorials explaining them, by URL name."""

    BOOKING = "helpdesk:book", _("Booking a help-desk appointment")
    APPLY = "hiring:apply", _("Applying to a public call")
    MY_APPLICATIONS = "hiring:my_applications", _("Following my applications")
