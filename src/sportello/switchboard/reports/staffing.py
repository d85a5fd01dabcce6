"""The Erlang C calculator: a form whose answer comes from ``acd.erlang``."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from sportello.switchboard.acd import erlang


@dataclass(frozen=True)
class Answer:
    traffic: float
    agents: int
    scheduled: int
    probability_of_waiting: float
    service_level: float
    asa: float
    occupancy: float
    given_agents: bool


def _positive(label):
    return forms.FloatField(label=label, min_value=0.001)


class ErlangForm(forms.Form):
    calls = _positive(_("Calls offered in the interval"))
    interval_minutes = forms.IntegerField(
        label=_("Interval (minutes)"), min_value=1, max_value=1440, initial=15
    )
    aht = _positive(_("Average handle time, AHT (s)"))
    threshold = forms.FloatField(label=_("Service level time T (s)"), min_value=0, initial=20)
    target_sl = forms.FloatField(
        label=_("Target service level (%)"), min_value=0.1, max_value=99.9, initial=80
    )
    target_asa = forms.FloatField(
        label=_("Target ASA (s), instead of a service level"), min_value=0.001, required=False
    )
    shrinkage = forms.FloatField(
        label=_("Shrinkage (%)"), min_value=0, max_value=99.9, initial=30,
        help_text=_("Share of paid time lost to breaks, training and absence."),
    )  # fmt: skip
    agents = forms.IntegerField(
        label=_("Agents you have (optional)"), min_value=1, max_value=100_000, required=False,
        help_text=_("Shows what this many agents would achieve."),
    )  # fmt: skip

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        load = data["calls"] / (data["interval_minutes"] * 60) * data["aht"]
        if load > 50_000:
            raise forms.ValidationError(
                _("The traffic is too large to staff (over 50,000 Erlangs).")
            )
        agents = data.get("agents")
        if agents is not None and agents <= load:
            raise forms.ValidationError(
                _(
                    "%(agents)s agents cannot carry %(traffic).1f Erlangs: occupancy would be "
                    "%(occupancy).0f %%, and a queue only settles below 100 %%."
                )
                % {"agents": agents, "traffic": load, "occupancy": load / agents * 100}
            )
        try:
            data["answer"] = answer(data)
        except erlang.ErlangInputError as error:
            raise forms.ValidationError(
                _("Erlang C has no answer for these figures: %(reason)s") % {"reason": error}
            ) from None
        return data


def answer(data: dict) -> Answer:
    aht, threshold = data["aht"], data["threshold"]
    load = erlang.traffic(data["calls"] / (data["interval_minutes"] * 60), aht)
    given = data.get("agents")
    if given:
        agents = given
    elif data.get("target_asa"):
        agents = erlang.agents_for_asa(load, aht, data["target_asa"])
    else:
        agents = erlang.agents_for_service_level(load, aht, threshold, data["target_sl"] / 100)
    return Answer(
        traffic=load,
        agents=agents,
        scheduled=erlang.scheduled_staff(agents, data["shrinkage"] / 100),
        probability_of_waiting=erlang.probability_of_waiting(agents, load),
        service_level=erlang.service_level(agents, load, aht, threshold),
        asa=erlang.average_speed_of_answer(agents, load, aht),
        occupancy=erlang.occupancy(agents, load),
        given_agents=bool(given),
    )
