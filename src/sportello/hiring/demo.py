"""Demo data for hiring: rule sets, staffing requests, an open call, a closed call with
applications and a provisional ranking. Idempotent: it looks things up by their demo titles."""

import uuid
from datetime import timedelta

from django.utils import timezone

from sportello.accounts.models import Body, Office, User
from sportello.hiring.models import Application, Call, RuleSetVersion, StaffingRequest
from sportello.hiring.rules import builtin_rulesets
from sportello.hiring.services.applications import do_submit
from sportello.hiring.services.ranking import do_compute

OPEN_TITLE = {
    "it": "Operai per la manutenzione del verde",
    "fr": "Ouvriers pour l'entretien des espaces verts",
    "ca": "Operaris per al manteniment de zones verdes",
    "es": "Operarios para el mantenimiento de zonas verdes",
    "en": "Workers for park maintenance",
}
CLOSED_TITLE = {
    "it": "Addetti alle pulizie",
    "fr": "Agents d'entretien",
    "ca": "Personal de neteja",
    "es": "Personal de limpieza",
    "en": "Cleaning staff",
}


def _rulesets() -> dict[str, RuleSetVersion]:
    stored = {}
    for rs in builtin_rulesets().values():
        stored[rs.name], _ = RuleSetVersion.objects.get_or_create(
            name=rs.name,
            version=rs.version,
            defaults={"legal_source": rs.legal_source, "definition": rs.to_dict()},
        )
    return stored


def _request(body: Body, profile: str, posts: int, status: str, by: User) -> StaffingRequest:
    req, _ = StaffingRequest.objects.get_or_create(
        body=body,
        profile=profile,
        defaults={
            "posts": posts,
            "place": body.name.replace("Comune di ", ""),
            "hours_per_week": 36,
            "contract_type": StaffingRequest.Contract.FIXED,
            "contract_months": 6,
            "qualification": StaffingRequest.Qualification.COMPULSORY,
            "start_date": timezone.localdate() + timedelta(days=90),
            "status": status,
            "created_by": by,
        },
    )
    return req


def _call(title, office, req, rules, opens, closes, by) -> Call:
    call = Call.objects.filter(title__it=title["it"]).first()
    if call is None:
        call = Call.objects.create(
            office=office,
            title=title,
            description={"it": "Chiamata pubblica ai sensi dell'art. 16 L. 56/1987."},
            opens_at=opens,
            closes_at=closes,
            ruleset=rules,
            frozen_ruleset=rules.definition,
            phase=Call.Phase.PUBLISHED,
            published_at=opens,
            created_by=by,
        )
        call.requests.add(req)
        call.job_centres.add(office)
    return call


def seed() -> None:
    office = Office.objects.filter(code="aosta").first()
    body = Body.objects.filter(office=office).first() if office else None
    manager = User.objects.filter(email="manager@demo.sportello.test").first()
    if office is None or body is None or manager is None:
        return  # the accounts demo runs first and creates these
    rules = _rulesets()
    now = timezone.now()
    _request(body, "Istruttore amministrativo", 1, StaffingRequest.Status.SUBMITTED, manager)
    green = _request(body, "Operaio addetto al verde", 2, StaffingRequest.Status.ACCEPTED, manager)
    clean = _request(body, "Addetto alle pulizie", 1, StaffingRequest.Status.ACCEPTED, manager)
    _call(
        OPEN_TITLE,
        office,
        green,
        rules["emilia-romagna"],
        now - timedelta(days=2),
        now + timedelta(days=20),
        manager,
    )
    closed = _call(
        CLOSED_TITLE,
        office,
        clean,
        rules["emilia-romagna"],
        now - timedelta(days=30),
        now - timedelta(days=2),
        manager,
    )
    _fill(closed, manager)


def _fill(call: Call, manager: User) -> None:
    if call.applications.exists():
        return
    year = timezone.localdate().year
    citizens = User.objects.filter(email__endswith="@demo.sportello.test", citizen__isnull=False)
    saved = (call.opens_at, call.closes_at)
    call.opens_at, call.closes_at = (
        timezone.now() - timedelta(hours=1),
        timezone.now() + timedelta(hours=1),
    )
    for n, citizen in enumerate(citizens.order_by("email")):
        birth = citizen.citizen.birth_date or "1980-01-01"
        data = {
            "birth_date": str(birth),
            "isee_value": f"{5000 + 4000 * n}.00",
            "isee_year": year,
            "dsu_only": False,
            "did_date": "2024-01-15" if n % 2 == 0 else None,
        }
        do_submit(call, citizen, data, key=uuid.uuid4().hex, by=citizen)
    call.opens_at, call.closes_at = saved
    if Application.objects.filter(call=call).exists():
        do_compute(call, "provisional", by=manager)
