"""Calls the engine places through a trunk that challenges them (SIPp as the carrier)."""

import hashlib
import re

import pytest
from asgiref.sync import sync_to_async

from sportello.switchboard.models import Call, Trunk
from tests.switchboard.engine import engine_fixtures
from tests.switchboard.engine.conftest import SERVICE, free_port, make_switchboard
from tests.switchboard.engine.engine_fixtures import QUEUE_ONLY, media_port, reload, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
engine, sipp = engine_fixtures.engine, engine_fixtures.sipp

CITIZEN = "+393337654321"
USER, PASSWORD = "sportello", "trunk-secret"  # what carrier_www_auth.xml accepts


async def wired_with_credentials(engine, password: str):
    """A trunk with credentials whose carrier listens on its own port; agent1 is registered."""
    setup = await sync_to_async(make_switchboard)(flow=QUEUE_ONLY, announce_every_seconds=0)
    carrier_port = free_port()
    await sync_to_async(Trunk.objects.filter(pk=setup.trunk.pk).update)(
        port=carrier_port, username=USER, password=password
    )
    await reload(engine)
    return setup, carrier_port


async def dial_out(engine, sipp, setup, carrier_port, carrier_scenario: str):
    agent = setup.agents[0]
    agent_port = free_port()
    await sipp.register("agent1", agent_port)
    engine.set_agent_state(agent.id, "paused", "outbound")
    carrier = sipp.answer(
        carrier_scenario, carrier_port, media_port(), "-d", "2000", "-trace_msg", echo=False
    )
    phone = sipp.answer("agent_answer_reinvite.xml", agent_port, media_port())
    record = await engine.dial_out(agent.id, CITIZEN, SERVICE)
    assert record is not None  # the agent answered
    carrier_code, carrier_log = await carrier
    assert carrier_code == 0, carrier_log
    phone_code, phone_log = await phone
    assert phone_code == 0, phone_log  # hung up by the engine or after the citizen
    await wait_until(lambda: Call.objects.get().ended_at is not None)
    return await sync_to_async(Call.objects.get)()


def digest_params(header: str) -> dict[str, str]:
    return dict(re.findall(r'(\w+)="?([^",]*)"?', header))


def expected_response(params: dict[str, str], password: str) -> str:
    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    ha1 = md5(f"{params['username']}:{params['realm']}:{password}")
    ha2 = md5(f"INVITE:{params['uri']}")
    return md5(f"{ha1}:{params['nonce']}:{ha2}")


async def test_a_407_from_the_trunk_is_answered_with_the_trunk_credentials(engine, sipp):
    setup, carrier_port = await wired_with_credentials(engine, PASSWORD)
    call = await dial_out(engine, sipp, setup, carrier_port, "carrier_proxy_auth.xml")

    assert call.answered_at is not None, call.end_reason
    assert call.end_reason == Call.EndReason.CALLER_HANGUP
    log = next(sipp.workdir.glob("carrier_proxy_auth_*_messages.log")).read_text()
    invites = re.findall(r"^INVITE sip:393337654321@.*$", log, re.MULTILINE)
    assert len(invites) == 2  # challenged, then retried
    assert re.search(r"^ACK sip:393337654321@", log, re.MULTILINE)  # the 407 was acknowledged
    assert re.search(r"^CSeq: 2 INVITE", log, re.MULTILINE)
    header = re.search(r"^Proxy-Authorization: Digest (.*)$", log, re.MULTILINE).group(1)
    params = digest_params(header)
    assert params["username"] == USER and params["realm"] == "carrier.example"
    assert params["response"] == expected_response(params, PASSWORD)
    assert "BYE sip:" in log  # the retried dialog's BYE reached the citizen


@pytest.mark.parametrize(("password", "answered"), [(PASSWORD, True), ("not-the-one", False)])
async def test_a_401_from_the_trunk_is_answered_and_a_wrong_password_fails_the_call(
    engine, sipp, password, answered
):
    setup, carrier_port = await wired_with_credentials(engine, password)
    call = await dial_out(engine, sipp, setup, carrier_port, "carrier_www_auth.xml")

    log = next(sipp.workdir.glob("carrier_www_auth_*_messages.log")).read_text()
    assert re.search(r"^Authorization: Digest .*username=\"sportello\"", log, re.MULTILINE)
    if answered:
        assert call.answered_at is not None
        assert call.end_reason == Call.EndReason.CALLER_HANGUP
    else:
        assert "SIP/2.0 403 Forbidden" in log
        assert call.answered_at is None and call.end_reason == Call.EndReason.FAILED
        assert len(re.findall(r"^INVITE sip:393337654321@", log, re.MULTILINE)) == 2  # no loop
