"""The rehearsal's load through nginx: clients posting canvas PNGs, slowloris connections that never
finish a request, and /healthz timed meanwhile."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter

from benchmarks.pictures import digits_png
from scripts.loadtest import as_canvas_export, multipart
from scripts.rehearsal_servers import request

SLOWLORIS = 20
MAX_REQUESTS = 20_000


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
