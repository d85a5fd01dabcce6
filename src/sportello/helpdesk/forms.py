"""Forms for citizens and operators: everything the booking journey accepts is checked here."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sportello.helpdesk import phones
from sportello.helpdesk.availability import Request
from sportello.helpdesk.choices import Channel, Need, Outcome
from sportello.helpdesk.models import Place


def language_choices():
    return [(code, name) for code, name in settings.LANGUAGES]


class NeedForm(forms.Form):
    need = forms.ChoiceField(label=_("What do you need help with?"), choices=Need.choices)
    channel = forms.ChoiceField(
        label=_("How would you like to meet?"), choices=Channel.choices, initial=Channel.IN_PERSON
    )
    language = forms.ChoiceField(
        label=_("Language of the appointment"),
        choices=language_choices,
        error_messages={"invalid_choice": _("We do not offer appointments in that language.")},
    )
    place = forms.ModelChoiceField(
        label=_("Place (for appointments in person)"),
        queryset=Place.objects.filter(active=True),
        required=False,
        empty_label=_("Any place"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = get_language()

    def as_request(self) -> Request:
        data = self.cleaned_data
        place = data.get("place") if data["channel"] == Channel.IN_PERSON else None
        return Request(data["need"], data["language"], data["channel"], place.pk if place else None)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=30,
        required=False,
        help_text=_("For a reminder by text message, or if we need to call you."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("We send the confirmation and the links to cancel or change here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, channel: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            return ""
        number = phones.normalise(raw)
        if number is None:
            raise forms.ValidationError(
                _("This is not a valid phone number. Example: 333 123 4567 or +39 0165 123456.")
            )
        return number

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(_("Give us a phone number or an e-mail address."))
        if self.channel == Channel.PHONE and "phone" in data and not data.get("phone"):
            self.add_error("phone", _("For an appointment by phone we need your number."))
        return data


class PhoneSearchForm(forms.Form):
    phone = forms.CharField(label=_("Caller's phone number"), max_length=30)

    def clean_phone(self) -> str:
        number = phones.normalise(self.cleaned_data["phone"])
        if number is None:
            raise forms.ValidationError(_("This is not a valid phone number."))
        return number


class OutcomeForm(forms.Form):
    outcomes = forms.MultipleChoiceField(
        label=_("What was done"),
        choices=Outcome.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=480)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
