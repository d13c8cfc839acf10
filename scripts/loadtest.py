"""Load test of POST /api/v1/predictions/ against a running server on this machine.

    python -m scripts.loadtest --url http://127.0.0.1:8000 --token KEY --concurrency 8 --seconds 30
    python -m scripts.loadtest --url http://127.0.0.1:8000 --username ann --password ... [--multi]

Each client thread keeps one HTTP connection open (re-opened when the server
closes it, as gunicorn's sync workers do after every response) and posts real
PNGs as the drawing page sends them (benchmarks.pictures.digits_png drawings, exported
RGBA like a browser canvas) one after another. The run stops after
--seconds or --requests, whichever comes first, and prints requests per
second, latency percentiles and the errors by status. Only loopback addresses
are accepted: this is a benchmark of one's own server, not a traffic generator.
"""

from __future__ import annotations

import argparse
import http.client
import io
import ipaddress
import json
import math
import socket
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from PIL import Image

from benchmarks.pictures import digits_png

PATH = "/api/v1/predictions/"
TOKEN_PATH = "/api/v1/auth/token/"
MAX_SECONDS = 600
MAX_CONCURRENCY = 64
MAX_FAILURES_IN_A_ROW = 10  # connection errors after which a client thread gives up

# --- The client -----------------------------------------------------------------------


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: Counter = field(default_factory=Counter)  # status (or exception name) -> count
    lock: threading.Lock = field(default_factory=threading.Lock)


def as_canvas_export(png: bytes) -> bytes:
    """The picture as a browser canvas exports it (canvas.toBlob): an RGBA PNG."""
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGBA").save(out, format="PNG")
    return out.getvalue()


def multipart(png: bytes, *, multi: bool) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="multi"\r\n\r\n{"true" if multi else "false"}\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\napi\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="canvas.png"\r\n'
        "Content-Type: image/png\r\n\r\n",
    ]
    body = "".join(parts).encode() + png + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def loopback_only(host: str) -> None:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror as exc:
        sys.exit(f"cannot resolve {host}: {exc}")
    if not addresses or not all(ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in addresses):
        sys.exit(f"{host} is not a loopback address: this load test only runs against this machine.")


def fetch_token(host: str, port: int, username: str, password: str) -> str:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request(
        "POST",
        TOKEN_PATH,
        body=json.dumps({"username": username, "password": password}),
        headers={"Content-Type": "application/json"},
    )
    response = conn.getresponse()
    data = json.loads(response.read() or b"{}")
    conn.close()
    if response.status != 200:
        sys.exit(f"could not get a token ({response.status}): {data.get('detail', data)}")
    return data["token"]


def client(
    host: str,
    port: int,
    headers: dict,
    bodies: list[tuple[bytes, str]],
    deadline: float,
    budget: Budget,
    results: Results,
    record: bool,
) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    latencies: list[float] = []
    errors: Counter[str | int] = Counter()  # by exception name or HTTP status
    i, failures_in_a_row = 0, 0
    while time.monotonic() < deadline and failures_in_a_row < MAX_FAILURES_IN_A_ROW and budget.take():
        body, content_type = bodies[i % len(bodies)]
        i += 1
        started = time.perf_counter()
        try:
            conn.request("POST", PATH, body=body, headers={**headers, "Content-Type": content_type})
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            conn.close()  # re-opened by the next request
            errors[type(exc).__name__] += 1
            failures_in_a_row += 1  # a server that is down is not hammered until the deadline
            continue
        failures_in_a_row = 0
        elapsed = time.perf_counter() - started
        if status == 201:
            latencies.append(elapsed)
        else:
            errors[status] += 1
    conn.close()
    if record:
        with results.lock:
            results.latencies.extend(latencies)
            results.errors.update(errors)


class Budget:
    """At most `total` requests, shared by the threads."""

    def __init__(self, total: int):
        self.left = total
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), math.ceil(p / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


def run(
    host: str, port: int, token: str, *, concurrency: int, seconds: float, requests: int, multi: bool, warmup: int
) -> tuple[Results, float]:
    if multi:
        pictures = [digits_png(d) for d in ("407", "1234", "95", "386", "2710")]
    else:
        brushes = (16, 18, 20, 22, 24, 17, 19, 21, 23, 18)
        pictures = [digits_png(d, brush=b) for d, b in zip("0123456789", brushes, strict=True)]
    bodies = [multipart(as_canvas_export(png), multi=multi) for png in pictures]
    headers = {"Authorization": f"Token {token}", "Accept": "application/json", "Connection": "keep-alive"}

    if warmup:  # every worker loads its model and opens its files before the clock starts
        threads = [
            threading.Thread(
                target=client,
                args=(
                    host,
                    port,
                    headers,
                    bodies,
                    time.monotonic() + 30,
                    Budget(max(1, warmup // concurrency)),
                    Results(),
                    False,
                ),
            )
            for _ in range(concurrency)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    results = Results()
    budget = Budget(requests)
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(
            target=client, args=(host, port, headers, bodies, deadline, budget, results, True), daemon=True
        )
        for _ in range(concurrency)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.loadtest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the server, on this machine")
    parser.add_argument("--token", help="an API token (or --username and --password to get one)")
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument("--concurrency", type=int, default=8, help="clients posting at the same time")
    parser.add_argument("--seconds", type=float, default=30, help=f"how long to run (at most {MAX_SECONDS})")
    parser.add_argument("--requests", type=int, default=100_000, help="stop after this many requests")
    parser.add_argument("--warmup", type=int, default=20, help="requests sent first and not counted")
    parser.add_argument("--multi", action="store_true", help="post lines of several digits with multi=true")
    args = parser.parse_args(argv)

    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        parser.error(f"--concurrency must be 1 to {MAX_CONCURRENCY}")
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be more than 0 and at most {MAX_SECONDS}")
    if args.requests < 1:
        parser.error("--requests must be at least 1")
    url = urlsplit(args.url)
    if url.scheme != "http" or not url.hostname:
        parser.error("--url must be like http://127.0.0.1:8000")
    host, port = url.hostname, url.port or 80
    loopback_only(host)
    token = args.token
    if not token:
        if not (args.username and args.password):
            parser.error("give --token, or --username and --password")
        token = fetch_token(host, port, args.username, args.password)

    results, elapsed = run(
        host,
        port,
        token,
        concurrency=args.concurrency,
        seconds=args.seconds,
        requests=args.requests,
        multi=args.multi,
        warmup=args.warmup,
    )
    return report(args, results, elapsed)


def report(args: argparse.Namespace, results: Results, elapsed: float) -> int:
    """Print what the run measured; the exit code is 1 when any request failed or none succeeded."""
    latencies = sorted(results.latencies)
    done = len(latencies) + sum(results.errors.values())
    print(
        f"{args.url}{PATH}  concurrency {args.concurrency}  {'multi' if args.multi else 'single digit'}  "
        f"{elapsed:.1f} s"
    )
    print(
        f"requests: {done}  ok: {len(latencies)}  errors: {sum(results.errors.values())}"
        + (
            f"  ({', '.join(f'{k}: {v}' for k, v in sorted(results.errors.items(), key=str))})"
            if results.errors
            else ""
        )
    )
    print(f"requests/s: {len(latencies) / elapsed:.1f}")
    if latencies:
        print(
            "latency ms: "
            + "  ".join(f"p{p} {percentile(latencies, p) * 1000:.1f}" for p in (50, 95, 99))
            + f"  max {latencies[-1] * 1000:.1f}"
        )
    return 1 if results.errors or not latencies else 0


if __name__ == "__main__":
    sys.exit(main())
