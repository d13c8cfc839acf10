"""The environment drives the settings, and refuses values it cannot use."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_email, env_float, env_host, env_int, env_list, env_rate

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("false", False)])
def test_env_bool(monkeypatch, raw, value):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not value) is value


def test_env_bool_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_env_int(monkeypatch):
    monkeypatch.setenv("X_INT", "12")
    assert env_int("X_INT", 1) == 12
    monkeypatch.setenv("X_INT", "twelve")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_INT", "-3")
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_INT", "70000")
    with pytest.raises(ImproperlyConfigured, match="above the maximum of 65535"):
        env_int("X_INT", 1, maximum=65535)


def test_env_float(monkeypatch):
    assert env_float("X_FLOAT", 0.5) == 0.5
    monkeypatch.setenv("X_FLOAT", "0.002")
    assert env_float("X_FLOAT", 1.0) == 0.002
    for bad, message in (
        ("a bit", "not a number"),
        ("nan", "not a finite number"),
        ("inf", "not a finite number"),
        ("-1", "below the minimum"),
        ("2", "above the maximum of 1"),
    ):
        monkeypatch.setenv("X_FLOAT", bad)
        with pytest.raises(ImproperlyConfigured, match=message):
            env_float("X_FLOAT", 0.5, maximum=1.0)


def test_env_list_and_rate(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " a.example , b.example ,")
    assert env_list("X_HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("X_RATE", "10/minute")
    assert env_rate("X_RATE", "1/day") == "10/minute"
    monkeypatch.setenv("X_RATE", "lots")
    with pytest.raises(ImproperlyConfigured, match="X_RATE"):
        env_rate("X_RATE", "1/day")


@pytest.mark.parametrize("raw", ["smtp.example.com", "10.0.0.5", "::1", ""])
def test_env_host(monkeypatch, raw):
    monkeypatch.setenv("X_HOST", raw)
    assert env_host("X_HOST", "") == raw


@pytest.mark.parametrize("raw", ["smtp.example.com:587", "smtp://smtp.example.com", "smtp example.com"])
def test_env_host_refuses_a_port_a_scheme_or_spaces(monkeypatch, raw):
    monkeypatch.setenv("X_HOST", raw)
    with pytest.raises(ImproperlyConfigured, match="X_HOST"):
        env_host("X_HOST", "")


def test_env_email(monkeypatch):
    monkeypatch.setenv("X_FROM", "Digits <noreply@digits.example.com>")
    assert env_email("X_FROM", "a@localhost") == "Digits <noreply@digits.example.com>"
    monkeypatch.setenv("X_FROM", "noreply@digits.example.com")
    assert env_email("X_FROM", "a@localhost") == "noreply@digits.example.com"
    for bad in ("noreply", "Digits <noreply>", "@example.com"):
        monkeypatch.setenv("X_FROM", bad)
        with pytest.raises(ImproperlyConfigured, match="X_FROM"):
            env_email("X_FROM", "a@localhost")


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py in a process of its own, with none of the site's variables but ``env``."""
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "EMAIL_", "DEFAULT_FROM_EMAIL"))
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def server(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py as a server would run it: DEBUG off, a secret key, and ``env`` on top."""
    return manage(*args, **{"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), **env})


# --- The secret key -------------------------------------------------------------------


def test_without_debug_a_missing_secret_key_stops_start_up():
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    # DEBUG off is the default: the same without saying so.
    result = manage("check")
    assert result.returncode != 0 and "DJANGO_SECRET_KEY is not set" in result.stderr


def test_with_debug_the_checkout_makes_its_own_key():
    result = manage(
        "shell", "-c", "from django.conf import settings; print(len(settings.SECRET_KEY))", DJANGO_DEBUG="1"
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) >= 50
    assert (ROOT / ".secret_key").stat().st_mode & 0o077 == 0  # only its owner can read it


def test_the_makefile_passes_its_key_to_every_local_run(tmp_path):
    """`make serve` runs with DEBUG off: the Makefile makes .secret_key once and exports it."""
    (tmp_path / "Makefile").write_text((ROOT / "Makefile").read_text())
    show = ["make", "--no-print-directory", "-C", str(tmp_path), "--eval", "show: ; @echo $$DJANGO_SECRET_KEY", "show"]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    first = subprocess.run(show, env=env, capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    assert len(first) >= 50 and (tmp_path / ".secret_key").read_text().strip() == first
    assert (tmp_path / ".secret_key").stat().st_mode & 0o077 == 0
    again = subprocess.run(show, env=env, capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    assert again == first  # made once, then kept
    given = subprocess.run(
        show,
        env={**env, "DJANGO_SECRET_KEY": "from-the-environment"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    assert given == "from-the-environment"


# --- HTTPS ----------------------------------------------------------------------------------

HSTS_SETTINGS = (
    "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, "
    "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, sep='|')"
)


def test_hsts_leaves_subdomains_and_preloading_alone_unless_asked():
    result = server("shell", "-c", HSTS_SETTINGS, DJANGO_HTTPS="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "31536000|False|False"
    result = server(
        "shell", "-c", HSTS_SETTINGS, DJANGO_HTTPS="1", DJANGO_HSTS_INCLUDE_SUBDOMAINS="1", DJANGO_HSTS_PRELOAD="1"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "31536000|True|True"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DJANGO_HSTS_PRELOAD": "1"}, "DJANGO_HSTS_PRELOAD=1 needs DJANGO_HSTS_INCLUDE_SUBDOMAINS=1"),
        ({"DJANGO_HSTS_PRELOAD": "please"}, "DJANGO_HSTS_PRELOAD='please'"),
        ({"DJANGO_HSTS_INCLUDE_SUBDOMAINS": "all"}, "DJANGO_HSTS_INCLUDE_SUBDOMAINS='all'"),
    ],
)
def test_bad_hsts_settings_stop_start_up(env, named):
    result = server("check", DJANGO_HTTPS="1", **env)
    assert result.returncode != 0
    assert named in result.stderr


def test_check_deploy_is_clean_in_production_mode():
    result = server(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_HTTPS="1",
        DJANGO_ALLOWED_HOSTS="digits.example.com",
        EMAIL_HOST="smtp.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_that_reset_links_would_go_to_the_console():
    result = server(
        "check", "--deploy", "--fail-level", "WARNING", DJANGO_HTTPS="1", DJANGO_ALLOWED_HOSTS="digits.example.com"
    )
    assert result.returncode != 0
    assert "accounts.W001" in result.stderr + result.stdout
    assert "EMAIL_HOST" in result.stderr + result.stdout


def test_check_deploy_warns_without_https():
    result = server("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout


def test_bad_environment_stops_start_up():
    result = manage("check", DJANGO_DEBUG="sometimes")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='sometimes'" in result.stderr


EMAIL_SETTINGS = (
    "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, "
    "s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL, sep='|')"
)


def test_email_goes_to_the_console_without_a_mail_server():
    result = server("shell", "-c", EMAIL_SETTINGS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split("|")[0] == "django.core.mail.backends.console.EmailBackend"


def test_email_goes_through_smtp_as_the_environment_says():
    result = server(
        "shell",
        "-c",
        EMAIL_SETTINGS,
        EMAIL_HOST="smtp.example.com",
        EMAIL_PORT="465",
        EMAIL_HOST_USER="digits",
        EMAIL_HOST_PASSWORD="s3cret",
        EMAIL_USE_TLS="0",
        DEFAULT_FROM_EMAIL="Digits <noreply@digits.example.com>",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split("|") == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.com",
        "465",
        "digits",
        "s3cret",
        "False",
        "Digits <noreply@digits.example.com>",
    ]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": "submission"}, "EMAIL_PORT='submission'"),
        ({"EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": "0"}, "EMAIL_PORT=0"),
        ({"EMAIL_HOST": "smtp.example.com", "EMAIL_USE_TLS": "sometimes"}, "EMAIL_USE_TLS='sometimes'"),
        ({"EMAIL_HOST": "smtp.example.com:587"}, "EMAIL_HOST='smtp.example.com:587'"),
        ({"DEFAULT_FROM_EMAIL": "noreply"}, "DEFAULT_FROM_EMAIL='noreply'"),
        ({"EMAIL_HOST_USER": "digits"}, "EMAIL_HOST_USER set without EMAIL_HOST"),
    ],
)
def test_bad_email_settings_stop_start_up(env, named):
    result = server("check", **env)
    assert result.returncode != 0
    assert named in result.stderr
