import pytest
from django.utils import translation

from sportello.helpdesk.availability import Request
from sportello.helpdesk.choices import Channel, Skill
from tests.helpdesk.factories import PlaceFactory, day_after_tomorrow, make_mediator


@pytest.fixture
def place(db):
    return PlaceFactory()


@pytest.fixture
def mediator(place):
    return make_mediator(place, email="luca@example.org")


@pytest.fixture
def day():
    return day_after_tomorrow()


@pytest.fixture
def in_person(place):
    return Request(Skill.SPID, "it", Channel.IN_PERSON, place.pk)


@pytest.fixture
def by_phone():
    return Request(Skill.SPID, "it", Channel.PHONE)


@pytest.fixture
def mailbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    return mail.outbox


@pytest.fixture(autouse=True)
def _english():
    """Messages outside a request are in English here (the default language is Italian)."""
    with translation.override("en"):
        yield
