"""Demo help desk: places, mediators, availability, a few bookings, a tutorial. Idempotent."""

import subprocess
import tempfile
from datetime import time, timedelta
from pathlib import Path

from django.core.files import File
from django.utils import timezone

from sportello.accounts.models import Office, User
from sportello.helpdesk import media
from sportello.helpdesk.availability import Request, free_slots
from sportello.helpdesk.booking import Contact, SlotUnavailable, book
from sportello.helpdesk.choices import Channel, Skill
from sportello.helpdesk.models import (
    Availability,
    Booking,
    Caption,
    Mediator,
    OpeningHours,
    Place,
    Tutorial,
)

PLACES = [
    (
        "Sportello digitale di Aosta",
        "Via Garin 1, 11100 Aosta",
        "Bus 1 and 2, stop Garin. Ground floor, entrance on the left.",
    ),
    (
        "Biblioteca di Pont-Saint-Martin",
        "Via Circonvallazione 15, 11026 Pont-Saint-Martin",
        "Near the railway station.",
    ),
]
MEDIATOR_EMAIL = "mediator@demo.sportello.test"
CAPTIONS = """WEBVTT

00:00:00.000 --> 00:00:01.000
Open the SPID app.

00:00:01.000 --> 00:00:02.000
Enter your username and password.
"""
CHAPTERS = """WEBVTT

00:00:00.000 --> 00:00:01.000
Start

00:00:01.000 --> 00:00:02.000
Log in
"""


def seed() -> None:
    office = Office.objects.filter(code="aosta").first() or Office.objects.first()
    if office is None:
        return
    places = [_place(office, *row) for row in PLACES]
    user = User.objects.filter(email=MEDIATOR_EMAIL).first()
    if user is not None:
        mediator, _ = Mediator.objects.get_or_create(
            user=user,
            defaults={"languages": ["it", "fr", "en"], "skills": [s.value for s in Skill]},
        )
        if not mediator.availability.exists():
            for weekday in range(5):
                Availability.objects.create(
                    mediator=mediator,
                    place=places[0],
                    weekday=weekday,
                    starts=time(9),
                    ends=time(12, 30),
                )
        _bookings()
    _tutorial()


def _place(office, name, address, directions) -> Place:
    place, created = Place.objects.get_or_create(
        name=name,
        defaults={
            "office": office,
            "address": address,
            "directions": directions,
            "accessibility_notes": "Step-free access, lift, accessible toilet.",
        },
    )
    if created:
        for weekday in range(5):
            OpeningHours.objects.create(
                place=place, weekday=weekday, opens=time(8, 30), closes=time(17)
            )
    return place


def _bookings() -> None:
    if Booking.objects.exists():
        return
    request = Request(Skill.SPID, "it", Channel.IN_PERSON)
    people = [("Maria Bianchi", "+393331234567"), ("Giovanni Verdi", "+390165123456")]
    slots = free_slots(request, timezone.localdate() + timedelta(days=1), 7)
    for (name, phone), slot in zip(people, slots[::3], strict=False):
        try:
            book(request, slot.key, Contact(name, phone, ""))
        except SlotUnavailable:
            continue


def _tutorial() -> None:
    tutorial, _ = Tutorial.objects.get_or_create(
        slug="spid-login",
        defaults={
            "title": "Entrare con SPID",
            "need": Skill.SPID,
            "description": "Come entrare in un portale pubblico con SPID.",
        },
    )
    for kind, text in ((Caption.Kind.CAPTIONS, CAPTIONS), (Caption.Kind.CHAPTERS, CHAPTERS)):
        Caption.objects.get_or_create(
            tutorial=tutorial, language="it", kind=kind, defaults={"text": text}
        )
    if tutorial.status != Tutorial.Status.DRAFT or not media.available():
        return
    with tempfile.TemporaryDirectory() as workdir:
        source = Path(workdir) / "demo.mp4"
        if not make_demo_video(source):
            return
        with source.open("rb") as handle:
            tutorial.source.save("source-demo.mp4", File(handle))
    media.process(tutorial)


def make_demo_video(path: Path, seconds: int = 2) -> bool:
    """A tiny test-pattern video with a tone, made with ffmpeg's lavfi sources."""
    result = subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc=duration={seconds}:size=320x240:rate=15",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        capture_output=True,
        check=False,
        timeout=120,
    )
    return result.returncode == 0
