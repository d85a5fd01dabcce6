from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sportello.accounts.roles import Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, email_verified=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    display_name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=5, default="it")
    email_verified = models.BooleanField(_("e-mail verified"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.email


class Office(models.Model):
    """A job centre: the organisational unit staff belong to."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["region", "name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self):
        return self.name


class Body(models.Model):
    """A public body (ente) that asks the office for staff."""

    name = models.CharField(_("name"), max_length=200)
    tax_code = models.CharField(_("tax code"), max_length=16, unique=True)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="bodies")
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("public body")
        verbose_name_plural = _("public bodies")

    def __str__(self):
        return self.name


class RoleAssignment(models.Model):
    """A staff member's role, in one office (or every office when office is empty)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    office = models.ForeignKey(Office, null=True, blank=True, on_delete=models.CASCADE)
    body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "office", "body"], name="unique_role_assignment"
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.BODY_USER) | models.Q(body__isnull=False),
                name="body_user_has_body",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class CitizenProfile(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="citizen")
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    fiscal_code = models.CharField(
        _("codice fiscale"), max_length=16, unique=True, null=True, blank=True
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    identity_provider = models.CharField(_("identity provider"), max_length=100, blank=True)
    deletion_requested_at = models.DateTimeField(_("deletion requested"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("citizen profile")
        verbose_name_plural = _("citizen profiles")

    def __str__(self):
        return f"{self.given_name} {self.family_name}".strip() or str(self.user)
