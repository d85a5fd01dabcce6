"""The user behind a session is loaded on every request: with `rows.load`, not a queryset."""

from django.contrib.auth import backends

from sportello.core import rows


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        user = rows.load(backends.UserModel, user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
