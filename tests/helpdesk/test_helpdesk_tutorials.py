"""Video tutorials: real uploads sniffed with ffprobe, transcoded with ffmpeg, WebVTT checked."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sportello.accounts.roles import Role
from sportello.helpdesk import demo, media
from sportello.helpdesk.models import Caption, Tutorial
from tests.factories import login_staff, make_staff

pytestmark = pytest.mark.django_db

CAPTIONS = "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nOpen the app.\n\n00:00:01.000 --> 00:00:02.000\nTap Log in.\n"
CHAPTERS = (
    "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nStart\n\n00:00:01.000 --> 00:00:02.000\nLog in\n"
)
BROKEN_VTT = ["not a caption file", "WEBVTT\n\n00:00:00.000 -> nonsense\nHello\n", "WEBVTT\n"]


@pytest.fixture(scope="session")
def demo_video(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("video") / "demo.mp4"
    assert demo.make_demo_video(path, seconds=2)
    return path


@pytest.fixture
def coordinator_client(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login_staff(client, make_staff(Role.COORDINATOR))
    return client


@pytest.fixture
def tutorial(db):
    return Tutorial.objects.create(slug="spid-login", title="Log in with SPID", need="spid")


def _upload(client, tutorial, name, content):
    return client.post(
        f"/en/help/staff/tutorials/{tutorial.pk}/video/",
        {"video": SimpleUploadedFile(name, content, content_type="video/mp4")},
    )


def test_an_uploaded_video_is_transcoded_to_h264_aac_with_a_poster(
    coordinator_client, tutorial, demo_video
):
    response = _upload(coordinator_client, tutorial, "demo.mp4", demo_video.read_bytes())
    assert response.status_code == 302
    tutorial.refresh_from_db()
    assert tutorial.status == "ready", tutorial.error
    info = media.probe(Path(tutorial.video.path))
    codecs = {s["codec_type"]: s["codec_name"] for s in info["streams"]}
    assert codecs == {"video": "h264", "audio": "aac"}
    assert tutorial.duration_seconds == 2
    assert Path(tutorial.poster.path).read_bytes()[:3] == b"\xff\xd8\xff"


@pytest.mark.parametrize(
    "name,content",
    [
        ("notes.mp4", b"this is not a video at all" * 100),
        (
            "picture.mp4",
            bytes.fromhex(
                "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a0ef7a0a0000000049454e44ae426082"
            ),
        ),
    ],
)
def test_a_file_that_is_not_a_video_is_refused(coordinator_client, tutorial, name, content):
    response = _upload(coordinator_client, tutorial, name, content)
    assert response.status_code == 400
    assert b"This file is not a video we can read." in response.content
    tutorial.refresh_from_db()
    assert tutorial.status == "draft" and not tutorial.source


def test_an_oversized_video_is_refused(coordinator_client, tutorial, demo_video, settings):
    settings.HELPDESK_VIDEO_MAX_BYTES = 1024
    response = _upload(coordinator_client, tutorial, "demo.mp4", demo_video.read_bytes())
    assert response.status_code == 400 and b"too large" in response.content
    tutorial.refresh_from_db()
    assert tutorial.status == "draft"


def _caption(client, tutorial, text, language="it", kind="captions"):
    return client.post(
        f"/en/help/staff/tutorials/{tutorial.pk}/captions/",
        {"language": language, "kind": kind, "file": SimpleUploadedFile("c.vtt", text.encode())},
    )


def test_valid_webvtt_is_stored_per_language_and_kind(coordinator_client, tutorial):
    assert _caption(coordinator_client, tutorial, CAPTIONS).status_code == 302
    assert _caption(coordinator_client, tutorial, CHAPTERS, kind="chapters").status_code == 302
    assert _caption(coordinator_client, tutorial, CAPTIONS, language="fr").status_code == 302
    assert set(tutorial.captions.values_list("language", "kind")) == {
        ("it", "captions"),
        ("it", "chapters"),
        ("fr", "captions"),
    }


@pytest.mark.parametrize("text", BROKEN_VTT)
def test_webvtt_that_does_not_parse_is_refused(coordinator_client, tutorial, text):
    response = _caption(coordinator_client, tutorial, text)
    assert response.status_code == 400
    assert b"not a valid WebVTT file" in response.content
    assert not tutorial.captions.exists()


def test_a_caption_in_an_unknown_language_is_refused(coordinator_client, tutorial):
    assert _caption(coordinator_client, tutorial, CAPTIONS, language="xx").status_code == 400
    assert not tutorial.captions.exists()


@pytest.fixture
def ready(coordinator_client, tutorial, demo_video):
    _upload(coordinator_client, tutorial, "demo.mp4", demo_video.read_bytes())
    Caption.objects.create(tutorial=tutorial, language="en", kind="captions", text=CAPTIONS)
    Caption.objects.create(tutorial=tutorial, language="en", kind="chapters", text=CHAPTERS)
    tutorial.refresh_from_db()
    return tutorial


def test_the_player_page_has_captions_chapters_transcript_speed_and_download(client, ready):
    html = client.get("/en/help/tutorials/spid-login/").content.decode()
    assert "<video" in html and " controls" in html
    assert 'kind="captions" srclang="en"' in html and 'kind="chapters"' in html
    assert "Open the app." in html and "Tap Log in." in html  # transcript under the player
    assert 'id="playback-speed"' in html and "player.js" in html
    assert "?download=1" in html
    assert "<script>" not in html and "style=" not in html


def test_the_video_poster_and_tracks_are_served(client, ready):
    video = client.get("/en/help/tutorials/spid-login/video.mp4")
    assert (
        video["Content-Type"] == "video/mp4" and b"ftyp" in b"".join(video.streaming_content)[:64]
    )
    assert client.get("/en/help/tutorials/spid-login/poster.jpg")["Content-Type"] == "image/jpeg"
    track = client.get("/en/help/tutorials/spid-login/tracks/en/chapters.vtt")
    assert track["Content-Type"].startswith("text/vtt") and b"Log in" in track.content
    download = client.get("/en/help/tutorials/spid-login/video.mp4?download=1")
    assert "attachment" in download["Content-Disposition"]
    assert client.get("/en/help/tutorials/spid-login/other.txt").status_code == 404


def test_the_library_lists_only_ready_tutorials(client, ready):
    Tutorial.objects.create(slug="draft", title="Not ready yet", need="cie")
    html = client.get("/en/help/tutorials/").content.decode()
    assert "Log in with SPID" in html and "Not ready yet" not in html
    assert client.get("/en/help/tutorials/draft/").status_code == 404


def test_the_video_is_served_in_byte_ranges_for_seeking(client, ready):
    size = ready.video.size
    whole = b"".join(client.get("/en/help/tutorials/spid-login/video.mp4").streaming_content)
    assert len(whole) == size
    part = client.get("/en/help/tutorials/spid-login/video.mp4", HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{size}" and part.content == whole[100:200]
    tail = client.get("/en/help/tutorials/spid-login/video.mp4", HTTP_RANGE="bytes=-10")
    assert tail.content == whole[-10:]
    open_ended = client.get("/en/help/tutorials/spid-login/video.mp4", HTTP_RANGE="bytes=10-")
    assert open_ended.content == whole[10:]
    beyond = client.get("/en/help/tutorials/spid-login/video.mp4", HTTP_RANGE=f"bytes={size}-")
    assert beyond.status_code == 200
