"""Navigation links, the GDPR export and the demo data."""

import pytest

from sportello.accounts.roles import Role
from sportello.accounts.services import export_personal_data
from sportello.hiring.models import Application, Call, RankingEntry
from tests.factories import login_staff, make_staff
from tests.hiring.factories import make_call, submit

pytestmark = pytest.mark.django_db


def test_the_home_page_and_my_area_link_to_the_hiring_pages(client):
    assert "/en/calls/" in client.get("/en/").content.decode()
    user = make_staff(Role.BODY_USER)
    login_staff(client, user)
    page = client.get("/en/account/").content.decode()
    assert "/en/calls/mine/" in page and "/en/calls/body/requests/" in page
    assert "/en/calls/office/" not in page
    login_staff(client, make_staff(Role.OPERATOR))
    assert "/en/calls/office/" in client.get("/en/account/").content.decode()


def test_the_gdpr_export_includes_the_applications():
    call = make_call()
    app = submit(call).application
    data = export_personal_data(app.citizen)
    (exported,) = data["hiring_applications"]
    assert exported["protocol"] == app.protocol
    assert exported["declared"]["isee_value"] == "12000.00"
    assert len(exported["revisions"]) == 1


def test_the_demo_seed_is_idempotent():
    from sportello.accounts import demo as accounts_demo
    from sportello.hiring import demo

    accounts_demo.seed()
    demo.seed()
    counts = (Call.objects.count(), Application.objects.count(), RankingEntry.objects.count())
    demo.seed()
    assert (
        Call.objects.count(),
        Application.objects.count(),
        RankingEntry.objects.count(),
    ) == counts
    assert counts[0] == 2 and counts[1] >= 3 and counts[2] == counts[1]
    states = {c.state for c in Call.objects.all()}
    assert states == {"open", "closed"}


def test_e_mails_are_rendered_in_the_recipients_language(committed):
    from django.core import mail

    from sportello.hiring.services.notify import render
    from sportello.hiring.services.requests import do_decide
    from tests.hiring.factories import StaffingRequestFactory

    call = make_call()
    app = submit(call).application
    app.citizen.language = "fr"
    subject, body = render(app.citizen, "withdrawn", app)
    assert app.protocol in subject and "Operai per il Comune (en)" not in body
    assert "Operai per il Comune" in body  # the French title falls back to Italian
    app.citizen.language = "en"
    assert "Operai per il Comune (en)" in render(app.citizen, "withdrawn", app)[1]
    req = StaffingRequestFactory(status="submitted")
    body_user = make_staff(Role.BODY_USER, body=req.body, language="es")
    with committed():
        do_decide(req, "changes", "Más horas", by=make_staff(Role.MANAGER))
    (sent,) = mail.outbox
    assert sent.to == [body_user.email]
    assert "/es/calls/body/requests/" in sent.body and "Más horas" in sent.body
