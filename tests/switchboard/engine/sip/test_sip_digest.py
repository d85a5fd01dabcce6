"""Digest authentication: RFC 2617/7616 vectors, server challenges, client answers."""

import pytest

from sportello.switchboard.engine.sip import (
    DigestChallenge,
    DigestServer,
    SipParseError,
    Verdict,
    answer_challenge,
)
from sportello.switchboard.engine.sip.digest import (
    choose_challenge,
    digest_response,
    parse_auth_header,
)

PASSWORDS = {"alice": "wonderland"}


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_it_matches_the_rfc2617_mufasa_example():
    response = digest_response(
        algorithm="MD5",
        username="Mufasa",
        realm="testrealm@host.com",
        password="Circle Of Life",
        method="GET",
        uri="/dir/index.html",
        nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
        qop="auth",
        nc="00000001",
        cnonce="0a4f113b",
    )

    assert response == "6629fae49393a05397450978507c4ef1"


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
        ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
    ],
)
def test_it_matches_the_rfc7616_examples(algorithm, expected):
    response = digest_response(
        algorithm=algorithm,
        username="Mufasa",
        realm="http-auth@example.org",
        password="Circle of Life",
        method="GET",
        uri="/dir/index.html",
        nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
        qop="auth",
        nc="00000001",
        cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    )

    assert response == expected


def test_client_answer_carries_the_rfc2617_response():
    challenge = DigestChallenge.parse(
        'Digest realm="testrealm@host.com", qop="auth,auth-int", '
        'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"'
    )

    value = answer_challenge(
        challenge,
        method="GET",
        uri="/dir/index.html",
        username="Mufasa",
        password="Circle Of Life",
        cnonce="0a4f113b",
    )

    scheme, params = parse_auth_header(value)
    assert scheme == "Digest"
    assert params["response"] == "6629fae49393a05397450978507c4ef1"
    assert params["nc"] == "00000001"
    assert params["opaque"] == "5ccc069c403ebaf9f0171e9517f40e41"


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256"])
def test_server_accepts_a_right_answer(algorithm):
    server = DigestServer("sportello.test", algorithms=(algorithm,))
    challenge = DigestChallenge.parse(server.challenges()[0])

    answer = answer_challenge(
        challenge, method="REGISTER", uri="sip:sportello.test", username="alice",
        password="wonderland",
    )  # fmt: skip
    result = server.verify(answer, "REGISTER", PASSWORDS.get)

    assert challenge.algorithm == algorithm
    assert result.verdict is Verdict.OK
    assert result.username == "alice"


def test_server_refuses_a_wrong_password_an_unknown_user_and_a_forged_nonce():
    server = DigestServer("sportello.test")
    challenge = DigestChallenge.parse(server.challenges()[0])
    forged = DigestChallenge("sportello.test", "5f000000.00.deadbeef")

    def answer(c, username="alice", password="wonderland"):
        return answer_challenge(
            c, method="REGISTER", uri="sip:x", username=username, password=password
        )

    assert server.verify(
        answer(challenge, password="guess"), "REGISTER", PASSWORDS.get
    ).verdict is (Verdict.INVALID)
    assert server.verify(answer(challenge, "eve"), "REGISTER", PASSWORDS.get).verdict is (
        Verdict.INVALID
    )
    assert server.verify(answer(forged), "REGISTER", PASSWORDS.get).verdict is Verdict.INVALID
    assert server.verify(answer(challenge), "INVITE", PASSWORDS.get).verdict is Verdict.INVALID
    assert server.verify("Basic YWxpY2U6d29uZGVybGFuZA==", "REGISTER", PASSWORDS.get).verdict is (
        Verdict.INVALID
    )


def test_an_expired_nonce_with_the_right_password_is_stale():
    clock = Clock()
    server = DigestServer("sportello.test", nonce_ttl=60, clock=clock)
    challenge = DigestChallenge.parse(server.challenges()[0])
    answer = answer_challenge(
        challenge, method="REGISTER", uri="sip:x", username="alice", password="wonderland"
    )

    clock.now += 61
    late = server.verify(answer, "REGISTER", PASSWORDS.get)
    fresh = DigestChallenge.parse(server.challenges(stale=True)[0])

    assert late.verdict is Verdict.STALE
    assert fresh.stale
    assert fresh.nonce != challenge.nonce


def test_a_replayed_answer_is_stale():
    server = DigestServer("sportello.test")
    challenge = DigestChallenge.parse(server.challenges()[0])
    answer = answer_challenge(
        challenge, method="REGISTER", uri="sip:x", username="alice", password="wonderland"
    )

    first = server.verify(answer, "REGISTER", PASSWORDS.get)
    replay = server.verify(answer, "REGISTER", PASSWORDS.get)

    assert first.ok
    assert replay.verdict is Verdict.STALE


def test_server_offers_md5_first_for_phones_that_read_only_one_challenge():
    offered = [DigestChallenge.parse(v) for v in DigestServer("r").challenges()]

    assert [c.algorithm for c in offered] == ["MD5", "SHA-256"]
    assert len({c.nonce for c in offered}) == 1


def test_client_prefers_sha256_and_skips_what_it_cannot_answer():
    offered = [
        'Digest realm="r", nonce="n1", algorithm=MD5, qop="auth"',
        'Digest realm="r", nonce="n2", algorithm=SHA-512-256, qop="auth"',
        'Digest realm="r", nonce="n3", algorithm=SHA-256, qop="auth"',
        "Basic realm=r",
    ]

    assert choose_challenge(offered).nonce == "n3"
    with pytest.raises(SipParseError):
        choose_challenge(offered[1:2])


def test_client_answers_a_legacy_challenge_without_qop():
    challenge = DigestChallenge.parse('Digest realm="r", nonce="abc"')

    _, params = parse_auth_header(
        answer_challenge(challenge, method="INVITE", uri="sip:b@r", username="u", password="p")
    )

    assert "qop" not in params and "nc" not in params
    assert params["response"] == digest_response(
        algorithm="MD5", username="u", realm="r", password="p", method="INVITE",
        uri="sip:b@r", nonce="abc",
    )  # fmt: skip


@pytest.mark.parametrize("value", ["", "Digest realm", 'Digest realm="unterminated', "Dig@st a=b"])
def test_malformed_auth_headers_raise_parse_errors(value):
    with pytest.raises(SipParseError):
        DigestChallenge.parse(value)
