"""Chromium's verdict on the Content-Security-Policy: every page works without one violation.

Each page is visited as a person would (signed out, signed in, as staff in the
admin, the API docs), with what the page's scripts make too: a drawing read
with the model's 28x28 pictures (data: URLs), a picture added and kept through
a reload (blob: and data: URLs), a stored reading's boxes and labels, Swagger
UI opened on an operation. A violation shows in two ways, and
both are collected: the page's `securitypolicyviolation` events and
Chromium's console message ("... violates the following Content Security
Policy directive ...").
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from recognizer import services
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.e2e.drawing import draw, glyph_strokes, wait_for_reading
from tests.pictures import digits_png

pytestmark = pytest.mark.e2e

WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
  `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture
def watched(page):
    page.add_init_script(WATCH)
    page.csp_messages = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and page.csp_messages.append(msg.text))
    return page


def visit(page, path: str) -> None:
    """Open ``path`` and check that it came with the policy (the checks of what it did come later)."""
    response = page.goto(path)
    assert response.ok, (path, response.status)
    assert "default-src 'self'" in response.headers["content-security-policy"], path


def violations(page) -> list[str]:
    """What the current page (and every console message so far) reported; empties both."""
    found = page.csp_messages + page.evaluate("window.__cspViolations.splice(0)")
    page.csp_messages.clear()
    return found


def test_a_visitors_pages_keep_to_the_policy(watched):
    page = watched
    visit(page, "/")
    draw(page, glyph_strokes("4", x=130, y=100, height=200))
    page.click("#read")
    wait_for_reading(page, "read")
    page.locator("#result-seen-img[src^='data:image/png']").wait_for()  # what the model saw, as a data: URL
    assert violations(page) == []

    # A picture added (shown from a blob: URL), kept through a reload (fetched back from a data: URL).
    page.set_input_files("#file", files=[{"name": "four.png", "mimeType": "image/png", "buffer": digits_png("4")}])
    page.locator("#status", has_text="Picture added").wait_for()
    page.wait_for_function(
        "() => Object.keys(sessionStorage).some(k => (JSON.parse(sessionStorage.getItem(k)) || {}).image)"
    )
    page.reload()
    page.locator("#status", has_text="from before is back").wait_for()
    assert violations(page) == []

    for path in ["/accounts/login/", "/accounts/signup/", "/accounts/password_reset/", "/no-such-page/"]:
        if path == "/no-such-page/":
            assert page.goto(path).status == 404
        else:
            visit(page, path)
        assert violations(page) == [], path


def test_a_members_pages_keep_to_the_policy(watched):
    page = watched
    user = User.objects.create_user("cleo", "", PASSWORD)
    stored = services.prediction_create(user=user, image=digits_png("2024"), multi=True, source="upload")
    log_in(page, "cleo")
    assert violations(page) == []

    draw(page, glyph_strokes("7", x=130, y=100, height=200))
    page.click("#read")
    wait_for_reading(page, "read")
    assert violations(page) == []

    visit(page, f"/history/{stored.pk}/")
    placed = page.locator(".stored-label.placed")
    placed.first.wait_for()  # the labels are put over their boxes by static/js/place.js
    assert placed.count() == page.locator(".stored-label").count() > 0
    assert page.locator(".stored-frame").bounding_box()["height"] > 50  # the picture sets the frame's height
    assert violations(page) == []

    for path in ["/history/", f"/history/{stored.pk}/delete/", "/accounts/token/", "/accounts/password/"]:
        visit(page, path)
        assert violations(page) == [], path


def test_the_admins_pages_keep_to_the_policy(watched):
    page = watched
    staff = User.objects.create_user("sam", "", PASSWORD, is_staff=True, is_superuser=True)
    stored = services.prediction_create(user=staff, image=digits_png("2024"), multi=True, source="upload")
    log_in(page, "sam")

    for path in [
        "/admin/",
        "/admin/recognizer/prediction/",
        f"/admin/recognizer/prediction/{stored.pk}/change/",
        "/admin/auth/user/",
        f"/admin/auth/user/{staff.pk}/change/",
        "/admin/auth/user/add/",
        "/admin/password_change/",
    ]:
        visit(page, path)
        page.wait_for_load_state("load")
        assert violations(page) == [], path

    # The reading with its boxes and labels, in the admin and in the review queue (answered: first in it).
    services.prediction_correct(prediction=stored, correct_label="2024")
    for path in (f"/admin/recognizer/prediction/{stored.pk}/change/", "/admin/review/"):
        visit(page, path)
        page.locator(".stored-label.placed").first.wait_for()
        assert page.locator(".stored-label.placed").count() == page.locator(".stored-label").count() > 0
        assert violations(page) == [], path


def test_the_api_docs_keep_to_the_policy(watched):
    page = watched
    visit(page, "/api/v1/docs/")
    page.locator(".swagger-ui .info .title").wait_for()  # Swagger UI started: the nonce'd script ran
    page.locator(".opblock-summary").first.click()
    page.locator(".opblock-body").first.wait_for()
    assert violations(page) == []
