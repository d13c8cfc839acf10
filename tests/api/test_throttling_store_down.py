"""A count store that is down (a Redis refusing connections or never answering, an unreachable
database): the rate limits step aside, logged, and the API still answers."""

from __future__ import annotations

import logging
import socket
import threading

import pytest
from django.test import override_settings

from config.settings import cache_settings
from tests.api.conftest import PREDICTIONS
from tests.servers import free_port, without_database


@pytest.fixture
def silent_server():
    """A 'Redis' that accepts connections and never answers a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.parametrize("server", ["closed port", "never answers"])
def test_a_redis_that_is_down_lets_the_api_answer_and_says_so_in_the_log(server, api, rates, caplog, request):
    # A free port is closed again once found: nothing listens there.
    port = free_port() if server == "closed port" else request.getfixturevalue("silent_server")
    url = f"redis://127.0.0.1:{port}/0"
    rates(user="1/minute")
    # What REDIS_URL makes of the count store and of the cache; only for these requests (the
    # fixtures clear the real cache afterwards).
    with (
        override_settings(REDIS_URL=url, CACHES=cache_settings(url, 0.25)),
        caplog.at_level(logging.WARNING, logger="restapi.throttling"),
    ):
        for _ in range(3):  # over the limit: the throttle fails open
            response = api.get(PREDICTIONS)  # redis-py would wait for ever without a timeout
            assert response.status_code == 200
        ready = api.get("/readyz")
    assert "count store is unavailable" in caplog.text
    assert ready.status_code == 503 and ready.json()["reason"] == "cache unavailable"


def test_without_the_database_a_visitors_live_reading_still_goes_through(tmp_path):
    """The counts are in the database when there is no Redis: with the database unreachable the
    rate limit steps aside (logged), and a visitor's reading, which needs nothing else from the
    database, is still answered."""
    script = """
import base64
from benchmarks.pictures import digits_png
picture = "data:image/png;base64," + base64.b64encode(digits_png("7")).decode()
response = client.post("/api/v1/readings/", {"image": picture}, content_type="application/json")
print(response.status_code, response.json().get("number"))
"""
    result = without_database(tmp_path, script, DJANGO_SETTINGS_MODULE="tests.settings", REDIS_URL="")
    assert result.stdout.splitlines()[-1] == "200 7"
    assert "rate limit reading not applied, the count store is unavailable" in result.stderr
