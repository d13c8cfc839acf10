"""A new password revokes the API token, through Django's own "password changed" hook.

Django calls ``password_changed()`` on every configured password validator
whenever a new password is saved: the change and reset pages, the admin,
``manage.py changepassword``; and not when it merely re-hashes the same
password with a stronger hasher at log-in. Django itself ends the other
sessions (their hash no longer matches); the API token would otherwise go
on working for whoever had it, the very person the new password is meant to
shut out.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, User

from accounts.services import token_revoke


class NewPasswordRevokesToken:
    """Listed in AUTH_PASSWORD_VALIDATORS for the hook; it refuses no password."""

    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:
        return None

    def password_changed(self, password: str, user: AbstractBaseUser | None = None) -> None:
        if isinstance(user, User) and user.pk is not None:  # the site's User: never another kind
            token_revoke(user=user)

    def get_help_text(self) -> str:
        return "A new password also revokes your API token, if you have one."
