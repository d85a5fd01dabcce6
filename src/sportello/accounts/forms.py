from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sportello.accounts.codice_fiscale import CodiceFiscaleError, check_consistency, normalise
from sportello.accounts.models import CitizenProfile


class SignupForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. Do not use a password you use elsewhere."),
        max_length=128,
    )
    password_again = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=128,
    )
    privacy = forms.BooleanField(label=_("I have read the privacy notice"))

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("The two passwords are different."))
        elif password:
            try:
                password_validation.validate_password(password)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class LoginForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=128,
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class OTPForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].replace(" ", "")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = CitizenProfile
        fields = ["given_name", "family_name", "fiscal_code", "birth_date", "sex", "phone"]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_fiscal_code(self):
        value = self.cleaned_data.get("fiscal_code") or ""
        return normalise(value) or None

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        code = data.get("fiscal_code")
        if code:
            try:
                check_consistency(code, data.get("birth_date"), data.get("sex") or None)
            except CodiceFiscaleError as exc:
                self.add_error("fiscal_code", exc.message)
        return data


class DeletionRequestForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand that my account and my data will be deleted, except what the law requires the office to keep."
        )
    )
