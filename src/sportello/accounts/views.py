import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_ratelimit.decorators import ratelimit

from sportello.accounts import otp, services
from sportello.accounts.forms import (
    DeletionRequestForm,
    LoginForm,
    OTPForm,
    ProfileForm,
    SignupForm,
)
from sportello.accounts.models import CitizenProfile
from sportello.accounts.roles import is_staff_member, roles_of
from sportello.audit.log import record
from sportello.core.metrics import login_failures


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@ratelimit(key="ip", rate=settings.RATELIMIT_SIGNUP, method="POST", block=True)
def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.sign_up(
            email=data["email"],
            password=data["password"],
            given_name=data["given_name"],
            family_name=data["family_name"],
            language=get_language(),
        )
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


def signup_done(request):
    return render(request, "accounts/signup_done.html")


def verify_email(request, token):
    user = services.verify_email(token)
    if user is None:
        return render(request, "accounts/verify_failed.html", status=400)
    messages.success(request, _("Your e-mail is confirmed. You can now log in."))
    return redirect("accounts:login")


@ratelimit(key="ip", rate=settings.RATELIMIT_LOGIN, method="POST", block=True)
@ratelimit(key="post:email", rate=settings.RATELIMIT_LOGIN, method="POST", block=True)
def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email, password = form.cleaned_data["email"], form.cleaned_data["password"]
        user = None
        if not services.is_locked_out(email):
            user = authenticate(request, username=email, password=password)
        if user is None:
            services.note_login_failure(email)
            login_failures.inc()
            form.add_error(
                None,
                _(
                    "The e-mail or password is not correct, or the account is temporarily locked "
                    "after too many attempts. Check and try again in a few minutes, or reset your password."
                ),
            )
        elif not user.email_verified:
            form.add_error(
                None,
                _(
                    "Please confirm your e-mail first: open the link we sent you. "
                    "We have sent a new link."
                ),
            )
            services.send_verification(user)
        else:
            services.clear_login_failures(email)
            login(request, user, backend="sportello.accounts.backends.ModelBackend")
            record("account.login", actor=user, subject=user)
            if is_staff_member(user):
                return redirect(f"{_second_factor_url(user)}?next={_safe_next(request, '')}")
            return redirect(_safe_next(request, settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request, "")})


def _second_factor_url(user) -> str:
    from django.urls import reverse

    name = "accounts:otp_verify" if otp.has_confirmed_device(user) else "accounts:otp_setup"
    return reverse(name)


@login_required
@ratelimit(key="user", rate=settings.RATELIMIT_LOGIN, method="POST", block=True)
def otp_verify(request):
    if not otp.has_confirmed_device(request.user):
        return redirect("accounts:otp_setup")
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp.verify(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            record("account.second_factor", actor=request.user, subject=request.user)
            return redirect(_safe_next(request, "accounts:dashboard"))
        form.add_error(
            "code", _("This code is not valid. Check the time on your phone and try the new code.")
        )
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request, "")}
    )


@login_required
def otp_setup(request):
    if otp.has_confirmed_device(request.user):
        return redirect("accounts:otp_verify")
    device = otp.pending_totp_device(request.user)
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.confirm_totp(device, form.cleaned_data["code"]):
            otp_login(request, device)
            codes = otp.issue_backup_codes(request.user)
            record("account.second_factor_enrolled", actor=request.user, subject=request.user)
            return render(request, "accounts/otp_backup_codes.html", {"codes": codes})
        form.add_error(
            "code", _("This code is not valid. Check the time on your phone and try the new code.")
        )
    context = {
        "form": form,
        "qr": otp.qr_svg_data_uri(device),
        "secret": device.config_url.split("secret=")[1].split("&")[0],
        "next": _safe_next(request, ""),
    }
    return render(request, "accounts/otp_setup.html", context)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("core:home")


@login_required
def dashboard(request):
    context = {"roles": sorted(roles_of(request.user)), "staff": is_staff_member(request.user)}
    return render(request, "accounts/dashboard.html", context)


@login_required
def profile(request):
    profile, _created = CitizenProfile.objects.get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(
            "profile.changed",
            actor=request.user,
            subject=request.user,
            obj=profile,
            details={"fields": form.changed_data},
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def export_data(request):
    data = services.export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
def delete_request(request):
    form = DeletionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_deletion(request.user)
        messages.success(
            request,
            _("We have received your request. The office will delete your data and write to you."),
        )
        return redirect("accounts:dashboard")
    return render(request, "accounts/delete_request.html", {"form": form})


@method_decorator(
    ratelimit(key="ip", rate=settings.RATELIMIT_PASSWORD_RESET, method="POST", block=True),
    name="post",
)
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = "done/"

    def form_valid(self, form):
        form.cleaned_data["email"] = form.cleaned_data["email"].strip().lower()
        return super().form_valid(form)
