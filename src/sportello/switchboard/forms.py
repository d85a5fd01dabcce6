import ipaddress
import json

from django import forms
from django.utils.translation import gettext_lazy as _

from sportello.switchboard import ivr
from sportello.switchboard.models import (
    Agent,
    AgentSkill,
    Holiday,
    IvrFlow,
    OpeningHours,
    PauseReason,
    Queue,
    ServiceNumber,
    Skill,
    Trunk,
    WrapUpCode,
)
from sportello.switchboard.models.config import LANGUAGES

PROMPT_MAX_BYTES = 10 * 1024 * 1024


class TrunkForm(forms.ModelForm):
    class Meta:
        model = Trunk
        fields = [
            "name",
            "host",
            "port",
            "transport",
            "username",
            "password",
            "allowed_sources",
            "outbound_caller_id",
            "active",
        ]
        widgets = {"password": forms.PasswordInput(render_value=True)}

    def clean_allowed_sources(self):
        value = self.cleaned_data["allowed_sources"]
        for line in filter(None, (raw.strip() for raw in value.splitlines())):
            try:
                ipaddress.ip_network(line, strict=False)
            except ValueError:
                raise forms.ValidationError(
                    _("'%(value)s' is not an IP address or network."), params={"value": line}
                ) from None
        return value

    def clean_port(self):
        port = self.cleaned_data["port"]
        if not 1 <= port <= 65535:
            raise forms.ValidationError(_("A port is a number from 1 to 65535."))
        return port


class QueueForm(forms.ModelForm):
    class Meta:
        model = Queue
        fields = [
            "code",
            "name",
            "office",
            "skill",
            "language",
            "max_wait_seconds",
            "max_length",
            "overflow_after_seconds",
            "exit_action",
            "announce_every_seconds",
            "service_level_seconds",
            "service_level_target",
            "wrap_up_seconds",
            "ring_seconds",
            "record_calls",
            "recording_retention_days",
            "mailbox_email",
        ]


class FlowVersionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    definition = forms.CharField(
        label=_("Flow definition (JSON)"),
        widget=forms.Textarea(attrs={"rows": 20, "class": "font-monospace"}),
        max_length=100_000,
        help_text=_(
            "Steps and where each leads. Saving creates a new version; calls already in progress keep the old one."
        ),
    )

    def clean_definition(self):
        try:
            definition = json.loads(self.cleaned_data["definition"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("This is not valid JSON (line %(line)s): %(msg)s"),
                params={"line": exc.lineno, "msg": exc.msg},
            ) from None
        errors = ivr.validate(definition)
        if errors:
            raise forms.ValidationError(errors)
        return definition


class PromptUploadForm(forms.Form):
    key = forms.SlugField(label=_("Prompt"), max_length=60)
    language = forms.ChoiceField(
        label=_("Language"), choices=Queue._meta.get_field("language").choices
    )
    audio = forms.FileField(label=_("Audio file (WAV, MP3 or OGG)"))

    def clean_audio(self):
        audio = self.cleaned_data["audio"]
        if audio.size > PROMPT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 10 MB)."))
        return audio


SIP_REALM = "sportello"


def sip_ha1(username: str, password: str, realm: str = SIP_REALM) -> str:
    import hashlib

    return hashlib.md5(f"{username}:{realm}:{password}".encode()).hexdigest()  # noqa: S324 (RFC 2617)


class AgentForm(forms.ModelForm):
    sip_password = forms.CharField(
        label=_("New SIP password"),
        required=False,
        min_length=12,
        max_length=64,
        widget=forms.PasswordInput,
        help_text=_("For a SIP phone. Leave empty to keep the current one."),
    )

    class Meta:
        model = Agent
        fields = [
            "user",
            "sip_username",
            "device",
            "mobile_number",
            "max_missed",
            "languages",
            "chooses_queues",
        ]

    def clean_languages(self):
        value = self.cleaned_data.get("languages") or []
        allowed = {code for code, _name in LANGUAGES}
        if not isinstance(value, list) or not set(value) <= allowed:
            raise forms.ValidationError(_("Choose among: it, fr, ca, es, en."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("device") == Agent.Device.MOBILE and not data.get("mobile_number"):
            self.add_error("mobile_number", _("A mobile number is needed to answer on a mobile."))
        return data

    def save(self, commit=True):
        agent = super().save(commit=False)
        if password := self.cleaned_data.get("sip_password"):
            agent.sip_ha1 = sip_ha1(agent.sip_username, password)
        if commit:
            agent.save()
        return agent


def model_form(model, fields):
    return forms.modelform_factory(model, fields=fields)


SECTIONS = {
    "trunks": (Trunk, TrunkForm, ["name", "host", "port", "active"]),
    "numbers": (
        ServiceNumber,
        model_form(ServiceNumber, ["number", "label", "trunk", "flow", "office"]),
        ["number", "label", "trunk", "flow"],
    ),
    "skills": (Skill, model_form(Skill, ["code", "name"]), ["code", "name"]),
    "queues": (Queue, QueueForm, ["code", "name", "language", "skill"]),
    "agents": (Agent, AgentForm, ["user", "sip_username", "device"]),
    "agent-skills": (
        AgentSkill,
        model_form(AgentSkill, ["agent", "skill", "level"]),
        ["agent", "skill", "level"],
    ),
    "pause-reasons": (PauseReason, model_form(PauseReason, ["code", "label"]), ["code", "label"]),
    "wrap-up-codes": (
        WrapUpCode,
        model_form(WrapUpCode, ["queue", "code", "label", "required"]),
        ["queue", "code", "label", "required"],
    ),
    "holidays": (
        Holiday,
        model_form(Holiday, ["date", "name", "region"]),
        ["date", "name", "region"],
    ),
    "opening-hours": (
        OpeningHours,
        model_form(OpeningHours, ["flow", "weekday", "opens", "closes"]),
        ["flow", "weekday", "opens", "closes"],
    ),
    "flows": (IvrFlow, model_form(IvrFlow, ["name", "office"]), ["name", "office"]),
}
