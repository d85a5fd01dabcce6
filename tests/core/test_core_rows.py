import pytest
from django.db import IntegrityError, transaction

from sportello.accounts.models import User
from sportello.core import rows
from sportello.hiring.models import Call, Candidate, RankingEntry
from tests.factories import UserFactory
from tests.hiring.factories import make_call, submit

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


def _entries(call, app, n=1):
    return [
        RankingEntry(call=call, stage="provisional", application=app, protocol=app.protocol,
                     position=i + 1, score_hundredths=-150, excluded_reasons=["x"],
                     explanation=[{"key": "isee", "points": "1.50"}])
        for i in range(n)
    ]  # fmt: skip


def test_insert_many_writes_the_rows_bulk_create_would():
    call = make_call(state="closed")
    app = submit(call).application
    rows.insert_many(RankingEntry, _entries(call, app))
    entry = RankingEntry.objects.get()
    assert (entry.application_id, entry.position, entry.score_hundredths) == (app.pk, 1, -150)
    assert entry.excluded_reasons == ["x"]
    assert entry.explanation == [{"key": "isee", "points": "1.50"}]


def test_insert_many_raises_djangos_integrity_error_and_writes_nothing():
    call = make_call(state="closed")
    app = submit(call).application
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert_many(RankingEntry, _entries(call, app, n=2))  # the same row twice
    assert not RankingEntry.objects.exists()


@pytest.mark.django_db(transaction=True)  # foreign keys are checked when the transaction commits
def test_delete_rows_deletes_in_one_statement_and_the_database_keeps_references(
    django_assert_num_queries,
):
    call = make_call(state="closed")
    app = submit(call).application
    rows.insert_many(RankingEntry, _entries(call, app))
    entries = RankingEntry.objects.filter(call=call)
    with django_assert_num_queries(1):
        assert rows.delete_rows(entries) == 1
    rows.insert_many(RankingEntry, _entries(call, app))
    Candidate.objects.create(call=call, entry=RankingEntry.objects.get())
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.delete_rows(entries)  # a candidate still points at the row: refused at COMMIT
    assert RankingEntry.objects.count() == 1
