"""Factories for the help desk: places open every day, mediators available every day."""

from datetime import date, datetime, time, timedelta

import factory
from django.utils import timezone

from sportello.accounts.roles import Role
from sportello.helpdesk.choices import Skill
from sportello.helpdesk.models import Availability, Mediator, OpeningHours, Place
from tests.factories import OfficeFactory, make_staff


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place
        skip_postgeneration_save = True

    office = factory.SubFactory(OfficeFactory)
    name = factory.Sequence(lambda n: f"Sportello digitale {n}")
    address = "Via Roma 1, 11100 Aosta"
    directions = "Bus 3, stop Piazza Chanoux."
    accessibility_notes = "Step-free entrance."

    @factory.post_generation
    def hours(obj, create, extracted, **kwargs):
        """Open every day, 08:30–17:00, unless hours=False."""
        if create and extracted is not False:
            for weekday in range(7):
                OpeningHours.objects.create(
                    place=obj, weekday=weekday, opens=time(8, 30), closes=time(17)
                )


def make_mediator(
    place: Place | None = None,
    languages=("it", "en"),
    skills=(Skill.SPID, Skill.CIE),
    starts: time = time(9),
    ends: time = time(12),
    **fields,
) -> Mediator:
    """A mediator user (Role.MEDIATOR in the place's office) available every day at `place`."""
    place = place or PlaceFactory()
    user = make_staff(Role.MEDIATOR, office=place.office, **fields)
    mediator = Mediator.objects.create(user=user, languages=list(languages), skills=list(skills))
    for weekday in range(7):
        Availability.objects.create(
            mediator=mediator, place=place, weekday=weekday, starts=starts, ends=ends
        )
    return mediator


def day_after_tomorrow() -> date:
    return timezone.localdate() + timedelta(days=2)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def key(day: date, hour: int, minute: int = 0, place: Place | None = None) -> str:
    return f"{day:%Y-%m-%d}T{hour:02d}:{minute:02d}|{place.pk if place else ''}"
