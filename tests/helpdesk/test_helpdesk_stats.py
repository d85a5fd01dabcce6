"""Programme statistics: by outcome, need, language, place, month; no-show rate; exports."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from sportello.accounts.roles import Role
from sportello.helpdesk import stats
from sportello.helpdesk.models import Booking
from tests.factories import OfficeFactory, login_staff, make_staff
from tests.helpdesk.factories import PlaceFactory, make_mediator

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(mediator, place):
    """Four past appointments: two done (one SPID), one no-show, one cancelled."""
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=3)
    common = dict(mediator=mediator, place=place, channel="in_person", name="X")

    def add(n, **fields):
        s = start + timedelta(hours=n)
        return Booking.objects.create(start=s, end=s, **{**common, **fields})

    add(
        0,
        need="spid",
        language="it",
        status="done",
        outcomes=["spid_obtained"],
        duration_minutes=45,
    )
    add(
        1,
        need="cie",
        language="fr",
        status="done",
        outcomes=["cie_pin", "app_installed"],
        duration_minutes=30,
    )
    add(2, need="spid", language="it", status="no_show")
    add(3, need="spid", language="en", status="cancelled")
    return start


def _rows(data, key):
    return dict(next(t for t in data["tables"] if t.key == key).rows)


def test_it_counts_by_outcome_need_language_and_no_shows(history, place):
    today = timezone.localdate()
    data = stats.compute({place.office_id}, today - timedelta(days=30), today)
    assert data["total"] == 3
    assert data["spid_activations"] == 1
    assert data["no_show_rate"] == pytest.approx(33.3)
    assert _rows(data, "need") == {"SPID digital identity": 2, "CIE electronic identity card": 1}
    assert _rows(data, "language") == {"it": 2, "fr": 1}
    assert _rows(data, "outcome") == {
        "SPID obtained": 1,
        "CIE PIN activated": 1,
        "App installed": 1,
    }
    assert list(_rows(data, "hours").values()) == [1.2]
    assert _rows(data, "place") == {place.name: 3}


def test_other_offices_are_not_counted(history):
    today = timezone.localdate()
    other = OfficeFactory()
    make_mediator(PlaceFactory(office=other))
    assert stats.compute({other.pk}, today - timedelta(days=30), today)["total"] == 0


def test_the_page_shows_tables_and_loads_the_chart_script_without_inline_js(client, history, place):
    login_staff(client, make_staff(Role.COORDINATOR, office=place.office))
    page = client.get("/en/help/staff/statistics/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="table-need"' in html and "chart.umd.min.js" in html and "stats-charts.js" in html
    assert "<script>" not in html and "onclick" not in html


def test_csv_and_xlsx_exports(client, history, place):
    login_staff(client, make_staff(Role.MANAGER, office=place.office))
    response = client.get("/en/help/staff/statistics/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Appointments", "3"] in rows and ["SPID activations", "1"] in rows
    response = client.get("/en/help/staff/statistics/?format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert book["summary"]["B1"].value == 3
    assert book["need"]["A1"].value == "Appointments by need"
