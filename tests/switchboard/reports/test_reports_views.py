"""The report pages: who may see what, bad input, and the three exports."""

import csv
import io

import pytest
from openpyxl import load_workbook

from sportello.accounts.roles import Role
from sportello.audit.models import AuditEvent
from sportello.switchboard.models import QueueEntry
from tests.factories import OfficeFactory, login_staff, make_staff
from tests.switchboard.reports.helpers import at, make_agent, make_entry, make_queue

pytestmark = pytest.mark.django_db
Outcome = QueueEntry.Outcome
URL = "/en/switchboard/reports/"
RANGE = {"start": "2026-03-02", "end": "2026-03-02", "granularity": "day", "group_by": "none"}


@pytest.fixture
def history():
    q = make_queue("lavoro-it")
    anna, bruno = make_agent("anna"), make_agent("bruno")
    t = at("2026-03-02 09:00")
    make_entry(q, t, 10, agent=anna, talk=100, wrap=20)
    make_entry(q, t, 30, agent=bruno, talk=50, wrap=10)
    make_entry(q, t, 60, Outcome.ABANDONED)
    return q, anna, bruno


def _login(client, role, office=None):
    user = make_staff(role, office=office)
    login_staff(client, user)
    return user


PAGES = ["reports/", "reports/help/", "reports/erlang/", "reports/forecast/", "wallboard/",
         "wallboard/data/", "reports/schedules/"]  # fmt: skip
ALLOWED = {
    Role.SUPERVISOR: set(PAGES),
    Role.ADMINISTRATOR: set(PAGES),
    Role.AGENT: {"reports/", "reports/help/"},
}


@pytest.mark.parametrize("role", list(Role))
def test_role_access_matrix(client, role, history):
    user = _login(client, role)
    if role == Role.AGENT:
        make_agent("carla", user=user)
    for page in PAGES:
        status = client.get(f"/en/switchboard/{page}").status_code
        expected = 200 if page in ALLOWED.get(role, set()) else 403
        assert status == expected, (role, page, status)


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_an_agent_sees_only_their_own_calls(client, history):
    _q, anna, _bruno = history
    user = anna.user
    from sportello.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=user, role=Role.AGENT)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    login_staff(client, user)
    rows = list(csv.reader(io.StringIO(client.get(URL, RANGE | {"format": "csv"}).text)))
    assert rows[1][1:3] == ["1", "1"]  # offered, answered: anna's one call only
    assert client.get(URL, RANGE | {"format": "queue_log"}).status_code == 403
    assert client.get(URL, RANGE | {"group_by": "agent"}).status_code == 400


def test_an_office_supervisor_sees_only_their_offices_queues(client, history):
    office, other = OfficeFactory(), OfficeFactory()
    q, *_ = history
    q.office = other
    q.save()
    mine = make_queue("mine")
    mine.office = office
    mine.save()
    make_entry(mine, at("2026-03-02 10:00"), 5)
    _login(client, Role.SUPERVISOR, office=office)
    rows = list(csv.reader(io.StringIO(client.get(URL, RANGE | {"format": "csv"}).text)))
    assert rows[1][1] == "1"
    response = client.get(URL, RANGE | {"queues": [q.pk]})
    assert response.status_code == 400
    assert "Select a valid choice" in response.text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": "2026-03-05", "end": "2026-03-01"}, "The end date comes before the start date."),
        ({"start": "2025-01-01", "end": "2026-03-01"}, "A report may cover at most 400 days."),
        ({"start": "yesterday"}, "Enter a valid date."),
        ({"granularity": "year"}, "Select a valid choice."),
        ({"queues": ["999999"]}, "Select a valid choice."),
    ],
)
def test_bad_filters_get_a_clear_message_and_no_report(client, history, change, message):
    _login(client, Role.SUPERVISOR)
    response = client.get(URL, RANGE | change)
    assert response.status_code == 400
    assert message in response.text
    assert "By period" not in response.text


def test_bad_filters_are_explained_in_the_visitors_language(client, history):
    _login(client, Role.SUPERVISOR)
    response = client.get(URL.replace("/en/", "/it/"), RANGE | {"granularity": "year"})
    assert response.status_code == 400
    assert "Scegli un" in response.text  # Django's Italian "Select a valid choice"


def test_the_page_shows_the_table_and_a_chart_data_island(client, history):
    _login(client, Role.SUPERVISOR)
    response = client.get(URL, RANGE)
    assert response.status_code == 200
    assert '<script id="report-chart-data" type="application/json">' in response.text
    assert '<th scope="row">2026-03-02</th><td>3</td><td>2</td><td>1</td>' in response.text
    assert response.context["report"].total.service_level == pytest.approx(1 / 3)


def test_csv_and_xlsx_exports_hold_the_same_figures(client, history):
    _login(client, Role.SUPERVISOR)
    text = client.get(URL, RANGE | {"format": "csv", "group_by": "agent"}).text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Period", "Group", "Offered", "Answered"]
    by_agent = {row[1]: row for row in rows[1:]}
    assert by_agent["anna"][2:4] == ["1", "1"]
    assert by_agent["anna"][10] == "10.0"  # ASA
    assert by_agent["anna"][11] == "120.0"  # AHT
    assert by_agent[""][5] == "1"  # the abandoned call has no agent
    response = client.get(URL, RANGE | {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][1] == "Offered"
    assert values[1][1:4] == [3, 2, 1]
    assert values[1][8] == pytest.approx(33.3)  # SL(20 s): 1 of 3, in percent


def test_a_group_name_that_looks_like_a_formula_is_defused(client):
    q = make_queue("lavoro-it")
    make_entry(q, at("2026-03-02 09:00"), 10, wrap_up_code="=cmd")
    _login(client, Role.SUPERVISOR)
    text = client.get(URL, RANGE | {"format": "csv", "group_by": "wrap_up"}).text
    assert "'=cmd" in text


def test_queue_log_export_uses_the_asterisk_format_and_is_audited(client, history):
    user = _login(client, Role.SUPERVISOR)
    response = client.get(URL, RANGE | {"format": "queue_log"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    events = [line.split("|")[4] for line in lines]
    assert events.count("ENTERQUEUE") == 3
    assert events.count("CONNECT") == 2
    assert events.count("COMPLETECALLER") == 2
    assert events.count("ABANDON") == 1
    abandon = next(line for line in lines if "|ABANDON|" in line).split("|")
    assert abandon[2:4] == ["lavoro-it", "NONE"] and abandon[5:] == ["1", "1", "60"]
    connect = next(line for line in lines if "|CONNECT|" in line).split("|")
    assert connect[0] == str(int(at("2026-03-02 09:00:10").timestamp()))
    assert connect[3] == "PJSIP/anna" and connect[5] == "10"
    assert [int(line.split("|")[0]) for line in lines] == sorted(
        int(line.split("|")[0]) for line in lines
    )
    assert AuditEvent.objects.filter(action="switchboard.queue_log_exported", actor=user).exists()


def test_unknown_export_format_is_refused(client, history):
    _login(client, Role.SUPERVISOR)
    assert client.get(URL, RANGE | {"format": "pdf"}).status_code == 400


def test_queue_log_has_timeouts_callbacks_pauses_and_unanswered_rings():
    from sportello.switchboard.models import AgentStateChange
    from sportello.switchboard.reports import queue_log
    from sportello.switchboard.reports.filters import Filters
    from tests.switchboard.reports.helpers import state

    State = AgentStateChange.State
    q, anna = make_queue("lavoro-it"), make_agent("anna")
    make_entry(q, at("2026-03-02 09:00"), 600, Outcome.TIMED_OUT)
    make_entry(q, at("2026-03-02 09:01"), 30, Outcome.CALLBACK)
    make_entry(q, at("2026-03-02 09:02"), 0, Outcome.FULL)
    state(anna, State.AVAILABLE, at("2026-03-02 08:30"))
    state(anna, State.RINGING, at("2026-03-02 08:40"))
    state(anna, State.AVAILABLE, at("2026-03-02 08:40:12"))
    AgentStateChange.objects.create(
        agent=anna, state=State.PAUSED, reason="lunch", at=at("2026-03-02 12:00")
    )
    state(anna, State.AVAILABLE, at("2026-03-02 13:00"))
    lines = list(queue_log.lines(Filters(at("2026-03-02 00:00"), at("2026-03-03 00:00"))))
    rows = [line.rstrip("\n").split("|") for line in lines]
    events = {row[4]: row for row in rows}
    assert events["EXITWITHTIMEOUT"][5:] == ["1", "1", "600"]
    assert events["EXITWITHKEY"][5:] == ["1", "1", "1", "30"]
    assert events["RINGNOANSWER"][3:] == ["PJSIP/anna", "RINGNOANSWER", "12000"]
    assert events["PAUSE"][1:] == ["NONE", "NONE", "PJSIP/anna", "PAUSE", "lunch"]
    assert events["UNPAUSE"][0] == str(int(at("2026-03-02 13:00").timestamp()))
    assert [row[4] for row in rows].count("ENTERQUEUE") == 2  # not the refused call
