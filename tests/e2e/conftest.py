"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

Playwright's own browser download does not work on these machines, so the
browser is /usr/bin/chromium, launched by path. Where it is missing or does not
start, every browser test is skipped with the reason (shown by ``-ra``), except
where E2E_REQUIRED=1 (CI, .ci/run): there each one fails with that reason, since
a green run that tested no JavaScript would prove nothing about the pages.
A failed test leaves a full-page screenshot in test-results/.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in the test's thread; Django would
# otherwise refuse the ORM calls the tests make in that same thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"
TIMEOUT_MS = 20_000
REQUIRED = os.environ.get("E2E_REQUIRED", "") == "1"


def no_browser(reason: str):
    """Skip the browser tests for ``reason``, or fail them where they are required (E2E_REQUIRED=1)."""
    if REQUIRED:
        pytest.fail(f"browser tests are required here (E2E_REQUIRED=1) and cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test, so fixtures can tell whether it failed.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        no_browser(f"no Chromium at {CHROMIUM} (Debian package 'chromium'; `make browser`)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        no_browser(f"the playwright package is not installed ({exc})")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception as exc:  # Playwright's own error types
        playwright.stop()
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        no_browser(f"{CHROMIUM} did not start: {first_line}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def new_page(browser, live_server, transactional_db, request):
    """Open pages in fresh browser contexts; screenshots of each on failure; JS errors collected."""
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(base_url=live_server.url, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.js_errors = []
        page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
        # A refused request (400, 413...) is logged by Chromium too: the page handles those itself.
        page.on(
            "console",
            lambda msg: (
                msg.type == "error" and "Failed to load resource" not in msg.text and page.js_errors.append(msg.text)
            ),
        )
        contexts.append(context)
        return page

    yield open_page

    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        RESULTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for i, context in enumerate(contexts):
            for j, page in enumerate(context.pages):
                path = RESULTS / f"{name}-{i}{j}.png"
                try:
                    page.screenshot(path=str(path), full_page=True)
                    print(f"screenshot of the failure: {path}")
                except Exception as exc:  # a crashed page still lets the others be saved
                    print(f"no screenshot of {name}: {exc}")
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop-sized page."""
    return new_page(viewport={"width": 1280, "height": 900})


def log_in(page, username: str) -> None:
    """Sign in through the log-in page, as a person does."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
