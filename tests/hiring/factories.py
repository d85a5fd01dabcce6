"""Factories and helpers for the hiring tests."""

import uuid
from datetime import timedelta

import factory
from django.utils import timezone

from sportello.accounts.roles import Role
from sportello.hiring.models import Call, RuleSetVersion, StaffingRequest
from sportello.hiring.rules import builtin_rulesets
from sportello.hiring.services.applications import do_submit
from tests.factories import BodyFactory, CitizenFactory, OfficeFactory, UserFactory, make_staff


def ruleset(name: str = "emilia-romagna") -> RuleSetVersion:
    """The stored built-in rule set (re-created when a transactional test flushed it)."""
    rs = builtin_rulesets()[name]
    stored, _ = RuleSetVersion.objects.get_or_create(
        name=rs.name,
        version=rs.version,
        defaults={"legal_source": rs.legal_source, "definition": rs.to_dict()},
    )
    return stored


class StaffingRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffingRequest

    body = factory.SubFactory(BodyFactory)
    profile = "Operaio generico"
    posts = 2
    place = "Aosta"
    hours_per_week = 36
    contract_type = StaffingRequest.Contract.FIXED
    contract_months = 6
    qualification = StaffingRequest.Qualification.COMPULSORY
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    status = StaffingRequest.Status.ACCEPTED
    created_by = factory.SubFactory(UserFactory, password=None)


def make_call(
    *,
    office=None,
    state: str = "open",
    rules: str = "emilia-romagna",
    posts: int = 2,
    title: str = "Operai per il Comune",
    **fields,
) -> Call:
    """A call in `state`: draft, upcoming, open or closed (the last three published)."""
    office = office or OfficeFactory()
    now = timezone.now()
    windows = {
        "draft": (now + timedelta(days=1), now + timedelta(days=10)),
        "upcoming": (now + timedelta(days=1), now + timedelta(days=10)),
        "open": (now - timedelta(days=1), now + timedelta(days=10)),
        "closed": (now - timedelta(days=20), now - timedelta(days=1)),
    }
    opens, closes = windows[state]
    stored = ruleset(rules)
    call = Call.objects.create(
        office=office,
        title={"it": title, "en": f"{title} (en)"},
        description={"it": "Descrizione", "en": "Description"},
        opens_at=opens,
        closes_at=closes,
        ruleset=stored,
        frozen_ruleset=None if state == "draft" else stored.definition,
        phase=Call.Phase.DRAFT if state == "draft" else Call.Phase.PUBLISHED,
        published_at=None if state == "draft" else opens - timedelta(days=1),
        created_by=fields.pop("created_by", None) or UserFactory(password=None),
        **fields,
    )
    body = BodyFactory(office=office)
    call.requests.add(StaffingRequestFactory(body=body, posts=posts))
    call.job_centres.add(office)
    return call


def er_data(**overrides) -> dict:
    """A declaration for the Emilia-Romagna rule set."""
    data = {
        "birth_date": "1995-05-01",
        "isee_value": "12000.00",
        "isee_year": timezone.localdate().year,
        "dsu_only": False,
        "did_date": "2020-01-01",
    }
    data.update(overrides)
    return data


def submit(call: Call, citizen=None, **data):
    citizen = citizen or CitizenFactory(password=None)
    with _open(call):
        return do_submit(call, citizen, er_data(**data), key=uuid.uuid4().hex, by=citizen)


class _open:
    """Temporarily open a closed call's window so tests can fill it with applications."""

    def __init__(self, call: Call):
        self.call = call

    def __enter__(self):
        self.saved = (self.call.opens_at, self.call.closes_at)
        if not self.call.is_open:
            self.call.opens_at = timezone.now() - timedelta(days=1)
            self.call.closes_at = timezone.now() + timedelta(days=1)
        return self.call

    def __exit__(self, *exc):
        self.call.opens_at, self.call.closes_at = self.saved


def office_staff(office, role=Role.MANAGER, **fields):
    return make_staff(role, office=office, **fields)


__all__ = ["CitizenFactory", "make_staff"]
