"""Verification, ranking, publication, explanation, appeals, final ranking, candidates."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sportello.accounts.roles import Role
from sportello.audit.models import AuditEvent
from sportello.hiring.models import Appeal, Call, Candidate, RankingEntry
from sportello.hiring.services import candidates, ranking
from tests.factories import CitizenFactory, OfficeFactory, login_staff, make_staff
from tests.hiring.factories import make_call, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    """A closed Emilia-Romagna call with three applications of known scores."""
    call = make_call(state="closed", posts=1)
    call.rich = submit(call, isee_value="30000.00").application  # 100 - 25 + 5 = 80
    call.poor = submit(call, isee_value="2000.00").application  # 100 - 2 + 5 = 103
    call.late = submit(call, isee_value="2000.00", did_date=None).application  # 98
    return call


@pytest.fixture
def manager(client, call):
    user = make_staff(Role.MANAGER, office=call.office)
    login_staff(client, user)
    return user


def act(client, call, action):
    return client.post(f"/en/calls/office/calls/{call.pk}/do/{action}/", follow=True)


def publish_provisional(client, call):
    act(client, call, "compute")
    act(client, call, "publish_provisional")
    call.refresh_from_db()


def test_it_ranks_with_the_frozen_rule_set_and_publishes_it_pseudonymised(client, manager, call):
    call.ruleset.definition = {"broken": True}  # later edits of the stored row do not matter
    call.ruleset.save()
    publish_provisional(client, call)
    assert call.phase == Call.Phase.PROVISIONAL
    rows = list(call.ranking.filter(stage="provisional").order_by("position"))
    assert [r.application_id for r in rows] == [call.poor.pk, call.late.pk, call.rich.pk]
    assert [r.score for r in rows] == ["103.00", "98.00", "80.00"]
    client.logout()
    page = client.get(f"/en/calls/{call.pk}/ranking/").content.decode()
    assert call.poor.protocol in page and "103.00" in page
    assert call.poor.citizen.citizen.family_name not in page
    assert call.poor.citizen.email not in page


def test_each_applicant_sees_the_explanation_of_their_own_score(client, manager, call):
    publish_provisional(client, call)
    client.force_login(call.rich.citizen)
    page = client.get(f"/en/calls/applications/{call.rich.pk}/").content.decode()
    assert "Position 3, score 80.00" in page
    assert "ISEE" in page and "-25" in page and "limited by the maximum" in page
    assert "Unemployment declaration before the call" in page


def test_excluded_declarations_are_left_out_with_the_reason(client, manager, call):
    response = client.post(
        f"/en/calls/office/applications/{call.poor.pk}/",
        {"outcome": "excluded", "note": "ISEE falso"},
    )
    assert response.status_code == 302
    publish_provisional(client, call)
    entry = RankingEntry.objects.get(application=call.poor, stage="provisional")
    assert entry.position is None and entry.excluded_reasons == ["verification"]
    client.force_login(call.poor.citizen)
    page = client.get(f"/en/calls/applications/{call.poor.pk}/").content.decode()
    assert "Excluded after checking the declarations" in page


def test_a_correction_needs_a_note_and_a_valid_declaration(client, manager, call):
    url = f"/en/calls/office/applications/{call.rich.pk}/"
    response = client.post(url, {"outcome": "corrected", "note": "", "corrected": "{bad"})
    assert "is not valid" in response.content.decode()
    client.post(
        url,
        {
            "outcome": "corrected",
            "note": "ISEE rettificato",
            "corrected": '{"birth_date": "1995-05-01", "isee_value": "1000.00", '
            f'"isee_year": {timezone.localdate().year}, "did_date": "2020-01-01"}}',
        },
    )
    call.rich.refresh_from_db()
    assert call.rich.verification == "corrected"
    publish_provisional(client, call)
    assert RankingEntry.objects.get(application=call.rich).score == "104.00"


def test_computing_a_ranking_reads_and_writes_in_a_fixed_number_of_queries(
    manager, call, django_assert_max_num_queries
):
    """No query per application: a call may have 100,000 (bench/hiring_ranking.py)."""
    for _ in range(12):
        submit(call, isee_value="5000.00")
    with django_assert_max_num_queries(12):
        assert ranking.do_compute(call, "provisional", by=manager) == 15
    first = set(RankingEntry.objects.filter(call=call, stage="provisional").values_list("pk"))
    with CaptureQueriesContext(connection) as queries:
        assert ranking.do_compute(call, "provisional", by=manager) == 15
    again = set(RankingEntry.objects.filter(call=call, stage="provisional").values_list("pk"))
    assert len(again) == 15 and not first & again
    # computed again, the old rows go in one DELETE: none is read first
    read = [
        q["sql"] for q in queries if q["sql"].startswith("SELECT") and "rankingentry" in q["sql"]
    ]
    assert read == []


def test_the_ranking_waits_for_the_window_to_close(client):
    call = make_call(state="open")
    login_staff(client, make_staff(Role.MANAGER, office=call.office))
    page = act(client, call, "compute").content.decode()
    assert "after the window closes" in page
    assert not RankingEntry.objects.exists()


def test_an_appeal_is_decided_and_the_ranking_recomputed_then_made_final(
    client, manager, call, committed
):
    with committed():
        publish_provisional(client, call)
    assert len(mail.outbox) == 3  # every applicant is told
    client.force_login(call.rich.citizen)
    response = client.post(
        f"/en/calls/applications/{call.rich.pk}/appeal/", {"text": "Il mio ISEE è più basso"}
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    login_staff(client, manager)
    assert "Decide every review request" in act(client, call, "finalise").content.decode()
    corrected = dict(call.rich.data, isee_value="0.00")

    client.post(
        f"/en/calls/office/appeals/{appeal.pk}/",
        {"accepted": "yes", "reason": "Documento nuovo", "corrected": json.dumps(corrected)},
    )
    assert RankingEntry.objects.get(application=call.rich, stage="provisional").position == 1
    page = act(client, call, "finalise").content.decode()
    assert "after the appeal window closes" in page
    Call.objects.filter(pk=call.pk).update(
        ranking_published_at=timezone.now() - timedelta(days=call.appeal_days + 1)
    )
    act(client, call, "finalise")
    call.refresh_from_db()
    assert call.phase == Call.Phase.FINAL
    assert call.ranking.filter(stage="final", position=1).get().application_id == call.rich.pk
    frozen = list(call.ranking.filter(stage="final").values_list("protocol", "score_hundredths"))
    with pytest.raises(ValidationError):
        ranking.do_compute(call, "final", by=manager)
    assert list(call.ranking.filter(stage="final").values_list("protocol", "score_hundredths")) == (
        frozen
    )


def test_appeals_are_refused_outside_the_appeal_window(client, manager, call):
    publish_provisional(client, call)
    Call.objects.filter(pk=call.pk).update(ranking_published_at=timezone.now() - timedelta(days=9))
    client.force_login(call.rich.citizen)
    page = client.post(f"/en/calls/applications/{call.rich.pk}/appeal/", {"text": "x"})
    assert "only during the appeal window" in page.content.decode()
    assert not Appeal.objects.exists()


def final(call, manager):
    ranking.do_compute(call, "provisional", by=manager)
    ranking.do_publish_provisional(call, by=manager)
    Call.objects.filter(pk=call.pk).update(ranking_published_at=timezone.now() - timedelta(days=9))
    call.refresh_from_db()
    ranking.do_finalise(call, by=manager)
    call.refresh_from_db()


def test_the_top_candidates_go_to_the_body_with_their_outcomes(client, manager, call, committed):
    final(call, manager)
    body_user = make_staff(Role.BODY_USER, body=call.requests.get().body)
    mail.outbox.clear()
    with committed():
        act(client, call, "send_candidates")  # 1 post × factor 2
    assert [m.to for m in mail.outbox] == [[body_user.email]]
    assert f"/calls/body/calls/{call.pk}/candidates/" in mail.outbox[0].body
    assert [c.entry.application_id for c in Candidate.objects.all()] == [call.poor.pk, call.late.pk]
    login_staff(client, body_user)
    page = client.get(f"/en/calls/body/calls/{call.pk}/candidates/").content.decode()
    assert call.poor.citizen.email in page and call.rich.citizen.email not in page
    assert AuditEvent.objects.filter(action="hiring.candidates_viewed", actor=body_user).exists()
    first = Candidate.objects.get(entry__application=call.poor)
    url = f"/en/calls/body/candidates/{first.pk}/"
    assert "reason" in client.post(url, {"outcome": "rejected", "reason": ""}).content.decode()
    client.post(url, {"outcome": "no_show"})
    first.refresh_from_db()
    assert first.outcome == "no_show"
    login_staff(client, manager)
    act(client, call, "call_next")
    assert Candidate.objects.count() == 3


def test_another_body_sees_no_candidates(client, manager, call):
    final(call, manager)
    candidates.do_send_candidates(call, by=manager)
    login_staff(client, make_staff(Role.BODY_USER))
    assert client.get(f"/en/calls/body/calls/{call.pk}/candidates/").status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_staff_of_another_office_cannot_touch_the_call(client, call):
    login_staff(client, make_staff(Role.MANAGER, office=OfficeFactory()))
    assert client.get(f"/en/calls/office/calls/{call.pk}/").status_code == 404
    assert client.post(f"/en/calls/office/calls/{call.pk}/do/compute/").status_code == 404
    assert client.get(f"/en/calls/office/applications/{call.rich.pk}/").status_code == 404
    assert not RankingEntry.objects.exists()


def test_the_vda_rule_set_applies_its_gates(manager):
    call = make_call(state="closed", rules="valle-d-aosta")
    code = call.office.code
    ok = submit(call, french_test="yes", employment_status="unemployed", job_centres=[code])
    failed = submit(call, french_test="no", employment_status="unemployed", job_centres=[code])
    ranking.do_compute(call, "provisional", by=manager)
    assert RankingEntry.objects.get(application=ok.application).position == 1
    entry = RankingEntry.objects.get(application=failed.application)
    assert entry.position is None and entry.excluded_reasons == ["french_test"]


def test_exports_for_staff_in_csv_and_xlsx(client, manager, call):
    ranking.do_compute(call, "provisional", by=manager)
    csv = client.get(f"/en/calls/office/calls/{call.pk}/export/ranking.csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert call.poor.protocol in csv.content.decode("utf-8-sig")
    xlsx = client.get(f"/en/calls/office/calls/{call.pk}/export/applications.xlsx")
    assert xlsx.content[:2] == b"PK"
    assert client.get(f"/en/calls/office/calls/{call.pk}/export/other.csv").status_code == 404
    client.force_login(CitizenFactory())
    assert client.get(f"/en/calls/office/calls/{call.pk}/export/ranking.csv").status_code != 200


def test_vda_ranks_one_list_per_job_centre_with_preference_as_tie_breaker(client, manager):
    aosta = OfficeFactory(code="aosta-t", name="CPI Aosta")
    morgex = OfficeFactory(code="morgex-t", name="CPI Morgex")
    call = make_call(state="closed", rules="valle-d-aosta", office=aosta)
    call.job_centres.add(morgex)
    base = {"french_test": "yes", "employment_status": "unemployed", "birth_date": "1990-01-01"}
    first_aosta = submit(call, job_centres=["aosta-t", "morgex-t"], **base).application
    first_morgex = submit(call, job_centres=["morgex-t", "aosta-t"], **base).application
    only_morgex = submit(call, job_centres=["morgex-t"], **base).application
    ranking.do_compute(call, "provisional", by=manager)
    lists = {
        c: list(
            call.ranking.filter(job_centre=c)
            .order_by("position")
            .values_list("application_id", flat=True)
        )
        for c in ("aosta-t", "morgex-t")
    }
    assert lists["aosta-t"] == [first_aosta.pk, first_morgex.pk]  # same score: preference
    assert lists["morgex-t"][0] in (first_morgex.pk, only_morgex.pk)
    assert lists["morgex-t"][-1] == first_aosta.pk
    ranking.do_publish_provisional(call, by=manager)
    page = client.get(f"/en/calls/{call.pk}/ranking/").content.decode()
    assert aosta.name in page and morgex.name in page
    client.force_login(first_aosta.citizen)
    page = client.get(f"/en/calls/applications/{first_aosta.pk}/").content.decode()
    assert f"{aosta.name}: position 1" in page and f"{morgex.name}: position 3" in page
    Call.objects.filter(pk=call.pk).update(ranking_published_at=timezone.now() - timedelta(days=9))
    call.refresh_from_db()
    ranking.do_finalise(call, by=manager)
    call.refresh_from_db()
    sent = candidates.do_send_candidates(call, by=manager)  # from the call's own centre (Aosta)
    assert [c.entry.application_id for c in sent] == [first_aosta.pk, first_morgex.pk]
