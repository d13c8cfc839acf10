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
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from scripts.loadtest import percentile
from scripts.rehearsal_servers import (
    AppServer,
    answers,
    database_url,
    free_port,
    manage,
    nginx_binary,
    nginx_config,
    redis_url,
    request,
    wait_until,
)
from scripts.rehearsal_traffic import SLOWLORIS, Traffic, health_times, slowloris

PEOPLE = 4
CLIENTS = 8
READING_RATE = 20  # per minute, for the rate check (the load itself stays far below the person's API rate)


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


@dataclass
class Load:
    """What happened while the load ran: the clients' answers, /healthz's, and the crash's times."""

    traffic: Traffic
    health: list[tuple[int, float]]
    killed_at: float
    restarted_at: float
    slowloris_still_open: int


def rehearse(seconds: float) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="digits-rehearsal-"))
    db, drop_db = database_url()
    redis, redis_server = redis_url(folder)
    env = site_env(folder, db, redis)
    servers: list[AppServer] = []
    nginx = None
    try:
        tokens = prepare_site(env, redis)
        servers = [AppServer(env, folder, "app1"), AppServer(env, folder, "app2")]
        for server in servers:
            server.start()
        listen = free_port()
        nginx = start_nginx(folder, listen, servers)
        load = load_with_a_crash(listen, tokens[:PEOPLE], servers[0], seconds)
        body, content_type = load.traffic.bodies[7]
        statuses = over_the_reading_rate(servers, tokens[PEOPLE], body, content_type)
        rows = dict(json.loads(marked(manage(env, "shell", "-c", STORED), "ROWS")[0]))
        media = folder / "media"
        files = {str(p.relative_to(media)) for p in media.rglob("*.png")} if media.exists() else set()
        return summary(seconds, load, rate_check(statuses, servers), consistency(load.traffic.created, rows, files))
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


def site_env(folder: Path, db: str, redis: str) -> dict[str, str]:
    """Production settings, with the site's files in ``folder`` and the one trusted proxy, nginx."""
    return {
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


def prepare_site(env: dict[str, str], redis: str) -> list[str]:
    """An empty count store, the database and static files in place, and the tokens of the people."""
    subprocess.run(["redis-cli", "-u", redis, "flushdb"], capture_output=True)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    return marked(manage(env, "shell", "-c", PEOPLE_AND_TOKENS.format(n=PEOPLE + 1)), "TOKEN")


def start_nginx(folder: Path, listen: int, servers: list[AppServer]) -> subprocess.Popen:
    nginx = subprocess.Popen(
        [nginx_binary(), "-c", str(nginx_config(folder, listen, servers)), "-g", "daemon off;"],
        stderr=subprocess.STDOUT,
        stdout=(folder / "nginx.out").open("w"),
    )
    wait_until(lambda: answers(listen, "/healthz"), 20, "nginx answering")
    return nginx


def load_with_a_crash(listen: int, tokens: list[str], victim: AppServer, seconds: float) -> Load:
    """The load for ``seconds``; ``victim`` killed a third of the way in and started again a third later."""
    started = time.monotonic()
    deadline = started + seconds
    traffic = Traffic(listen, tokens, deadline)
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
    return Load(traffic, health, killed_at, restarted_at, slow_open)


def over_the_reading_rate(servers: list[AppServer], token: str, body: bytes, content_type: str) -> list[int]:
    """A person over their reading rate, asked on either server (through nginx's header): the statuses."""
    reader = {"Authorization": f"Token {token}", "X-Forwarded-For": "10.0.0.9"}
    return [
        request(servers[i % 2].port, "POST", "/api/v1/readings/", body, {**reader, "Content-Type": content_type})[0]
        for i in range(READING_RATE + 4)
    ]


def rate_check(statuses: list[int], servers: list[AppServer]) -> dict:
    return {
        "limit_per_minute": READING_RATE,
        "allowed": statuses.count(200),
        "refused_429": statuses.count(429),
        "refused_on_both_servers": {servers[i % 2].port for i, s in enumerate(statuses) if s == 429}
        == {s.port for s in servers},
    }


def consistency(created: list[int], rows: dict[int, str], files: set[str]) -> dict:
    """The 201s, the rows and the files matched against each other."""
    return {
        "rows": len(rows),
        "files": len(files),
        "duplicated_201": len(created) - len(set(created)),
        "201_without_row": len([pk for pk in created if pk not in rows]),
        "rows_without_201": len([pk for pk in rows if pk not in set(created)]),
        "rows_without_file": len([pk for pk, name in rows.items() if name not in files]),
        "files_without_row": len(files - set(rows.values())),
    }


def summary(seconds: float, load: Load, rate: dict, counts: dict) -> dict:
    traffic = load.traffic
    created, errors = traffic.created, traffic.errors
    latencies = sorted(traffic.latencies)
    worst_health = max((t for _, t in load.health), default=None)
    result = {
        "seconds": seconds,
        "clients": CLIENTS,
        "people": PEOPLE,
        "slowloris_connections": SLOWLORIS,
        "slowloris_still_open_at_the_end": load.slowloris_still_open,
        "killed_app_server_at_s": load.killed_at,
        "restarted_at_s": load.restarted_at,
        "requests": len(created) + sum(errors.values()),
        "created_201": len(created),
        "errors": {str(k): v for k, v in sorted(errors.items(), key=str)},
        "failures_allowed": f"at most {CLIENTS}, the requests in flight on the killed server (502 or dropped)",
        "requests_per_s": round(len(created) / seconds, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99) * 1000, 1) if latencies else None,
        "healthz_through_nginx_worst_ms": round(worst_health * 1000, 1) if worst_health else None,
        "healthz_not_200": sum(1 for status, _ in load.health if status != 200),
        **counts,
        "reading_rate_check": rate,
    }
    result["passed"] = passed(result, errors, worst_health)
    return result


def passed(summary: dict, errors: Counter, worst_health: float | None) -> bool:
    """Every 201 has one row and one file; nothing else failed but the requests in flight on the killed
    server (nginx never sends a POST twice: each client has at most one in flight, and it fails as a 502
    or a dropped connection), and at most that many rows or files lack an answer; /healthz stayed fast;
    the reading rate held on both servers."""
    failures = sum(errors.values())
    rate = summary["reading_rate_check"]
    return bool(
        summary["created_201"]
        and summary["duplicated_201"] == 0
        and summary["201_without_row"] == 0
        and summary["rows_without_file"] == 0
        and failures <= CLIENTS
        and all(k == 502 or not isinstance(k, int) for k in errors)
        and summary["rows_without_201"] <= failures
        and summary["files_without_row"] <= failures
        and worst_health is not None
        and worst_health < 1.0
        and summary["healthz_not_200"] == 0
        and rate["allowed"] == READING_RATE
        and rate["refused_on_both_servers"]
    )


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
