"""Two app-server processes follow a promotion and a rollback without a restart."""

from __future__ import annotations

import json
import time
import urllib.request

from ml.model import read_card
from tests.servers import gunicorn, manage, site_env

MAKE_CANDIDATE = """
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from tests.learning.conftest import stored_version
user = User.objects.create_user("ops", password="a-Long-enough-passw0rd")
stored_version("digits-candidate", mnist_accuracy=0.999)
print(Token.objects.create(user=user).key)
"""


def model_version(url: str, token: str) -> str:
    request = urllib.request.Request(f"{url}/api/v1/model/", headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["version"]


def wait_for(urls: list[str], token: str, version: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        seen = [model_version(url, token) for url in urls]
        if seen == [version] * len(urls):
            return
        assert time.monotonic() < deadline, f"serving {seen}, not {version}"
        time.sleep(0.3)


def test_two_app_servers_switch_versions_without_a_restart(tmp_path):
    env = site_env(tmp_path)
    manage(env, "migrate", "--noinput")
    token = manage(env, "shell", "-c", MAKE_CANDIDATE).strip().splitlines()[-1]
    committed = read_card()["version"]
    with gunicorn(env, tmp_path / "one.log") as one, gunicorn(env, tmp_path / "two.log") as two:
        assert [model_version(one, token), model_version(two, token)] == [committed, committed]
        manage(env, "promote_model", "digits-candidate")
        wait_for([one, two], token, "digits-candidate")
        health = json.load(urllib.request.urlopen(f"{one}/healthz", timeout=10))
        assert health["model"] == "digits-candidate"
        manage(env, "rollback_model")
        wait_for([one, two], token, committed)
