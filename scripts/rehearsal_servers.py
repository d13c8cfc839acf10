"""What the rehearsal starts on 127.0.0.1, and how it talks to it: a throw-away PostgreSQL database,
Redis, gunicorn app servers that can be killed, Debian's nginx in front, and manage.py."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 30
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_until(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"rehearsal: {what} did not happen within {seconds:.0f} s")
        time.sleep(0.2)


def answers(port: int, path: str = "/readyz") -> bool:
    try:
        return request(port, "GET", path, timeout=2)[0] == 200
    except OSError:
        return False


def database_url() -> tuple[str, Callable[[], object]]:
    """A throw-away PostgreSQL database, and how to drop it."""
    if subprocess.run([str(ROOT / "scripts" / "ensure_postgres.sh")]).returncode != 0:
        raise SystemExit("rehearsal: no PostgreSQL on 127.0.0.1:5432, and Debian's could not be started")
    name = f"digits_rehearsal_{os.getpid()}"
    env = {**os.environ, "PGHOST": "127.0.0.1", "PGUSER": "postgres"}
    subprocess.run(["createdb", name], env=env, check=True)
    return f"postgres://postgres@127.0.0.1:5432/{name}", lambda: subprocess.run(
        ["dropdb", "--if-exists", name], env=env, check=False
    )


def redis_url(folder: Path) -> tuple[str, subprocess.Popen | None]:
    if subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"], capture_output=True).returncode == 0:
        return "redis://127.0.0.1:6379/7", None
    if not shutil.which("redis-server"):
        raise SystemExit("rehearsal: no Redis on 127.0.0.1:6379 and no redis-server to start one")
    port = free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
    )
    wait_until(
        lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0,
        10,
        "Redis starting",
    )
    return f"redis://127.0.0.1:{port}/0", server


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light",
            shell=True,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return "/usr/sbin/nginx"
    raise SystemExit("rehearsal: Debian's nginx is not installed (apt-get install nginx-light), and this is not root")


class AppServer:
    def __init__(self, env: dict, folder: Path, name: str):
        self.env, self.log, self.port = env, folder / f"{name}.log", free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "config.wsgi",
                    "--config",
                    "config/gunicorn.py",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "1",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(lambda: answers(self.port), 60, f"app server on {self.port} getting ready")

    def kill(self) -> None:
        assert self.process is not None, "killed after start()"
        os.killpg(self.process.pid, signal.SIGKILL)  # master and worker: a machine that dies
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def nginx_config(folder: Path, listen: int, servers: list[AppServer]) -> Path:
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    upstreams = "\n".join(f"        server 127.0.0.1:{s.port} max_fails=1 fail_timeout=3s;" for s in servers)
    text = (
        text.replace("@USER@", "user root;" if os.geteuid() == 0 else "")
        .replace("@RUN@", str(folder))
        .replace("@LISTEN@", f"127.0.0.1:{listen}")
        .replace("@UPSTREAMS@", upstreams)
    )
    path = folder / "nginx.conf"
    path.write_text(text)
    return path


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise SystemExit(f"rehearsal: manage.py {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout


def marked(output: str, mark: str) -> list[str]:
    """The values a shell script printed after ``mark`` (other lines are the site's own log)."""
    return [line.split(" ", 1)[1] for line in output.splitlines() if line.startswith(mark + " ")]
