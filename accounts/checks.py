"""A deploy check: in production, password-reset links must leave by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

CONSOLE = "django.core.mail.backends.console.EmailBackend"


@register(Tags.security, deploy=True)
def check_email_is_sent(app_configs, **kwargs):
    """The console backend is right on a laptop; on a server it prints every reset
    link into the logs, where anyone who reads them can take over the account, and
    the person who asked never gets it."""
    if settings.EMAIL_BACKEND != CONSOLE:
        return []
    return [
        Warning(
            "Password-reset e-mails are printed on the console instead of being sent.",
            hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, DEFAULT_FROM_EMAIL as needed).",
            id="accounts.W001",
        )
    ]
