import pytest

from sportello.accounts.models import User
from sportello.core import rows
from sportello.hiring.models import Call
from tests.factories import UserFactory
from tests.hiring.factories import make_call

pytestmark = pytest.mark.django_db


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_load_gives_the_row_a_queryset_gives():
    user = UserFactory()
    loaded = rows.load(User, user.pk)
    assert fields(loaded) == fields(User.objects.get(pk=user.pk))
    assert loaded._state.adding is False and loaded._state.db == "default"


def test_load_converts_json_and_datetimes_as_the_orm_does():
    call = make_call(title="Bando")
    loaded = rows.load(Call, call.pk)
    assert fields(loaded) == fields(Call.objects.get(pk=call.pk))
    assert loaded.title == {"it": "Bando", "en": "Bando (en)"}
    assert loaded.opens_at.tzinfo is not None


@pytest.mark.parametrize("pk", [987654321, "abc", None, "", [1]])
def test_load_of_a_missing_or_malformed_key_is_none(pk):
    UserFactory()
    assert rows.load(User, pk) is None
