"""The production shape on this one machine, under load and a crash, then a JSON summary.

    python -m scripts.rehearsal [--seconds 30]        (make rehearsal)

PostgreSQL (a throw-away database on 127.0.0.1:5432: the machine's, or Debian's
started as .ci/run starts it), Redis (the machine's, or one started here), two
app servers (gunicorn as `make serve` runs it, separate processes on separate
ports, sharing MEDIA_ROOT) and Debian's nginx in front
(deploy/nginx.conf). Then, for --seconds:

- clients post canvas PNGs through nginx with the tokens of several people,
  while 20 slowloris connections hold sockets open to nginx and /healthz is
  timed through nginx every half second;
- one app server is killed (by its pid) a third of the way in and started
  again a third later.

Afterwards: every 201 must have exactly one row and one file, and no row or
file may exist without an answer, beyond the requests in flight on the killed
server; a person over their reading rate is refused on either server. Only
127.0.0.1 is ever sent to, and the run is bounded in time and requests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ml.synth import digits_png
from scripts.loadtest import as_canvas_export, multipart, percentile

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PEOPLE = 4
CLIENTS = 8
SLOWLORIS = 20
READING_RATE = 20  # per minute, for the rate check (the load itself stays far below the person's API rate)
MAX_REQUESTS = 20_000


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


# --- The services -------------------------------------------------------------------------


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


# --- Traffic -------------------------------------------------------------------------------


class Traffic:
    def __init__(self, port: int, tokens: list[str], deadline: float):
        self.port, self.tokens, self.deadline = port, tokens, deadline
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: Counter = Counter()
        self.created: list[int] = []  # ids of the 201s
        self.sent = 0
        pictures = [digits_png(d) for d in "0123456789"]
        self.bodies = [multipart(as_canvas_export(p), multi=False) for p in pictures]

    def client(self, n: int) -> None:
        headers = {"Authorization": f"Token {self.tokens[n % len(self.tokens)]}", "Accept": "application/json"}
        i = 0
        while time.monotonic() < self.deadline:
            with self.lock:
                if self.sent >= MAX_REQUESTS:
                    return
                self.sent += 1
            body, content_type = self.bodies[(n + i) % len(self.bodies)]
            i += 1
            started = time.perf_counter()
            try:
                status, data = request(
                    self.port, "POST", "/api/v1/predictions/", body, {**headers, "Content-Type": content_type}
                )
            except OSError as exc:
                with self.lock:
                    self.errors[type(exc).__name__] += 1
                continue
            with self.lock:
                if status == 201:
                    self.latencies.append(time.perf_counter() - started)
                    self.created.append(json.loads(data)["id"])
                else:
                    self.errors[status] += 1


def slowloris(port: int, deadline: float, sockets: list) -> None:
    """Connections that send half a request and then a header line now and then, never finishing."""
    for _ in range(SLOWLORIS):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"POST /api/v1/predictions/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n")
        sockets.append(s)
    while time.monotonic() < deadline:
        for s in list(sockets):
            try:
                s.sendall(b"X-Slow: 1\r\n")
            except OSError:
                sockets.remove(s)  # nginx dropped it (client_header_timeout): open another
                try:
                    fresh = socket.create_connection(("127.0.0.1", port), timeout=5)
                    fresh.sendall(b"POST /api/v1/predictions/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    sockets.append(fresh)
                except OSError:
                    pass
        time.sleep(2)


def health_times(port: int, deadline: float, out: list) -> None:
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            status = request(port, "GET", "/healthz", timeout=10)[0]
        except OSError:
            status = 0
        out.append((status, time.perf_counter() - started))
        time.sleep(0.5)


# --- The run ---------------------------------------------------------------------------------


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


PEOPLE_AND_TOKENS = """
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
for i in range({n}):
    user = User.objects.create_user(f"person{{i}}", password="a-Long-enough-passw0rd-{{i}}")
    print("TOKEN", Token.objects.create(user=user).key)
"""

STORED = """
import json
from recognizer.models import Prediction
print("ROWS", json.dumps([[p.pk, p.image.name] for p in Prediction.objects.all()]))
"""


def rehearse(seconds: float) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="digits-rehearsal-"))
    db, drop_db = database_url()
    redis, redis_server = redis_url(folder)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": db,
        "REDIS_URL": redis,
        "MEDIA_ROOT": str(folder / "media"),
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "MODEL_CACHE_DIR": str(folder / "models"),
        "DJANGO_NUM_PROXIES": "1",
        "API_THROTTLE_USER": "100000/minute",
        "API_THROTTLE_READING": f"{READING_RATE}/minute",
    }
    servers: list[AppServer] = []
    nginx = None
    try:
        subprocess.run(["redis-cli", "-u", redis, "flushdb"], capture_output=True)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        tokens = marked(manage(env, "shell", "-c", PEOPLE_AND_TOKENS.format(n=PEOPLE + 1)), "TOKEN")
        servers = [AppServer(env, folder, "app1"), AppServer(env, folder, "app2")]
        for server in servers:
            server.start()
        listen = free_port()
        nginx = subprocess.Popen(
            [nginx_binary(), "-c", str(nginx_config(folder, listen, servers)), "-g", "daemon off;"],
            stderr=subprocess.STDOUT,
            stdout=(folder / "nginx.out").open("w"),
        )
        wait_until(lambda: answers(listen, "/healthz"), 20, "nginx answering")

        started = time.monotonic()
        deadline = started + seconds
        traffic = Traffic(listen, tokens[:PEOPLE], deadline)
        health: list = []
        held: list = []
        threads = [threading.Thread(target=traffic.client, args=(n,)) for n in range(CLIENTS)]
        threads += [
            threading.Thread(target=slowloris, args=(listen, deadline, held)),
            threading.Thread(target=health_times, args=(listen, deadline, health)),
        ]
        for t in threads:
            t.start()
        time.sleep(seconds / 3)
        victim = servers[0]
        killed_at = round(time.monotonic() - started, 1)
        victim.kill()
        time.sleep(seconds / 3)
        victim.start()
        restarted_at = round(time.monotonic() - started, 1)
        for t in threads:
            t.join()
        slow_open = len(held)
        for s in held:
            s.close()

        # A person over their reading rate, asked on either server (through nginx's header).
        reader = {"Authorization": f"Token {tokens[PEOPLE]}", "X-Forwarded-For": "10.0.0.9"}
        body, content_type = traffic.bodies[7]
        statuses = [
            request(servers[i % 2].port, "POST", "/api/v1/readings/", body, {**reader, "Content-Type": content_type})[0]
            for i in range(READING_RATE + 4)
        ]

        stored = json.loads(marked(manage(env, "shell", "-c", STORED), "ROWS")[0])
        rows = dict(stored)
        media = folder / "media"
        files = {str(p.relative_to(media)) for p in media.rglob("*.png")} if media.exists() else set()
        created = traffic.created
        latencies = sorted(traffic.latencies)
        duplicated = len(created) - len(set(created))
        answered_without_row = [pk for pk in created if pk not in rows]
        rows_without_answer = [pk for pk in rows if pk not in set(created)]
        rows_without_file = [pk for pk, name in rows.items() if name not in files]
        files_without_row = sorted(files - set(rows.values()))
        # The requests in flight on the killed server fail (nginx never sends a POST twice): each client
        # has at most one request in flight, and a failure is a 502 from nginx or a dropped connection.
        failures = sum(traffic.errors.values())
        allowed = all(k == 502 or not isinstance(k, int) for k in traffic.errors)
        worst_health = max((t for _, t in health), default=None)
        rate_check = {
            "limit_per_minute": READING_RATE,
            "allowed": statuses.count(200),
            "refused_429": statuses.count(429),
            "refused_on_both_servers": {servers[i % 2].port for i, s in enumerate(statuses) if s == 429}
            == {s.port for s in servers},
        }
        summary = {
            "seconds": seconds,
            "clients": CLIENTS,
            "people": PEOPLE,
            "slowloris_connections": SLOWLORIS,
            "slowloris_still_open_at_the_end": slow_open,
            "killed_app_server_at_s": killed_at,
            "restarted_at_s": restarted_at,
            "requests": len(created) + sum(traffic.errors.values()),
            "created_201": len(created),
            "errors": {str(k): v for k, v in sorted(traffic.errors.items(), key=str)},
            "failures_allowed": f"at most {CLIENTS}, the requests in flight on the killed server (502 or dropped)",
            "requests_per_s": round(len(created) / seconds, 1),
            "p50_ms": round(percentile(latencies, 50) * 1000, 1) if latencies else None,
            "p99_ms": round(percentile(latencies, 99) * 1000, 1) if latencies else None,
            "healthz_through_nginx_worst_ms": round(worst_health * 1000, 1) if worst_health else None,
            "healthz_not_200": sum(1 for status, _ in health if status != 200),
            "rows": len(rows),
            "files": len(files),
            "duplicated_201": duplicated,
            "201_without_row": len(answered_without_row),
            "rows_without_201": len(rows_without_answer),
            "rows_without_file": len(rows_without_file),
            "files_without_row": len(files_without_row),
            "reading_rate_check": rate_check,
        }
        summary["passed"] = bool(
            created
            and duplicated == 0
            and not answered_without_row
            and not rows_without_file
            and failures <= CLIENTS
            and allowed
            and len(rows_without_answer) <= failures
            and len(files_without_row) <= failures
            and worst_health is not None
            and worst_health < 1.0
            and summary["healthz_not_200"] == 0
            and rate_check["allowed"] == READING_RATE
            and rate_check["refused_on_both_servers"]
        )
        return summary
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        for server in servers:
            server.stop()
        if redis_server is not None:
            redis_server.terminate()
        drop_db()
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.rehearsal", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="how long the load runs (10 to 120)")
    args = parser.parse_args(argv)
    if not 10 <= args.seconds <= 120:
        parser.error("--seconds must be 10 to 120")
    summary = rehearse(args.seconds)
    print(json.dumps(summary, indent=2))
    return 0 if summary["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
