"""Forms of office staff and body users, and the public filter."""

import json

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sportello.accounts.models import Office
from sportello.hiring.forms.application import DateInput
from sportello.hiring.models import Application, Call, Candidate, StaffingRequest
from sportello.hiring.models.calls import PUBLISHED_IS_LOCKED
from sportello.hiring.services.facts import to_applicant


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format="%Y-%m-%dT%H:%M")


class StaffingRequestForm(forms.ModelForm):
    class Meta:
        model = StaffingRequest
        fields = [
            "profile",
            "posts",
            "place",
            "hours_per_week",
            "contract_type",
            "contract_months",
            "qualification",
            "start_date",
        ]
        widgets = {"start_date": DateInput()}

    def clean(self):
        data = super().clean()
        if data.get("posts") == 0:
            self.add_error("posts", _("Ask for at least one post."))
        hours = data.get("hours_per_week")
        if hours is not None and not 1 <= hours <= 48:
            self.add_error("hours_per_week", _("Between 1 and 48 hours a week."))
        fixed = data.get("contract_type") == StaffingRequest.Contract.FIXED
        if fixed and not data.get("contract_months"):
            self.add_error("contract_months", _("Give the length of a fixed-term contract."))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Accept")),
            ("changes", _("Ask for changes")),
            ("reject", _("Reject")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, required=False)


class _CallTexts:
    """Title and description in each language, stored as {language: text} on the call."""

    def add_text_fields(self):
        for code, name in settings.LANGUAGES:
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name},
                max_length=200,
                required=code == settings.LANGUAGE_CODE,
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description (%(language)s)") % {"language": name},
                widget=forms.Textarea(attrs={"rows": 3}),
                required=code == settings.LANGUAGE_CODE,
            )
        if self.instance.pk:
            for code, _name in settings.LANGUAGES:
                self.initial[f"title_{code}"] = self.instance.title.get(code, "")
                self.initial[f"description_{code}"] = self.instance.description.get(code, "")

    def texts_to_instance(self, call: Call) -> None:
        data, langs = self.cleaned_data, [code for code, _name in settings.LANGUAGES]
        call.title = {c: data[f"title_{c}"] for c in langs if data[f"title_{c}"]}
        call.description = {c: data[f"description_{c}"] for c in langs if data[f"description_{c}"]}


class CallForm(_CallTexts, forms.ModelForm):
    class Meta:
        model = Call
        fields = [
            "requests",
            "job_centres",
            "opens_at",
            "closes_at",
            "ruleset",
            "appeal_days",
            "candidate_factor",
        ]
        widgets = {
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "requests": forms.CheckboxSelectMultiple,
            "job_centres": forms.CheckboxSelectMultiple,
        }
        labels = {"requests": _("Staffing requests")}

    def __init__(self, *args, office_ids, **kwargs):
        super().__init__(*args, **kwargs)
        requests = StaffingRequest.objects.filter(status=StaffingRequest.Status.ACCEPTED)
        if office_ids is not None:
            requests = requests.filter(body__office_id__in=office_ids)
        self.fields["requests"].queryset = requests
        self.fields["job_centres"].queryset = Office.objects.all()
        self.add_text_fields()

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The window must close after it opens."))
        return data

    def save(self, commit=True):
        call = super().save(commit=False)
        self.texts_to_instance(call)
        if commit:
            call.save()
            self.save_m2m()
        return call


class CallTextsForm(_CallTexts, forms.ModelForm):
    """What can still be corrected once a call is published: its title and description.

    A form that sends anything else (a draft form left open while the call was published, or
    a tampered one) is refused as a whole with the reason."""

    class Meta:
        model = Call
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_text_fields()

    def clean(self):
        data = super().clean()
        if self.is_bound and any(name in self.data for name in CallForm.Meta.fields):
            raise forms.ValidationError(PUBLISHED_IS_LOCKED)
        return data

    def save(self, commit=True):
        call = super().save(commit=False)
        self.texts_to_instance(call)
        if commit:
            call.save(update_fields=["title", "description"])
        return call


class RuleSetDeriveForm(forms.Form):
    definition = forms.CharField(
        label=_("Definition (JSON)"),
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_("Change points, bands or gates; the name and version are set for you."),
    )


class _JSONDeclaration(forms.Form):
    corrected = forms.CharField(
        label=_("Corrected declaration (JSON)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )

    def clean_corrected(self) -> dict | None:
        text = self.cleaned_data["corrected"].strip()
        if not text:
            return None
        try:
            data = json.loads(text)
            to_applicant("check", data)
        except Exception as exc:  # any malformed declaration is a form error, not a crash
            raise forms.ValidationError(
                _("The corrected declaration is not valid: %(error)s") % {"error": exc}
            ) from exc
        return data


class VerifyForm(_JSONDeclaration):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in Application.Verification.choices if c[0] != "pending"],
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    field_order = ["outcome", "note", "corrected"]

    def clean(self):
        data = super().clean()
        corrected = data.get("outcome") == Application.Verification.CORRECTED
        if corrected and not data.get("corrected") and "corrected" not in self.errors:
            self.add_error("corrected", _("Give the corrected declaration."))
        return data


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why should your score be reviewed?"), widget=forms.Textarea, max_length=5000
    )
    attachment = forms.FileField(label=_("Attachment (PDF or JPEG)"), required=False)

    def clean_attachment(self):
        from sportello.hiring.services.attachments import check_upload

        upload = self.cleaned_data.get("attachment")
        if upload:
            check_upload(upload)
        return upload


class AppealDecisionForm(_JSONDeclaration):
    accepted = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Accept")), ("no", _("Reject"))],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["accepted", "reason", "corrected"]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[c for c in Candidate.Outcome.choices if c[0] != "pending"]
    )
    reason = forms.CharField(label=_("Reason"), required=False)


class CitizenLookupForm(forms.Form):
    query = forms.CharField(label=_("Codice fiscale or e-mail of the citizen"), max_length=254)


class CallFilterForm(forms.Form):
    place = forms.CharField(label=_("Place"), required=False)
    profile = forms.CharField(label=_("Job profile"), required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("Any")),
            ("open", _("Open")),
            ("upcoming", _("Upcoming")),
            ("closed", _("Closed")),
        ],
    )
