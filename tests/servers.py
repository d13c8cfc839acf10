"""Real servers for the tests that need more than one process: gunicorn as `make serve` runs it,
and manage.py commands, all against one SQLite file and one MEDIA_ROOT in a temporary folder."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def site_env(folder: Path, **extra: str) -> dict[str, str]:
    """A production-like site in ``folder``: DEBUG off, its own key, database, pictures and static manifest."""
    static = folder / "static"
    static.mkdir(exist_ok=True)
    # Without a static manifest the web process refuses to start; these servers answer JSON only.
    (static / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "servers-" + "k" * 50,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "DJANGO_STATIC_ROOT": str(static),
        "MODEL_CACHE_DIR": str(folder / "models"),
        **extra,
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


# The start of a script run by without_database(): Django set up, and ``client``, a test client,
# once the process has its model (/healthz is 200).
_CLIENT_WITH_ITS_MODEL = """
import time, django
django.setup()
from django.test import Client
client = Client(SERVER_NAME="localhost")
deadline = time.monotonic() + 60
while client.get("/healthz").status_code != 200 and time.monotonic() < deadline:
    time.sleep(0.05)
"""


def without_database(folder: Path, script: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``script`` in a Python process of its own whose database cannot be opened (its folder in
    ``folder`` does not exist), after the lines that give it ``client``; it must end well."""
    result = subprocess.run(
        [sys.executable, "-c", _CLIENT_WITH_ITS_MODEL + script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{folder / 'no-such-folder' / 'db.sqlite3'}",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str, path: str = "/healthz") -> bool:
    parts = urlsplit(url)
    assert parts.hostname, url
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def gunicorn(env: dict[str, str], log: Path, workers: int = 1):
    """gunicorn with config/gunicorn.py on a free port of 127.0.0.1; yields its URL once /healthz is 200."""
    port = free_port()
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "--config",
                "config/gunicorn.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not answers(url):
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
