"""Demo switchboard: a loopback trunk, the toll-free number, and the demo agents."""

from sportello.accounts.models import User
from sportello.switchboard.forms import sip_ha1
from sportello.switchboard.models import Agent, AgentSkill, IvrFlow, ServiceNumber, Skill, Trunk
from sportello.switchboard.setup import HELPLINE_FLOW_NAME, ensure_default_configuration

DEMO_SIP_PASSWORD = "demo-sip-password"
HELPLINE_NUMBER = "800654321"  # help desk: mediators, or a call-back appointment out of hours


def seed() -> None:
    flow = ensure_default_configuration()
    trunk, _ = Trunk.objects.get_or_create(
        name="Demo carrier (loopback)",
        defaults={"host": "127.0.0.1", "port": 5070, "allowed_sources": "127.0.0.1/32"},
    )
    ServiceNumber.objects.get_or_create(
        number="800123456", defaults={"label": "Numero verde", "trunk": trunk, "flow": flow}
    )
    ServiceNumber.objects.get_or_create(
        number=HELPLINE_NUMBER,
        defaults={
            "label": "Aiuto digitale",
            "trunk": trunk,
            "flow": IvrFlow.objects.get(name=HELPLINE_FLOW_NAME),
        },
    )
    for n, email in enumerate(["agent@demo.sportello.test", "agent2@demo.sportello.test"], start=1):
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        username = f"agent{n}"
        agent, _ = Agent.objects.get_or_create(
            user=user,
            defaults={
                "sip_username": username,
                "sip_ha1": sip_ha1(username, DEMO_SIP_PASSWORD),
                "languages": ["it", "fr", "ca", "es", "en"],
            },
        )
        for skill in Skill.objects.all():
            AgentSkill.objects.get_or_create(agent=agent, skill=skill, defaults={"level": n})
