"""Forms for the coordinator's pages: places, mediators, availability, tutorials."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sportello.accounts.models import User
from sportello.accounts.roles import Role
from sportello.helpdesk import media
from sportello.helpdesk.choices import Skill
from sportello.helpdesk.forms import language_choices
from sportello.helpdesk.models import (
    Availability,
    AvailabilityException,
    Caption,
    Holiday,
    Mediator,
    OpeningHours,
    Place,
    Tutorial,
)

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Ordered(forms.ModelForm):
    """Checks that a from–to pair is in order, with a clear message."""

    pair = ("starts", "ends")

    def clean(self):
        data = super().clean()
        lo, hi = (data.get(name) for name in self.pair)
        if lo and hi and lo >= hi:
            self.add_error(self.pair[1], _("The end must be after the start."))
        return data


class PlaceForm(forms.ModelForm):
    class Meta:
        model = Place
        fields = ["office", "name", "address", "directions", "accessibility_notes", "active"]

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offices is not None:
            self.fields["office"].queryset = offices


class OpeningHoursForm(_Ordered):
    pair = ("opens", "closes")

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]
        widgets = {"opens": TIME, "closes": TIME}


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["date", "name"]
        widgets = {"date": DATE}


class MediatorForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), choices=language_choices, widget=forms.CheckboxSelectMultiple
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills"), choices=Skill.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Mediator
        fields = ["user", "languages", "skills", "active"]

    def __init__(self, *args, office_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        users = User.objects.filter(role_assignments__role=Role.MEDIATOR).distinct()
        if office_ids is not None:
            users = users.filter(role_assignments__office_id__in=office_ids)
        if self.instance.pk:
            del self.fields["user"]
        else:
            self.fields["user"].queryset = users.filter(mediator__isnull=True)


class AvailabilityForm(_Ordered):
    class Meta:
        model = Availability
        fields = ["place", "weekday", "starts", "ends"]
        widgets = {"starts": TIME, "ends": TIME}

    def __init__(self, *args, places=None, **kwargs):
        super().__init__(*args, **kwargs)
        if places is not None:
            self.fields["place"].queryset = places


class ExceptionForm(_Ordered):
    class Meta:
        model = AvailabilityException
        fields = ["kind", "date", "starts", "ends", "place"]
        widgets = {"date": DATE, "starts": TIME, "ends": TIME}

    def __init__(self, *args, places=None, **kwargs):
        super().__init__(*args, **kwargs)
        if places is not None:
            self.fields["place"].queryset = places
        self.fields["place"].help_text = _("Only for an extra slot.")

    def clean(self):
        data = super().clean()
        if data.get("kind") == "extra" and not data.get("place"):
            self.add_error("place", _("Choose where the extra slot is."))
        return data


class TutorialForm(forms.ModelForm):
    class Meta:
        model = Tutorial
        fields = ["title", "slug", "need", "explains", "description"]


class VideoUploadForm(forms.Form):
    video = forms.FileField(label=_("Video file"))

    def clean_video(self):
        upload = self.cleaned_data["video"]
        limit = getattr(settings, "HELPDESK_VIDEO_MAX_BYTES", 200 * 1024 * 1024)
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large: the limit is %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
            )
        if not media.sniff_upload(upload):
            raise forms.ValidationError(_("This file is not a video we can read."))
        return upload


class CaptionForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=Caption.Kind.choices)
    file = forms.FileField(label=_("WebVTT file (.vtt)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 512 * 1024:
            raise forms.ValidationError(_("A captions file cannot be larger than 512 KB."))
        try:
            text = upload.read().decode("utf-8-sig")
            media.parse_vtt(text)
        except (UnicodeDecodeError, ValueError):
            raise forms.ValidationError(
                _(
                    "This is not a valid WebVTT file. Check that it starts with WEBVTT and that every cue has a time line."
                )
            ) from None
        return text
