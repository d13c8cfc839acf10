"""The drawing page in a real browser: a visitor tries it, signs up, draws, reads, saves,
uploads, reads a number, then finds, corrects and deletes the readings in History.
And a phone-sized screen with a finger.

Strokes are real pointer moves (mouse down, moves, up) along the engine's own
handwriting templates (ml.synth), so the real model reads them.
"""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from PIL import Image

from ml import synth
from recognizer import services
from recognizer.models import Prediction
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.pages.pictures import digits_png, not_a_digit_png

pytestmark = pytest.mark.e2e

CANVAS = 400  # the canvas's own pixels (static/js/draw.js draws in these)
RESULTS = Path(__file__).resolve().parents[2] / "test-results"


# Helpers ---------------------------------------------------------------------------------------


def glyph_strokes(digit: str, x: float, y: float, height: float) -> list[np.ndarray]:
    """The strokes of a plainly written digit, in canvas pixels, its box starting at (x, y)."""
    return replace(synth.Glyph(digit=digit, form=0, x=0, y=0, height=height, brush=0, slant=0.1), x=x, y=y).strokes()


def draw(page, strokes: list[np.ndarray], step: float = 6.0) -> None:
    """Mouse down, move along the stroke every few pixels, mouse up: one stroke each."""
    box = page.locator("#canvas").bounding_box()
    scale = box["width"] / CANVAS

    def at(point):
        return box["x"] + point[0] * scale, box["y"] + point[1] * scale

    for stroke in strokes:
        page.mouse.move(*at(stroke[0]))
        page.mouse.down()
        for start, end in itertools.pairwise(stroke):
            n = max(1, int(np.hypot(*(end - start)) / step))
            for t in np.linspace(0, 1, n + 1)[1:]:
                page.mouse.move(*at(start + (end - start) * t))
        page.mouse.up()


def wait_for_saved_reading(page) -> None:
    page.locator("#result-detail-link").wait_for()


def wait_for_reading(page, kind: str, value: str | None = None) -> None:
    """Until the reading on the page is of this kind (live, read, stored), and this value if given."""
    page.wait_for_function(
        "([kind, value]) => document.getElementById('draw-app').dataset.readingKind === kind && "
        "(value === null || document.getElementById('result-value').textContent.trim() === value)",
        arg=[kind, value],
    )


def inside_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and box["x"] + box["width"] <= size["width"]


def result_value(page) -> str:
    return page.locator("#result-value").inner_text().strip()


def is_disabled(page, button_id: str) -> bool:
    return page.evaluate("id => document.getElementById(id).disabled", button_id)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# The whole day of one person --------------------------------------------------------------------


def test_sign_up_draw_read_save_upload_a_number_then_history_correct_delete(page):
    # Sign up through the form; it lands on the drawing page.
    page.goto("/accounts/signup/")
    page.fill("#id_username", "ada")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("#canvas").is_visible()
    ada = User.objects.get(username="ada")

    # A blank canvas: the server's "No digit found", next to the canvas.
    page.click("#read")
    error = page.locator("#error")
    error.wait_for()
    assert "No digit found" in error.inner_text()

    # Draw a 7 with real pointer moves: read as it is drawn, nothing stored.
    draw(page, glyph_strokes("7", x=110, y=70, height=260))
    wait_for_reading(page, "live", "7")
    assert "not saved" in page.locator("#result-link").inner_text()
    assert page.locator("#result-kind").inner_text() == "Live preview"
    assert page.locator("#error").is_hidden()  # the earlier error went away once there was ink

    # Enter reads: the digit large, its confidence, ten bars, what the model saw; still nothing stored.
    page.locator("#canvas").focus()
    page.keyboard.press("Enter")
    wait_for_reading(page, "read", "7")
    assert page.locator("#result-bars li").count() == 10
    assert page.locator("#result-bars li.top .bar-label").inner_text() == "7"
    assert re.match(r"\d+(\.\d)?% sure", page.locator("#result-confidence").inner_text())
    seen = page.locator("#result-seen-img")
    assert seen.is_visible() and seen.evaluate("i => i.complete && i.naturalWidth === 28")
    assert "read as 7" in seen.get_attribute("alt")
    assert page.locator("#canvas").get_attribute("aria-label").startswith("Drawing area for digits: Read 7, ")
    assert Prediction.objects.count() == 0

    # Saving is its own act: a link to the stored reading.
    page.click("#save")
    wait_for_saved_reading(page)
    assert result_value(page) == "7" and page.locator("#result-kind").inner_text() == "Saved"
    assert page.locator("#result-seen-img").is_visible()  # the same drawing: what the model saw stays
    seven = Prediction.objects.get()
    assert (seven.user, seven.source, seven.multi, seven.number) == (ada, "draw", False, "7")
    assert (seven.width, seven.height) == (CANVAS, CANVAS)
    assert page.locator("#result-detail-link").get_attribute("href") == f"/history/{seven.pk}/"

    # Escape clears; Ctrl+Z brings the drawing back; the Clear button clears again.
    page.keyboard.press("Escape")
    assert page.locator("#result-note").is_visible()
    assert is_disabled(page, "clear")
    page.keyboard.press("Control+z")
    assert not is_disabled(page, "clear")
    page.click("#clear")
    assert is_disabled(page, "clear") and not is_disabled(page, "undo")  # Undo could still bring it back

    # Add a picture file: sent as the original file, source "upload"; the focus is on the canvas.
    four = digits_png("4")
    page.set_input_files("#file", files=[{"name": "four.png", "mimeType": "image/png", "buffer": four}])
    page.locator("#status", has_text="Picture added").wait_for()
    assert page.evaluate("document.activeElement.id") == "canvas"
    page.keyboard.press("Control+s")
    wait_for_saved_reading(page)
    assert result_value(page) == "4"
    upload = Prediction.objects.order_by("-pk").first()
    assert upload is not None
    assert (upload.source, upload.number) == ("upload", "4")
    with upload.image.open("rb") as stored:
        assert stored.read()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (upload.width, upload.height) == Image.open(io.BytesIO(four)).size  # the original, not the canvas

    # A file that is not a picture: a plain error, the picture stays on the canvas.
    page.set_input_files("#file", files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"not a picture"}])
    error.wait_for()
    assert "not an image we can read (PNG, JPEG, WebP, BMP or GIF)" in error.inner_text()
    assert not is_disabled(page, "clear")

    # A file over the size limit is refused before it is sent.
    too_big = b"\x89PNG\r\n\x1a\n" + bytes(settings.RECOGNIZER_MAX_UPLOAD_BYTES)
    page.set_input_files("#file", files=[{"name": "huge.png", "mimeType": "image/png", "buffer": too_big}])
    page.locator("#error", has_text="the limit is").wait_for()
    assert "Choose a smaller picture" in error.inner_text()

    # Three digits apart, the same one button: three boxes over the canvas and the number.
    page.keyboard.press("Escape")
    strokes = (
        glyph_strokes("1", x=30, y=110, height=170)
        + glyph_strokes("4", x=135, y=110, height=170)
        + glyph_strokes("7", x=270, y=110, height=170)
    )
    draw(page, strokes)
    wait_for_reading(page, "live", "147")
    page.click("#save")
    wait_for_saved_reading(page)
    assert result_value(page) == "147"
    boxes = page.locator("#overlay .box")
    assert boxes.count() == 3
    assert [boxes.nth(i).inner_text() for i in range(3)] == ["1", "4", "7"]
    lefts = [boxes.nth(i).bounding_box()["x"] for i in range(3)]
    assert lefts == sorted(lefts)
    canvas_box = page.locator("#canvas").bounding_box()
    for i in range(3):
        b = boxes.nth(i).bounding_box()
        assert canvas_box["x"] <= b["x"] and b["x"] + b["width"] <= canvas_box["x"] + canvas_box["width"] + 1
    assert page.locator("#result-digits img.chip-seen").count() == 3  # what the model saw, digit by digit
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "drawing-page.png"))  # README's picture comes from here
    number = Prediction.objects.order_by("-pk").first()
    assert number is not None
    assert (number.multi, number.number, number.source) == (True, "147", "draw")
    assert len(number.digits) == 3

    # History: all three, newest first, and nothing from reading while drawing or Read.
    page.click("nav >> text=History")
    page.wait_for_url("**/history/")
    items = page.locator("#history-list .history-number")
    assert [items.nth(i).inner_text() for i in range(items.count())] == ["147", "4", "7"]
    assert Prediction.objects.filter(user=ada).count() == 3
    for img in page.locator("#history-list img.thumb").all():
        assert img.evaluate("i => i.complete && i.naturalWidth > 0")

    # Correct one: the 4 was really a 9.
    page.locator(f"#history-list li[data-id='{upload.pk}'] a").first.click()
    page.wait_for_url(f"**/history/{upload.pk}/")
    assert page.locator("svg rect").count() == 1
    page.fill("#id_correct_label", "9")
    page.click("text=Save the correct digits")
    page.locator(".messages", has_text="saved 9 as the correct reading").wait_for()
    upload.refresh_from_db()
    assert upload.correct_label == "9"

    # Delete one, after the confirmation page.
    page.click("text=Delete this reading")
    page.wait_for_url(f"**/history/{upload.pk}/delete/")
    page.click("text=Yes, delete it")
    page.wait_for_url("**/history/")
    page.locator(".messages", has_text="Deleted the reading of 4").wait_for()
    assert page.locator("#history-list li.history-item").count() == 2
    assert not Prediction.objects.filter(pk=upload.pk).exists()

    assert page.js_errors == []


def test_an_added_picture_survives_a_reload_and_is_still_sent_as_the_original(page):
    User.objects.create_user("rae", "", PASSWORD)
    log_in(page, "rae")
    four = digits_png("4")
    page.set_input_files("#file", files=[{"name": "four.png", "mimeType": "image/png", "buffer": four}])
    page.locator("#status", has_text="Picture added").wait_for()
    page.wait_for_function(
        "() => Object.keys(sessionStorage).some(k => (JSON.parse(sessionStorage.getItem(k)) || {}).image)"
    )
    page.reload()
    page.locator("#status", has_text="from before is back").wait_for()
    page.click("#save")
    wait_for_saved_reading(page)
    reading = Prediction.objects.get()
    assert (reading.source, reading.number) == ("upload", "4")
    assert (reading.width, reading.height) == Image.open(io.BytesIO(four)).size  # the file, not the canvas
    assert page.js_errors == []


# Visitors, and reading while drawing, on a desktop and on a phone ------------------------------------

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
    live_requests = []

    def keep_live_request(r):
        if "/api/v1/readings/" in r.url:
            live_requests.append(r)

    page.on("request", keep_live_request)
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
    sent = []

    def keep_reading_request(r):
        if "/api/v1/readings/" in r.url:
            sent.append(r)

    page.on("request", keep_reading_request)
    box = page.locator("#canvas").bounding_box()
    scale = box["width"] / CANVAS
    stroke = glyph_strokes("1", x=170, y=60, height=280)[0]
    page.mouse.move(box["x"] + stroke[0][0] * scale, box["y"] + stroke[0][1] * scale)
    page.mouse.down()
    for point in np.linspace(stroke[0], stroke[-1], 40):
        page.mouse.move(box["x"] + point[0] * scale, box["y"] + point[1] * scale)
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


# A phone ----------------------------------------------------------------------------------------


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
    cdp = page.context.new_cdp_session(page)
    x = box["x"] + box["width"] / 2
    points = [(x, box["y"] + box["height"] * f) for f in np.linspace(0.15, 0.85, 15)]
    first = {"x": points[0][0], "y": points[0][1]}
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [first]})
    for px, py in points[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": px, "y": py}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
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

    # History and a reading's page fit the phone too.
    for url in ("/history/", f"/history/{prediction.pk}/", f"/history/{prediction.pk}/delete/"):
        page.goto(url)
        assert no_horizontal_scroll(page), url
    assert page.js_errors == []
