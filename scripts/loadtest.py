"""Load test of POST /api/v1/predictions/ against a running server on this machine.

    python -m scripts.loadtest --url http://127.0.0.1:8000 --token KEY --concurrency 8 --seconds 30
    python -m scripts.loadtest --url http://127.0.0.1:8000 --username ann --password ... [--multi]

Each client thread keeps one HTTP connection open (re-opened when the server
closes it, as gunicorn's sync workers do after every response) and posts real
canvas PNGs, drawn with Pillow at start, one after another. The run stops after
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

from PIL import Image, ImageDraw

PATH = "/api/v1/predictions/"
TOKEN_PATH = "/api/v1/auth/token/"
MAX_SECONDS = 600
MAX_CONCURRENCY = 64
MAX_FAILURES_IN_A_ROW = 10  # connection errors after which a client thread gives up

# Digit strokes in a unit box (x right, y down); each digit is a list of polylines.
# Plain shapes as people draw them on a canvas; "0" and "8" also use ellipses.
STROKES: dict[str, list[list[tuple[float, float]]]] = {
    "1": [[(0.3, 0.18), (0.55, 0.0), (0.55, 1.0)]],
    "2": [[(0.08, 0.25), (0.2, 0.07), (0.45, 0.0), (0.72, 0.06), (0.84, 0.24), (0.78, 0.44),
           (0.5, 0.7), (0.08, 1.0), (0.92, 1.0)]],
    "3": [[(0.1, 0.1), (0.35, 0.0), (0.65, 0.02), (0.8, 0.18), (0.74, 0.38), (0.42, 0.48)],
          [(0.42, 0.48), (0.75, 0.57), (0.88, 0.75), (0.78, 0.93), (0.5, 1.0), (0.12, 0.92)]],
    "4": [[(0.62, 1.0), (0.62, 0.0), (0.05, 0.66), (0.95, 0.66)]],
    "5": [[(0.85, 0.0), (0.22, 0.0), (0.16, 0.45), (0.48, 0.38), (0.78, 0.5), (0.86, 0.73),
           (0.72, 0.94), (0.42, 1.0), (0.12, 0.9)]],
    "6": [[(0.7, 0.0), (0.35, 0.28), (0.16, 0.62), (0.2, 0.88), (0.45, 1.0), (0.74, 0.92),
           (0.82, 0.7), (0.66, 0.52), (0.38, 0.52), (0.18, 0.68)]],
    "7": [[(0.05, 0.0), (0.95, 0.0), (0.4, 1.0)]],
    "9": [[(0.8, 0.22), (0.62, 0.02), (0.32, 0.02), (0.15, 0.2), (0.22, 0.42), (0.5, 0.48),
           (0.8, 0.3), (0.8, 0.22), (0.75, 1.0)]],
}
ELLIPSES: dict[str, list[tuple[float, float, float, float]]] = {
    "0": [(0.1, 0.0, 0.9, 1.0)],
    "8": [(0.2, 0.0, 0.8, 0.47), (0.12, 0.47, 0.88, 1.0)],
}
DIGITS = "0123456789"


def draw_digit(draw: ImageDraw.ImageDraw, digit: str, box: tuple[float, float, float, float],
               width: int, ink: int | tuple = 0) -> None:
    """Draw one digit as strokes inside box = (left, top, right, bottom)."""
    left, top, right, bottom = box
    w, h = right - left, bottom - top

    def at(x: float, y: float) -> tuple[float, float]:
        return left + x * w, top + y * h

    for line in STROKES.get(digit, []):
        points = [at(x, y) for x, y in line]
        draw.line(points, fill=ink, width=width, joint="curve")
        r = width / 2  # round pen ends, as a canvas brush draws them
        for x, y in (points[0], points[-1]):
            draw.ellipse((x - r, y - r, x + r, y + r), fill=ink)
    for x0, y0, x1, y1 in ELLIPSES.get(digit, []):
        draw.ellipse((*at(x0, y0), *at(x1, y1)), outline=ink, width=width)


def canvas_png(digits: str, *, size: tuple[int, int] | None = None, brush: int = 18) -> bytes:
    """A drawing page's export: black ink on an opaque white canvas, 280 px high per digit."""
    cell = 280
    width, height = size or (cell * len(digits), cell)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    step = width / len(digits)
    for i, digit in enumerate(digits):
        margin_x, margin_y = step * 0.28, height * 0.18
        draw_digit(draw, digit, (i * step + margin_x, margin_y, (i + 1) * step - margin_x, height - margin_y), brush)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- The client -----------------------------------------------------------------------


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: Counter = field(default_factory=Counter)  # status (or exception name) -> count
    lock: threading.Lock = field(default_factory=threading.Lock)


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
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        sys.exit(f"{host} is not a loopback address: this load test only runs against this machine.")


def fetch_token(host: str, port: int, username: str, password: str) -> str:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("POST", TOKEN_PATH, body=json.dumps({"username": username, "password": password}),
                 headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    data = json.loads(response.read() or b"{}")
    conn.close()
    if response.status != 200:
        sys.exit(f"could not get a token ({response.status}): {data.get('detail', data)}")
    return data["token"]


def client(host: str, port: int, headers: dict, bodies: list[tuple[bytes, str]], deadline: float,
           budget: "Budget", results: Results, record: bool) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    latencies, errors, i, failures_in_a_row = [], Counter(), 0, 0
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


def run(host: str, port: int, token: str, *, concurrency: int, seconds: float, requests: int, multi: bool,
        warmup: int) -> tuple[Results, float]:
    if multi:
        pictures = [canvas_png(d) for d in ("407", "1234", "95", "386", "2710")]
    else:
        pictures = [canvas_png(d, brush=b) for d, b in zip(DIGITS, (16, 18, 20, 22, 24, 17, 19, 21, 23, 18))]
    bodies = [multipart(png, multi=multi) for png in pictures]
    headers = {"Authorization": f"Token {token}", "Accept": "application/json", "Connection": "keep-alive"}

    if warmup:  # every worker loads its model and opens its files before the clock starts
        threads = [threading.Thread(target=client, args=(host, port, headers, bodies, time.monotonic() + 30,
                                                        Budget(max(1, warmup // concurrency)), Results(), False))
                   for _ in range(concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    results = Results()
    budget = Budget(requests)
    started = time.monotonic()
    deadline = started + seconds
    threads = [threading.Thread(target=client, args=(host, port, headers, bodies, deadline, budget, results, True),
                                daemon=True)
               for _ in range(concurrency)]
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

    results, elapsed = run(host, port, token, concurrency=args.concurrency, seconds=args.seconds,
                           requests=args.requests, multi=args.multi, warmup=args.warmup)
    latencies = sorted(results.latencies)
    done = len(latencies) + sum(results.errors.values())
    print(f"{args.url}{PATH}  concurrency {args.concurrency}  {'multi' if args.multi else 'single digit'}  "
          f"{elapsed:.1f} s")
    print(f"requests: {done}  ok: {len(latencies)}  errors: {sum(results.errors.values())}"
          + (f"  ({', '.join(f'{k}: {v}' for k, v in sorted(results.errors.items(), key=str))})"
             if results.errors else ""))
    print(f"requests/s: {len(latencies) / elapsed:.1f}")
    if latencies:
        print("latency ms: " + "  ".join(f"p{p} {percentile(latencies, p) * 1000:.1f}" for p in (50, 95, 99))
              + f"  max {latencies[-1] * 1000:.1f}")
    return 1 if results.errors or not latencies else 0


if __name__ == "__main__":
    sys.exit(main())
