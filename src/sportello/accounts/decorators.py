from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from sportello.accounts.roles import has_role


def staff_required(*roles: str):
    """Logged in, second factor verified, and holding one of `roles` (any staff role if none)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_verified():
                return redirect(f"{_otp_url()}?next={request.get_full_path()}")
            if roles and not has_role(user, *roles):
                raise PermissionDenied
            if not roles and not user.role_assignments.exists():
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _otp_url() -> str:
    from django.urls import reverse

    return reverse("accounts:otp_verify")
