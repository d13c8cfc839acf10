"""Start-up checks a web process runs before it answers anyone.

Not Django system checks: those run on `migrate` too, which must work before
`collectstatic` has made the manifest (`make serve` migrates, then collects).
A web process is the one thing that cannot work without it: with DEBUG off,
every page names its CSS and scripts through the manifest and would answer 500.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import ImproperlyConfigured


def missing_static_manifest() -> str | None:
    """Why the static files cannot be served, or None when they can (or need no manifest)."""
    storage = staticfiles_storage
    if not isinstance(storage, ManifestFilesMixin):  # only a manifest storage needs one
        return None
    name = storage.manifest_name
    if settings.DEBUG or not name or (storage.manifest_storage or storage).exists(name):
        return None
    return (
        f"no static manifest ({name}) in {settings.STATIC_ROOT}: run `python manage.py collectstatic` "
        "(make serve does) before starting the web server, or set DJANGO_STATIC_ROOT to where it ran"
    )


def check_web_start_up() -> None:
    """Refuse to start a web process that would answer 500 to every page (config.wsgi, config.asgi)."""
    problem = missing_static_manifest()
    if problem:
        raise ImproperlyConfigured(problem)
