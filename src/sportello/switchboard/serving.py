"""Which services an agent answers today, when they may choose among their skills."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sportello.audit.log import record
from sportello.switchboard.models import Agent, AgentSkill, AgentStateChange


def current_state(agent: Agent) -> str:
    latest = agent.state_changes.order_by("-at").values_list("state", flat=True).first()
    return latest or AgentStateChange.State.OFFLINE


def choose(agent: Agent, skill_ids: set[int], *, by) -> list[AgentSkill]:
    """Answer only these skills from the next login; refuse and change nothing otherwise."""
    if not agent.chooses_queues:
        raise ValidationError(_("Your supervisor sets the services you answer."))
    if current_state(agent) != AgentStateChange.State.OFFLINE:
        raise ValidationError(
            _("Log out of the queues first: your choice applies when you log in.")
        )
    skills = list(AgentSkill.objects.filter(agent=agent).select_related("skill"))
    if not skill_ids:
        raise ValidationError(_("Choose at least one service."))
    if not skill_ids <= {s.skill_id for s in skills}:
        raise ValidationError(_("Choose services from the list."))
    with transaction.atomic():
        for s in skills:
            s.serving = s.skill_id in skill_ids
        AgentSkill.objects.bulk_update(skills, ["serving"])
        record(
            "switchboard.services_chosen",
            actor=by,
            obj=agent,
            details={"skills": sorted(s.skill.code for s in skills if s.serving)},
        )
    return skills
