"""`python manage.py migrate` alone prepares a database completely: no createcachetable, no other step.

The throttle counts and the lock-outs have tables of their own, made by migrations;
the default cache keeps nothing shared (local memory, or Redis when REDIS_URL is set).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

AFTER_MIGRATE = """
import django
django.setup()
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

User.objects.create_user("olivia", "", "a-Long-enough-passw0rd")
cache.set("k", 1)
assert cache.get("k") == 1
page = Client(SERVER_NAME="localhost")
assert page.post("/accounts/login/", {"username": "olivia", "password": "wrong"}).status_code == 200
assert page.post("/accounts/login/", {"username": "olivia", "password": "a-Long-enough-passw0rd"}).status_code == 302
api = APIClient(SERVER_NAME="localhost")
token = api.post("/api/v1/auth/token/", {"username": "olivia", "password": "a-Long-enough-passw0rd"}, format="json")
assert token.status_code == 200, token.content
api.credentials(HTTP_AUTHORIZATION="Token " + token.json()["token"])
assert api.get("/api/v1/predictions/").status_code == 200
signup = Client(SERVER_NAME="localhost").post("/accounts/signup/", {"username": "nina", "email": "",
                                             "password1": "a-Long-enough-passw0rd",
                                             "password2": "a-Long-enough-passw0rd"})
assert signup.status_code == 302, signup.content
from axes.models import AccessAttempt
from throttles.models import ThrottleCount
assert AccessAttempt.objects.count() == 1 and ThrottleCount.objects.count() >= 2
print("served")
"""


def test_migrate_alone_prepares_the_database_for_log_ins_lock_outs_and_rate_limits(tmp_path):
    # Debug on: pages then need no collected static files (another step, which start-up checks).
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REDIS_URL": "",
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    served = subprocess.run(
        [sys.executable, "-c", AFTER_MIGRATE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert served.returncode == 0, served.stderr[-3000:]
    assert served.stdout.strip().endswith("served")


def test_the_makefile_runs_no_createcachetable():
    assert "createcachetable" not in (ROOT / "Makefile").read_text()
