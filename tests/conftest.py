"""Shared fixtures: three people (an owner, another member, staff) and real files."""

from __future__ import annotations

import pytest
from django.test import override_settings

PASSWORD = "a-Long-enough-passw0rd"


@pytest.fixture(scope="session", autouse=True)
def _plain_static_storage():
    # The manifest storage of production needs `collectstatic`; tests serve the
    # files straight from static/ instead.
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        yield


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Each test stores pictures in its own folder, so nothing leaks between tests."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("olivia", "olivia@example.com", PASSWORD)


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user("max", "", PASSWORD)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("sam", "", PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client
