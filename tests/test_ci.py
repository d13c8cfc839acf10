"""CI cannot pass without the browser tests: a missing Chromium fails them there, with the reason;
nor without `make lint`, which runs first.

pytest runs the browser tests in a process of its own, pointed at a Chromium
that does not exist, once as CI runs them (E2E_REQUIRED=1, set by .ci/run) and
once as a developer's machine without Chromium does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NO_CHROMIUM = "/nonexistent/chromium"


def run_browser_tests(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "tests/e2e", "-q", "-x", "-rfEs", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env={**os.environ, "E2E_CHROMIUM": NO_CHROMIUM, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_in_ci_a_missing_chromium_fails_the_browser_tests_with_the_reason():
    run = run_browser_tests(E2E_REQUIRED="1")

    assert run.returncode == 1, run.stdout[-3000:]
    assert (
        f"browser tests are required here (E2E_REQUIRED=1) and cannot run: no Chromium at {NO_CHROMIUM}" in run.stdout
    )
    assert " skipped" not in run.stdout.splitlines()[-1]


def test_elsewhere_a_missing_chromium_skips_them_saying_why():
    run = run_browser_tests(E2E_REQUIRED="")

    assert run.returncode == 0, run.stdout[-3000:]
    assert f"browser tests skipped: no Chromium at {NO_CHROMIUM}" in run.stdout
    assert " passed" not in run.stdout.splitlines()[-1]


def test_ci_runs_make_lint_first_and_stops_when_it_fails(tmp_path):
    # .ci/run with a `make` whose lint fails (and Redis and nginx present, so nothing is installed).
    fakes, calls = tmp_path / "bin", tmp_path / "calls"
    fakes.mkdir()
    for name, body in {
        "make": f'echo "make $*" >> {calls}; [ "$1" != lint ]',
        "redis-server": "exit 0",
        "nginx": "exit 0",
    }.items():
        (fakes / name).write_text(f"#!/bin/sh\n{body}\n")
        (fakes / name).chmod(0o755)
    run = subprocess.run(
        [str(ROOT / ".ci" / "run")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PATH": f"{fakes}:{os.environ['PATH']}"},
    )

    assert run.returncode != 0, run.stdout[-3000:]
    assert calls.read_text().splitlines() == ["make lint"]  # no test, no database: it stopped there
