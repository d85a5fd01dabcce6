"""factory_boy factories and a few helpers shared by the tests."""

import factory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sportello.accounts.models import Body, CitizenProfile, Office, RoleAssignment, User
from sportello.accounts.roles import Role

PASSWORD = "correct-horse-battery"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"office-{n}")
    name = factory.LazyAttribute(lambda o: f"Centro per l'impiego {o.code}")
    region = "Valle d'Aosta"


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"Comune {n}")
    tax_code = factory.Sequence(lambda n: f"{n:011d}")
    office = factory.SubFactory(OfficeFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Faker("name")
    email_verified = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CitizenFactory(UserFactory):
    profile = factory.RelatedFactory(
        "tests.factories.CitizenProfileFactory", factory_related_name="user"
    )


class CitizenProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CitizenProfile

    user = factory.SubFactory(UserFactory)
    given_name = "Mario"
    family_name = "Rossi"


def make_staff(role: str, office: Office | None = None, body: Body | None = None, **fields) -> User:
    """A staff user holding `role`, with a confirmed TOTP device."""
    user = UserFactory(**fields)
    if role == Role.BODY_USER and body is None:
        body = BodyFactory(office=office) if office else BodyFactory()
    RoleAssignment.objects.create(user=user, role=role, office=office, body=body)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def login_staff(client, user: User, verified: bool = True) -> None:
    """Log `user` in on the test client, with the second factor already passed."""
    client.force_login(user)
    if verified:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
