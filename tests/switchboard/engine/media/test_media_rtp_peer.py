from sportello.switchboard.engine.media.rtp_peer import (
    RtpPacket,
    build_rtp,
    parse_rtp,
    plain_sdp,
    sdp_media_address,
    sdp_payload_types,
)


def test_rtp_packets_round_trip():
    packet = RtpPacket(8, 65535, 2**32 - 1, 0xDEADBEEF, True, b"\xd5" * 160)
    data = build_rtp(packet)
    assert data[:2] == b"\x80\x88"
    assert parse_rtp(data) == packet


def test_rtcp_and_garbage_are_not_rtp():
    assert parse_rtp(b"\x80\xc8" + bytes(26)) is None  # RTCP sender report
    assert parse_rtp(b"\x00\x01" + bytes(18)) is None  # STUN
    assert parse_rtp(b"\x80\x08") is None


def test_the_peer_sdp_describes_its_own_address():
    sdp = plain_sdp(40_000)
    assert sdp_media_address(sdp) == ("127.0.0.1", 40_000)
    assert sdp_payload_types(sdp) == {"PCMA": 8, "PCMU": 0, "telephone-event": 101}
    assert sdp.endswith("\r\n") and "\n" not in sdp.replace("\r\n", "")
