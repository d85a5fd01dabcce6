"""Calls: creation, publication freezing the rule set, rule-set versions, public list, feed."""

import json
from datetime import timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from sportello.accounts.roles import Role
from sportello.audit.models import AuditEvent
from sportello.hiring.models import Call, RuleSetVersion
from tests.factories import OfficeFactory, login_staff, make_staff
from tests.hiring.factories import StaffingRequestFactory, make_call, ruleset

pytestmark = pytest.mark.django_db


def test_the_builtin_rule_sets_are_seeded_by_the_migration():
    # Run the migration's step itself: a transactional test may have emptied the table since.
    seed = import_module("sportello.hiring.migrations.0002_seed_rulesets").seed
    seed(django_apps, None)
    seed(django_apps, None)  # idempotent
    names = list(RuleSetVersion.objects.values_list("name", flat=True))
    assert {"emilia-romagna", "valle-d-aosta", "campania", "dpr-487-1994-art24"} <= set(names)
    assert len(names) == len(set(names))


def test_a_manager_turns_requests_into_a_call_and_publishes_it(client):
    office = OfficeFactory()
    req = StaffingRequestFactory(body__office=office)
    manager = make_staff(Role.MANAGER, office=office)
    login_staff(client, manager)
    rules = ruleset()
    response = client.post(
        "/en/calls/office/calls/new/",
        {
            "requests": [req.pk],
            "job_centres": [office.pk],
            "opens_at": "2030-03-01T09:00",
            "closes_at": "2030-03-15T12:00",
            "ruleset": rules.pk,
            "appeal_days": "8",
            "candidate_factor": "2",
            "title_it": "Operai",
            "title_fr": "Ouvriers",
            "description_it": "Testo",
        },
    )
    call = Call.objects.get()
    assert response.status_code == 302
    assert call.title == {"it": "Operai", "fr": "Ouvriers"}
    assert call.opens_at.isoformat() == "2030-03-01T08:00:00+00:00"  # entered in Europe/Rome
    assert client.get(f"/fr/calls/{call.pk}/").status_code == 404  # drafts are not public
    client.post(f"/en/calls/office/calls/{call.pk}/do/publish/")
    call.refresh_from_db()
    assert call.phase == "published" and call.frozen_ruleset == rules.definition
    page = client.get(f"/fr/calls/{call.pk}/").content.decode()
    assert "Ouvriers" in page
    assert "Operai" in client.get(f"/en/calls/{call.pk}/").content.decode()  # falls back to it


def test_the_window_must_close_after_it_opens(client):
    office = OfficeFactory()
    login_staff(client, make_staff(Role.MANAGER, office=office))
    response = client.post(
        "/en/calls/office/calls/new/",
        {
            "opens_at": "2030-03-15T09:00",
            "closes_at": "2030-03-01T12:00",
            "title_it": "x",
            "ruleset": ruleset().pk,
            "appeal_days": "8",
            "candidate_factor": "2",
            "job_centres": [office.pk],
        },
    )
    assert "must close after it opens" in response.content.decode()
    assert not Call.objects.exists()


def test_operators_cannot_create_or_publish(client):
    call = make_call(state="draft")
    login_staff(client, make_staff(Role.OPERATOR, office=call.office))
    assert client.get("/en/calls/office/calls/new/").status_code == 403
    assert client.post(f"/en/calls/office/calls/{call.pk}/do/publish/").status_code == 403
    call.refresh_from_db()
    assert call.phase == "draft"


def test_a_manager_derives_a_new_rule_set_version(client):
    login_staff(client, make_staff(Role.MANAGER, office=OfficeFactory()))
    base = ruleset()
    definition = dict(base.definition, base="90")
    response = client.post(
        f"/en/calls/office/rulesets/{base.pk}/derive/", {"definition": json.dumps(definition)}
    )
    assert response.status_code == 302
    new = RuleSetVersion.objects.get(name=base.name, version=base.version + 1)
    assert new.definition["base"] == "90" and new.definition["derived_from"] == base.version
    base.refresh_from_db()
    assert base.definition["base"] == "100"  # versions are never edited


def test_an_invalid_rule_set_is_refused_with_the_reason(client):
    login_staff(client, make_staff(Role.MANAGER, office=OfficeFactory()))
    base = ruleset()
    url = f"/en/calls/office/rulesets/{base.pk}/derive/"
    bad = dict(base.definition, direction="sideways")
    assert "direction" in client.post(url, {"definition": json.dumps(bad)}).content.decode()
    assert "not valid" in client.post(url, {"definition": "{nope"}).content.decode()
    assert RuleSetVersion.objects.filter(name=base.name).count() == 1


def test_the_public_list_filters_by_place_profile_and_state(client):
    open_call = make_call(title="Giardinieri")
    open_call.requests.update(place="Courmayeur", profile="Giardiniere")
    make_call(state="closed", title="Cuochi")
    make_call(state="draft", title="Bozza")
    page = client.get("/it/calls/").content.decode()
    assert "Giardinieri" in page and "Cuochi" in page and "Bozza" not in page
    assert "Cuochi" not in client.get("/it/calls/?state=open").content.decode()
    assert "Giardinieri" not in client.get("/it/calls/?state=closed").content.decode()
    page = client.get("/it/calls/?place=courmayeur&profile=giard").content.decode()
    assert "Giardinieri" in page and "Cuochi" not in page


def test_the_feeds_list_published_calls(client):
    make_call(title="Magazzinieri")
    make_call(state="draft", title="Bozza")
    atom = client.get("/en/calls/feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert b"Magazzinieri" in atom.content and b"Bozza" not in atom.content
    rss = client.get("/en/calls/feed/rss/")
    assert rss["Content-Type"].startswith("application/rss+xml") and b"Magazzinieri" in rss.content


def test_times_are_shown_in_italian_time(client):
    call = make_call()
    page = client.get(f"/en/calls/{call.pk}/").content.decode()
    local = timezone.localtime(call.closes_at, ZoneInfo("Europe/Rome"))
    assert f'<time datetime="{local.strftime("%Y-%m-%dT%H:%M:%S")}' in page
    assert "Italian time" in page


def _texts(**overrides) -> dict:
    return {"title_it": "Operai (corretto)", "description_it": "Testo corretto", **overrides}


def test_it_corrects_only_the_texts_of_a_published_call(client):
    call = make_call()
    window = (call.opens_at, call.closes_at)
    login_staff(client, make_staff(Role.MANAGER, office=call.office))
    page = client.get(f"/en/calls/office/calls/{call.pk}/edit/").content.decode()
    assert 'name="title_it"' in page and 'name="closes_at"' not in page
    response = client.post(f"/en/calls/office/calls/{call.pk}/edit/", _texts(title_en="Workers"))
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title == {"it": "Operai (corretto)", "en": "Workers"}
    assert (call.opens_at, call.closes_at) == window
    assert AuditEvent.objects.filter(action="hiring.call_texts_saved").exists()


@pytest.mark.parametrize(
    "locked",
    [
        {"closes_at": "2031-01-01T12:00"},
        {"opens_at": "2020-01-01T09:00"},
        {"ruleset": "1"},
        {"job_centres": "1"},
        {"requests": "1"},
        {"appeal_days": "30"},
        {"candidate_factor": "9"},
    ],
)
def test_a_published_call_refuses_changes_to_what_matters(client, locked):
    call = make_call()
    before = Call.objects.values().get(pk=call.pk)
    login_staff(client, make_staff(Role.MANAGER, office=call.office))
    response = client.post(f"/en/calls/office/calls/{call.pk}/edit/", _texts(**locked))
    page = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in page
    assert "This call is published" in page and "nothing was saved" in page
    assert Call.objects.values().get(pk=call.pk) == before  # not even the title changed
    assert list(call.job_centres.all()) == [call.office]


def test_no_code_path_can_save_a_new_window_or_rule_set_into_a_published_call():
    call = Call.objects.get(pk=make_call().pk)
    call.closes_at += timedelta(days=30)
    with translation.override("en"), pytest.raises(ValidationError, match="This call is published"):
        call.save()
    call = Call.objects.get(pk=call.pk)
    call.frozen_ruleset = {**call.frozen_ruleset, "gates": []}
    with pytest.raises(ValidationError):
        call.save(update_fields=["frozen_ruleset"])
    call.phase = Call.Phase.PROVISIONAL
    call.save(update_fields=["phase"])  # moving on in the lifecycle is not a change of rules
    draft = Call.objects.get(pk=make_call(state="draft").pk)
    draft.closes_at += timedelta(days=30)
    draft.save()
    assert Call.objects.get(pk=draft.pk).closes_at == draft.closes_at
