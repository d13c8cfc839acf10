"""Reading while drawing, in a real browser on a desktop and on a phone: a visitor without an
account, a pen still down, and drawings that are no digit, answered in words or saved anyway."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from django.contrib.auth.models import User

from recognizer.models import Prediction
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.e2e.drawing import (
    draw,
    glyph_strokes,
    on_canvas,
    readings_sent,
    wait_for_reading,
    wait_for_saved_reading,
)
from tests.pictures import not_a_digit_png

pytestmark = pytest.mark.e2e

SCREENS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 375, "height": 812},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


@pytest.fixture(params=list(SCREENS))
def screen(request, new_page):
    return new_page(**SCREENS[request.param])


def test_a_visitor_draws_and_reads_live_without_an_account_then_saves_after_logging_in(screen):
    page = screen
    User.objects.create_user("vic", "", PASSWORD)
    page.goto("/")
    live_requests = readings_sent(page)
    draw(
        page,
        glyph_strokes("3", x=30, y=110, height=170)
        + glyph_strokes("7", x=150, y=110, height=170)
        + glyph_strokes("2", x=270, y=110, height=170),
    )
    wait_for_reading(page, "live", "372")
    assert "nothing stored" in page.locator("#result-link").inner_text().lower()
    assert page.locator("#save").count() == 0
    assert Prediction.objects.count() == 0

    # The primary action reads the whole number, with a box for each digit.
    page.click("#read")
    wait_for_reading(page, "read", "372")
    assert page.locator("#overlay .box").count() == 3
    assert page.locator("#status").inner_text().startswith("Read 372: 3 digits")
    assert live_requests and Prediction.objects.count() == 0

    # "Log in to save": the drawing is kept through the log-in and saved, to the person now signed in.
    page.click("#save-login")
    page.wait_for_url("**/accounts/login/?next=%2F")
    page.fill("#id_username", "vic")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    wait_for_saved_reading(page)
    saved = Prediction.objects.get()
    assert (saved.user.username, saved.number, saved.multi) == ("vic", "372", True)
    assert page.js_errors == []


def test_the_reading_updates_while_the_pen_is_still_down(screen):
    page = screen
    page.goto("/")
    sent = readings_sent(page)
    at = on_canvas(page)
    stroke = glyph_strokes("1", x=170, y=60, height=280)[0]
    page.mouse.move(*at(stroke[0]))
    page.mouse.down()
    for point in np.linspace(stroke[0], stroke[-1], 40):
        page.mouse.move(*at(point))
        page.wait_for_timeout(25)  # a second of drawing, the pen never lifted
    page.wait_for_function("() => document.getElementById('draw-app').dataset.readingKind === 'live'")
    during = len(sent)
    assert during >= 1  # read before the pointer was released
    page.mouse.up()
    wait_for_reading(page, "live", "1")
    assert len(sent) >= during  # and once more after it, for the finished stroke
    assert page.js_errors == []


@pytest.mark.parametrize("drawing", ["star", "scribble", "A"])
def test_a_letter_or_a_scribble_is_answered_in_words(screen, drawing):
    page = screen
    page.goto("/")
    picture = not_a_digit_png(drawing)
    page.set_input_files("#file", files=[{"name": f"{drawing}.png", "mimeType": "image/png", "buffer": picture}])
    refusal = page.locator("#refusal")
    refusal.wait_for()
    assert "That doesn't look like a digit" in refusal.inner_text()
    assert page.locator("#answer-line").inner_text() == "Not a digit"
    assert page.locator("#result-body").is_hidden()


def test_a_drawing_that_is_no_digit_can_be_saved_anyway(page):
    User.objects.create_user("kim", "", PASSWORD)
    log_in(page, "kim")
    page.uncheck("#live")
    star = not_a_digit_png("star")
    page.set_input_files("#file", files=[{"name": "star.png", "mimeType": "image/png", "buffer": star}])
    page.locator("#status", has_text="Picture added").wait_for()
    page.click("#save")
    refusal = page.locator("#refusal")
    refusal.wait_for()
    assert "That doesn't look like a digit" in refusal.inner_text()
    assert Prediction.objects.count() == 0
    page.click("#read-anyway")
    wait_for_saved_reading(page)
    assert page.locator("#result-forced").is_visible() and refusal.is_hidden()
    assert Prediction.objects.get().forced
    assert page.js_errors == []
