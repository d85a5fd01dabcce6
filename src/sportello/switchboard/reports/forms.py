"""Report filters as a Django form: every bad input becomes a translated message."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sportello.switchboard.models import Queue, ReportSchedule
from sportello.switchboard.reports.filters import MAX_RANGE, Filters, GroupBy
from sportello.switchboard.reports.intervals import Granularity


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class QueueChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Queue) -> str:
        return f"{obj.name} ({obj.code})"


class ReportForm(forms.Form):
    start = forms.DateField(
        label=pgettext_lazy("date range", "From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=_("To (included)"), widget=forms.DateInput(attrs={"type": "date"}))
    queues = QueueChoiceField(
        label=_("Queues"),
        queryset=Queue.objects.none(),
        required=False,
        help_text=_("None selected means every queue you may see."),
    )
    granularity = forms.ChoiceField(
        label=_("Granularity"),
        choices=[(g.value, g.label) for g in Granularity],
        initial=Granularity.HOUR,
    )
    group_by = forms.ChoiceField(
        label=_("Group by"), choices=[(g.value, g.label) for g in GroupBy], initial=GroupBy.NONE
    )

    def __init__(self, *args, queues=None, group_choices=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["queues"].queryset = queues if queues is not None else Queue.objects.all()
        if group_choices is not None:
            self.fields["group_by"].choices = [(g.value, g.label) for g in group_choices]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end date comes before the start date."))
            if end - start >= MAX_RANGE:
                raise forms.ValidationError(
                    _("A report may cover at most %(days)s days.") % {"days": MAX_RANGE.days}
                )
        return data

    def filters(self, agent_id: int | None = None, default_queues=()) -> Filters:
        data = self.cleaned_data
        queue_ids = tuple(q.pk for q in data["queues"]) or tuple(default_queues)
        return Filters(
            start=local_midnight(data["start"]),
            end=local_midnight(data["end"] + timedelta(days=1)),
            granularity=Granularity(data["granularity"]),
            group_by=GroupBy(data["group_by"]),
            queue_ids=queue_ids,
            agent_id=agent_id,
        )


def default_period() -> dict:
    today = timezone.localdate()
    return {"start": today - timedelta(days=6), "end": today}


class ScheduleForm(forms.ModelForm):
    granularity = forms.ChoiceField(
        label=_("Granularity"), choices=[(g.value, g.label) for g in Granularity]
    )
    group_by = forms.ChoiceField(label=_("Group by"), choices=[(g.value, g.label) for g in GroupBy])

    class Meta:
        model = ReportSchedule
        fields = ["name", "frequency", "granularity", "group_by", "queues", "recipients", "active"]

    def clean_recipients(self) -> str:
        field = forms.EmailField()
        addresses = [a.strip() for a in self.cleaned_data["recipients"].splitlines() if a.strip()]
        if not addresses:
            raise forms.ValidationError(_("Give at least one e-mail address."))
        for address in addresses:
            try:
                field.clean(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(address)s” is not an e-mail address.") % {"address": address}
                ) from None
        return "\n".join(addresses)
