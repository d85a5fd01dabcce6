"""ICE servers for the agent desktop: coturn REST-API credentials and the settings."""

import json

import pytest

from sportello.accounts.roles import Role
from sportello.switchboard.ice import ice_servers, turn_credential
from sportello.switchboard.models import Agent
from tests.factories import login_staff, make_staff


def test_the_turn_credential_is_coturns_hmac_of_expiry_and_agent():
    # echo -n "1700000000:42" | openssl dgst -sha1 -hmac "north-secret" -binary | base64
    assert turn_credential("north-secret", 42, 1700000000) == (
        "1700000000:42",
        "1azYcwkgPAnmyb6GOHbBMj8gPoQ=",
    )
    assert turn_credential("other-secret", 42, 1700000000)[1] != "1azYcwkgPAnmyb6GOHbBMj8gPoQ="


def test_stun_and_turn_urls_with_time_limited_credentials(settings):
    settings.SWITCHBOARD_TURN_URLS = ["stun:turn.example.org:3478",
                                      "turn:turn.example.org:3478?transport=udp",
                                      "turns:turn.example.org:5349"]  # fmt: skip
    settings.SWITCHBOARD_TURN_SECRET = "north-secret"
    settings.SWITCHBOARD_TURN_TTL_SECONDS = 3600
    stun, turn = ice_servers(42, now=1699996400.5)
    assert stun == {"urls": ["stun:turn.example.org:3478"]}
    assert turn["urls"] == [
        "turn:turn.example.org:3478?transport=udp",
        "turns:turn.example.org:5349",
    ]
    assert turn["username"] == "1700000000:42"
    assert turn["credential"] == "1azYcwkgPAnmyb6GOHbBMj8gPoQ="


def test_no_servers_without_urls_and_no_credential_without_secret(settings):
    settings.SWITCHBOARD_TURN_URLS = []
    assert ice_servers(1) == []
    settings.SWITCHBOARD_TURN_URLS = ["turn:turn.example.org"]
    settings.SWITCHBOARD_TURN_SECRET = ""
    assert ice_servers(1) == [{"urls": ["turn:turn.example.org"]}]


@pytest.mark.django_db
def test_the_desktop_hands_its_ice_servers_to_the_script(client, settings):
    settings.SWITCHBOARD_TURN_URLS = ["turn:turn.example.org"]
    settings.SWITCHBOARD_TURN_SECRET = "north-secret"
    user = make_staff(Role.AGENT)
    agent = Agent.objects.create(user=user, sip_username="desk1")
    login_staff(client, user)
    page = client.get("/en/switchboard/desktop/").content.decode()
    tag = '<script id="ice-servers" type="application/json">'
    start = page.index(tag) + len(tag)
    servers = json.loads(page[start : page.index("</script>", start)])
    assert servers[0]["urls"] == ["turn:turn.example.org"]
    assert servers[0]["username"].endswith(f":{agent.id}")
