from django.contrib import admin


def _superusers_with_second_factor(request) -> bool:
    user = request.user
    return user.is_active and user.is_superuser and user.is_verified()


# The Django admin is for superusers only, and only after the second factor.
admin.site.has_permission = _superusers_with_second_factor
