"""What an administrator configures: trunks, numbers, IVR flows, queues, agents, prompts."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sportello.accounts.models import Office

LANGUAGES = [
    ("it", "Italiano"),
    ("fr", "Français"),
    ("ca", "Català"),
    ("es", "Español"),
    ("en", "English"),
]


class Trunk(models.Model):
    """A SIP peer (carrier) that brings calls from the public network and takes outbound ones."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    host = models.CharField(_("host"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=5060)
    transport = models.CharField(
        _("transport"), max_length=3, choices=[("udp", "UDP"), ("tcp", "TCP")], default="udp"
    )
    username = models.CharField(_("user name"), max_length=100, blank=True)
    password = models.CharField(_("password"), max_length=100, blank=True)
    allowed_sources = models.TextField(
        _("allowed source addresses"), help_text=_("One IP address or network (CIDR) per line.")
    )
    outbound_caller_id = models.CharField(_("outbound caller id"), max_length=32, blank=True)
    active = models.BooleanField(_("active"), default=True)

    def __str__(self):
        return self.name

    def source_networks(self) -> list[str]:
        return [line.strip() for line in self.allowed_sources.splitlines() if line.strip()]


class Skill(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)

    def __str__(self):
        return self.name


class IvrFlow(models.Model):
    """A named IVR; its behaviour lives in versions so a change applies to new calls only."""

    name = models.CharField(_("name"), max_length=100)
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT)

    def __str__(self):
        return self.name

    def current_version(self) -> "IvrFlowVersion | None":
        return self.versions.filter(published=True).order_by("-number").first()


class IvrFlowVersion(models.Model):
    flow = models.ForeignKey(IvrFlow, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["flow", "number"], name="unique_flow_version")
        ]

    def __str__(self):
        return f"{self.flow} v{self.number}"


class ServiceNumber(models.Model):
    """A number citizens dial (e.g. the toll-free 800 number), reached through a trunk."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    label = models.CharField(_("label"), max_length=100)
    trunk = models.ForeignKey(Trunk, on_delete=models.PROTECT, related_name="numbers")
    flow = models.ForeignKey(IvrFlow, on_delete=models.PROTECT)
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT)

    def __str__(self):
        return f"{self.number} ({self.label})"


class Queue(models.Model):
    class ExitAction(models.TextChoices):
        CALLBACK = "callback", _("Offer a callback")
        VOICEMAIL = "voicemail", _("Voicemail")
        MESSAGE = "message", _("Message and hang up")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.PROTECT)
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    max_wait_seconds = models.PositiveIntegerField(_("maximum wait (s)"), default=600)
    max_length = models.PositiveIntegerField(_("maximum callers waiting"), default=50)
    overflow_after_seconds = models.PositiveIntegerField(
        _("widen to lower skill levels after (s)"), default=60
    )
    exit_action = models.CharField(
        _("when full or timed out"),
        max_length=10,
        choices=ExitAction.choices,
        default=ExitAction.CALLBACK,
    )
    announce_every_seconds = models.PositiveIntegerField(
        _("announce position every (s)"), default=45
    )
    service_level_seconds = models.PositiveIntegerField(_("service level target (s)"), default=20)
    service_level_target = models.PositiveSmallIntegerField(
        _("service level target (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of answered calls that should wait at most the target time."),
    )
    wrap_up_seconds = models.PositiveIntegerField(_("wrap-up time (s)"), default=30)
    ring_seconds = models.PositiveIntegerField(_("ring an agent for (s)"), default=20)
    record_calls = models.BooleanField(_("record calls"), default=False)
    recording_retention_days = models.PositiveIntegerField(
        _("keep recordings for (days)"), default=30
    )
    mailbox_email = models.EmailField(_("voicemail goes to"), blank=True)

    def __str__(self):
        return self.name


class Agent(models.Model):
    class Device(models.TextChoices):
        SIP = "sip", _("SIP phone or softphone")
        BROWSER = "browser", _("Browser")
        MOBILE = "mobile", _("Mobile phone (through the trunk)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent"
    )
    sip_username = models.CharField(_("SIP user name"), max_length=64, unique=True)
    sip_ha1 = models.CharField(_("SIP digest HA1"), max_length=64, blank=True)
    device = models.CharField(
        _("answers on"), max_length=10, choices=Device.choices, default=Device.BROWSER
    )
    mobile_number = models.CharField(_("mobile number"), max_length=32, blank=True)
    max_missed = models.PositiveIntegerField(_("missed calls before pause"), default=3)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    skills = models.ManyToManyField(Skill, through="AgentSkill")
    chooses_queues = models.BooleanField(
        _("chooses the services to answer each day"),
        default=False,
        help_text=_("On the desktop, before logging in, among the skills given here."),
    )

    def __str__(self):
        return str(self.user)


class AgentSkill(models.Model):
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE)
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE)
    level = models.PositiveSmallIntegerField(_("level (1 = best)"), default=1)
    serving = models.BooleanField(_("answering today"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "skill"], name="unique_agent_skill")
        ]


class PauseReason(models.Model):
    code = models.SlugField(max_length=30, unique=True)
    label = models.CharField(max_length=100)

    def __str__(self):
        return self.label


class WrapUpCode(models.Model):
    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="wrap_up_codes")
    code = models.SlugField(max_length=30)
    label = models.CharField(max_length=100)
    required = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["queue", "code"], name="unique_wrap_up_code")
        ]

    def __str__(self):
        return self.label


class OpeningHours(models.Model):
    flow = models.ForeignKey(IvrFlow, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday (0 = Monday)"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]


class Holiday(models.Model):
    """A day the service is closed: national (no region) or for one region."""

    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)
    region = models.CharField(_("region"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["date", "region"], name="unique_holiday")]

    def __str__(self):
        return f"{self.date} {self.name}"


class Prompt(models.Model):
    """An audio prompt (8 kHz mono WAV) for one key and language; uploads replace generated ones."""

    key = models.SlugField(_("key"), max_length=60)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    file = models.CharField(_("file"), max_length=300)
    uploaded = models.BooleanField(_("recorded by staff"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "language"], name="unique_prompt")]
