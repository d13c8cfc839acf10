"""API tokens: one per person, made, replaced and revoked only on request."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from rest_framework.authtoken.models import Token


@transaction.atomic
def token_regenerate(*, user: User) -> Token:
    """A new key; any previous key stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()
