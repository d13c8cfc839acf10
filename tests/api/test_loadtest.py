"""The load-test script works end to end (a one-second run against a live server)."""

from __future__ import annotations

import pytest

from recognizer.models import Prediction
from scripts import loadtest


def test_percentiles():
    values = sorted(float(v) for v in range(1, 101))
    assert loadtest.percentile(values, 50) == 50
    assert loadtest.percentile(values, 95) == 95
    assert loadtest.percentile(values, 99) == 99
    assert loadtest.percentile([3.0], 99) == 3.0


def test_only_loopback_addresses_are_accepted():
    loadtest.loopback_only("127.0.0.1")
    loadtest.loopback_only("localhost")
    with pytest.raises(SystemExit, match="not a loopback address"):
        loadtest.loopback_only("192.0.2.1")


def test_the_arguments_are_bounded():
    for args in (
        ["--concurrency", "0"],
        ["--concurrency", "1000"],
        ["--seconds", "0"],
        ["--seconds", "3600"],
        ["--url", "https://127.0.0.1"],
        ["--requests", "0"],
    ):
        with pytest.raises(SystemExit):
            loadtest.main(["--token", "x", *args])


def signed_in_run(live_server, user, password, *args: str) -> int:
    """The script against the live server, signed in with a password, with one client: the test
    server shares one SQLite connection between its threads."""
    return loadtest.main(
        ["--url", live_server.url, "--username", user.username, "--password", password, "--concurrency", "1", *args]
    )


def test_a_short_run_posts_pictures_and_reports(live_server, owner, password, capsys, settings):
    # The run is stopped by its number of requests; the time limit is only a backstop.
    code = signed_in_run(live_server, owner, password, "--seconds", "300", "--requests", "12", "--warmup", "2")
    out = capsys.readouterr().out
    assert code == 0, out
    assert "requests: 12  ok: 12  errors: 0" in out
    assert "requests/s:" in out and "p50" in out and "p99" in out
    assert Prediction.objects.filter(user=owner, source="api").count() == 14  # the warm-up's too


def test_a_run_stops_when_its_time_is_up(live_server, owner, password, capsys):
    code = signed_in_run(live_server, owner, password, "--seconds", "0.5", "--warmup", "0")
    out = capsys.readouterr().out
    assert code == 0, out
    done = Prediction.objects.filter(user=owner, source="api").count()
    assert 0 < done < 100_000  # far short of the default --requests: the clock stopped it
    assert f"requests: {done}  ok: {done}  errors: 0" in out


def test_errors_are_counted_by_status(live_server, capsys):
    code = loadtest.main(
        [
            "--url",
            live_server.url,
            "--token",
            "not-a-real-key",
            "--concurrency",
            "1",
            "--seconds",
            "300",
            "--requests",
            "3",
            "--warmup",
            "0",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "errors: 3  (401: 3)" in out


def test_a_server_that_is_down_is_not_hammered(capsys):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = loadtest.main(
        ["--url", f"http://127.0.0.1:{port}", "--token", "x", "--concurrency", "2", "--seconds", "30", "--warmup", "0"]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert f"errors: {2 * loadtest.MAX_FAILURES_IN_A_ROW}  (ConnectionRefusedError: 20)" in out
