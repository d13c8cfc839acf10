"""A 375 px phone in a real browser: a finger draws, the canvas and the reading stay in view, the
menu opens, and a failed network or an expired session keeps the drawing."""

from __future__ import annotations

import re

import numpy as np
import pytest
from django.contrib.auth.models import User

from recognizer import services
from recognizer.models import Prediction
from tests.conftest import PASSWORD
from tests.e2e.conftest import RESULTS, log_in
from tests.e2e.drawing import is_disabled, result_value, wait_for_reading, wait_for_saved_reading
from tests.pictures import digits_png

pytestmark = pytest.mark.e2e


def inside_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and box["x"] + box["width"] <= size["width"]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_375_px_phone_draws_with_a_finger_and_keeps_canvas_and_reading_in_view(new_page):
    user = User.objects.create_user("pat", "", PASSWORD)
    prediction = services.prediction_create(user=user, image=digits_png("2024"), multi=True, source="upload")
    page = new_page(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True, has_touch=True)
    log_in(page, "pat")

    assert page.locator("#main-nav").is_hidden() and page.locator("#menu-toggle").is_visible()
    canvas = page.locator("#canvas")
    box = canvas.bounding_box()
    assert 250 <= box["width"] <= 375 and box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert abs(box["width"] - box["height"]) < 1
    assert no_horizontal_scroll(page)
    assert canvas.evaluate("c => getComputedStyle(c).touchAction") == "none"

    # A finger stroke down the canvas draws and does not scroll the page.
    page.evaluate("window.scrollTo(0, 0)")
    finger_stroke_down(page, box)
    assert page.evaluate("window.scrollY") == 0
    assert not is_disabled(page, "clear")  # a stroke was drawn
    page.click("#read")
    wait_for_reading(page, "read", "1")
    # The canvas and the reading share the screen: nothing scrolled away.
    assert page.evaluate("window.scrollY") == 0
    assert inside_viewport(page, "#canvas") and inside_viewport(page, "#answer-line")
    assert page.locator("#answer-line").inner_text().startswith("1 · ")
    assert inside_viewport(page, "#read") and inside_viewport(page, "#save")
    assert no_horizontal_scroll(page)
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "drawing-page-phone.png"))
    page.click("#save")
    wait_for_saved_reading(page)
    stored = Prediction.objects.filter(user=user).count()

    # The menu opens from its button.
    page.click("#menu-toggle")
    assert page.locator("#main-nav").is_visible()
    assert page.locator("#menu-toggle").get_attribute("aria-expanded") == "true"
    page.click("#menu-toggle")

    network_fails_then_session_expires(page, user, stored)

    # History and a reading's page fit the phone too.
    for url in ("/history/", f"/history/{prediction.pk}/", f"/history/{prediction.pk}/delete/"):
        page.goto(url)
        assert no_horizontal_scroll(page), url
    assert page.js_errors == []


def finger_stroke_down(page, box: dict) -> None:
    """A finger down the middle of the canvas, as touch events through Chromium's DevTools protocol."""
    cdp = page.context.new_cdp_session(page)
    x = box["x"] + box["width"] / 2
    points = [(x, box["y"] + box["height"] * f) for f in np.linspace(0.15, 0.85, 15)]
    first = {"x": points[0][0], "y": points[0][1]}
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [first]})
    for px, py in points[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": px, "y": py}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def network_fails_then_session_expires(page, user: User, stored: int) -> None:
    """From a saved reading of a 1 (``stored`` readings in all) to the same drawing saved once more."""
    # The network fails: said in plain words, the drawing stays.
    error = page.locator("#error")
    page.route("**/api/v1/predictions/", lambda route: route.abort())
    page.click("#save")
    error.wait_for()
    assert "Could not reach the server" in error.inner_text()
    page.unroute("**/api/v1/predictions/")

    # The session expires: "log in again", with a link; the drawing is kept through the log-in, and saved.
    page.context.clear_cookies()
    page.click("#save")
    page.locator("#error", has_text="Your session expired, log in again.").wait_for()
    assert Prediction.objects.filter(user=user).count() == stored
    assert not is_disabled(page, "clear")
    page.click("#error >> text=Log in again")
    page.fill("#id_username", "pat")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    wait_for_saved_reading(page)  # the drawing came back, and was saved as asked
    assert result_value(page) == "1" and not is_disabled(page, "clear")
    assert "Saved to your History" in page.locator("#status").inner_text()
    assert Prediction.objects.filter(user=user).count() == stored + 1
