"""The application form: only the declarations the call's frozen rule set needs."""

import uuid
from datetime import date
from decimal import Decimal

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sportello.hiring.models import Call
from sportello.hiring.services.attachments import check_upload
from sportello.hiring.services.facts import questions_for
from sportello.hiring.services.labels import DECLARATION_LABELS as L

KEY_SALT = "sportello.hiring.submit-key"
MAX_ISEE = Decimal(500_000)
DECLARATION = _(
    "I declare under my own responsibility, as provided by DPR 445/2000 arts. 46 and 47 and "
    "aware of the penalties of art. 76 for false statements, that the data above are true."
)
STATUSES = [
    ("unemployed", _("Unemployed")),
    ("suspended", _("Unemployed with a suspended status")),
    ("employed", _("Employed")),
    ("inactive", _("None of these")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class DateField(forms.DateField):
    """A date input sends ISO 8601, which Django tries only after the language's typed formats,
    each a failed strptime: on the click-day path ISO is parsed first. Typed dates still work."""

    def to_python(self, value):
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        return super().to_python(value)


def new_key(call: Call, citizen) -> str:
    return signing.dumps({"c": call.pk, "u": citizen.pk, "k": uuid.uuid4().hex}, salt=KEY_SALT)


def _months(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=600, required=False)


class ApplicationForm(forms.Form):
    submit_key = forms.CharField(widget=forms.HiddenInput)
    birth_date = DateField(label=L["birth_date"], widget=DateInput())

    def __init__(self, *args, call: Call, citizen, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.call, self.citizen, self.submitting = call, citizen, submitting
        if not self.is_bound:
            self.initial.setdefault("submit_key", new_key(call, citizen))
        self.questions = _questions(call)
        for question in self.questions:
            getattr(self, f"_add_{question}")()
        self.fields["attachment"] = forms.FileField(
            label=_("Attachment (PDF or JPEG)"),
            required=False,
            help_text=_("For example your ISEE certificate or an identity document."),
        )
        self.fields["declaration"] = forms.BooleanField(label=DECLARATION, required=False)

    def _add_isee(self):
        self.fields["isee_value"] = forms.DecimalField(
            label=L["isee_value"],
            required=False,
            min_value=0,
            max_value=MAX_ISEE,
            decimal_places=2,
            help_text=_("Leave empty if you have no ISEE."),
            error_messages={
                "min_value": _("The ISEE cannot be negative."),
                "max_value": _("This ISEE value is not plausible: check the certificate."),
            },
        )
        year = timezone.localdate().year
        self.fields["isee_year"] = forms.IntegerField(
            label=L["isee_year"], required=False, min_value=year - 5, max_value=year
        )
        self.fields["dsu_only"] = forms.BooleanField(label=L["dsu_only"], required=False)

    def _add_gross_income(self):
        self.fields["gross_income"] = forms.DecimalField(
            label=L["gross_income"],
            required=False,
            min_value=0,
            max_value=10_000_000,
            decimal_places=2,
        )

    def _add_dependants(self):
        self.fields["dependants"] = forms.IntegerField(
            label=L["dependants"],
            min_value=0,
            max_value=40,
            initial=0,
            error_messages={"invalid": _("Write the number of dependants in figures, e.g. 2.")},
        )
        self.fields["dependants_disabled"] = forms.IntegerField(
            label=L["dependants_disabled"],
            min_value=0,
            max_value=40,
            initial=0,
            error_messages={"invalid": _("Write a number in figures, e.g. 0.")},
        )

    def _add_did_date(self):
        self.fields["did_date"] = DateField(label=L["did_date"], required=False, widget=DateInput())

    def _add_registration_months(self):
        self.fields["registration_months"] = _months(L["registration_months"])

    def _add_unemployment_months(self):
        self.fields["unemployment_months"] = _months(L["unemployment_months"])

    def _add_employment_status(self):
        self.fields["employment_status"] = forms.ChoiceField(
            label=L["employment_status"], choices=[("", "—"), *STATUSES]
        )

    def _add_french_test(self):
        self.fields["french_test"] = forms.ChoiceField(
            label=L["french_test"], choices=[("", "—"), ("yes", _("yes")), ("no", _("no"))]
        )

    def _add_job_centres(self):
        centres = [(o.code, o.name) for o in self.call.job_centres.all()]
        for n in range(1, len(centres) + 1):
            self.fields[f"centre_{n}"] = forms.ChoiceField(
                label=_("Job centre, choice %(n)s") % {"n": n},
                choices=[("", "—"), *centres],
                required=n == 1,
            )

    def clean_submit_key(self) -> str:
        try:
            data = signing.loads(self.cleaned_data["submit_key"], salt=KEY_SALT, max_age=86400)
        except signing.BadSignature:
            data = {}
        if data.get("c") != self.call.pk or data.get("u") != self.citizen.pk:
            raise forms.ValidationError(
                _("The form was altered or is too old: reload the page and try again.")
            )
        return data["k"]

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value.year < 1900 or value > timezone.localdate():
            raise forms.ValidationError(_("Check the birth date."))
        return value

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            check_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if self.submitting and not data.get("declaration"):
            self.add_error("declaration", _("Tick the declaration to submit the application."))
        if data.get("isee_value") is not None and not data.get("isee_year"):
            self.add_error("isee_year", _("Give the year of the ISEE."))
        if (data.get("dependants_disabled") or 0) > (data.get("dependants") or 0):
            self.add_error("dependants_disabled", _("This cannot be more than the dependants."))
        if (did := data.get("did_date")) and did > timezone.localdate():
            self.add_error("did_date", _("The date cannot be in the future."))
        centres = _centres(data)
        if len(set(centres)) != len(centres):
            self.add_error("centre_1", _("Each job centre can be chosen once."))
        return data

    def declaration_data(self) -> dict:
        """The declarations as JSON-ready values."""
        data = self.cleaned_data
        out: dict = {"birth_date": data["birth_date"].isoformat()}
        for key in ("isee_value", "gross_income"):
            if key in data:
                value = data[key]
                out[key] = None if value is None else str(value.quantize(Decimal("0.01")))
        for key in (
            "isee_year",
            "dependants",
            "dependants_disabled",
            "registration_months",
            "unemployment_months",
            "employment_status",
            "french_test",
            "dsu_only",
        ):
            if key in data:
                out[key] = data[key]
        if "did_date" in data:
            out["did_date"] = data["did_date"].isoformat() if data["did_date"] else None
        if "job_centres" in self.questions:
            out["job_centres"] = _centres(data)
        return out

    @classmethod
    def initial_from(cls, data: dict) -> dict:
        initial = dict(data)
        for n, code in enumerate(data.get("job_centres") or [], start=1):
            initial[f"centre_{n}"] = code
        return initial


# call id → (the frozen rule set, its questions): parsing the rule set on every form is the
# largest part of building one, and a frozen rule set does not change.
_QUESTIONS: dict[int, tuple[dict, tuple[str, ...]]] = {}


def _questions(call: Call) -> tuple[str, ...]:
    frozen = call.frozen_ruleset
    if not frozen:
        return tuple(questions_for(call.frozen()))
    cached = _QUESTIONS.get(call.pk)
    if cached and cached[0] == frozen:  # compared, so that a changed copy is never served
        return cached[1]
    questions = tuple(questions_for(call.frozen()))
    _QUESTIONS[call.pk] = (frozen, questions)
    return questions


def _centres(data: dict) -> list[str]:
    keys = sorted((k for k in data if k.startswith("centre_")), key=lambda k: int(k[7:]))
    return [data[k] for k in keys if data[k]]
