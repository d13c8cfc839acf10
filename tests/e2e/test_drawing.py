"""The drawing page in a real browser, the whole day of one person: a visitor signs up, draws,
reads, saves, uploads, reads a number, then finds, corrects and deletes the readings in History.
The steps are functions of their own, each starting where the one before left the page."""

from __future__ import annotations

import io
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from PIL import Image

from config.sizes import size_mb, upload_limit_mb
from recognizer.models import Prediction
from tests.conftest import PASSWORD
from tests.e2e.conftest import RESULTS, log_in
from tests.e2e.drawing import (
    CANVAS,
    draw,
    glyph_strokes,
    is_disabled,
    result_value,
    wait_for_reading,
    wait_for_saved_reading,
)
from tests.pictures import digits_png

pytestmark = pytest.mark.e2e


def test_sign_up_draw_read_save_upload_a_number_then_history_correct_delete(page):
    ada = sign_up(page)
    read_then_save_a_seven(page, ada)
    undo_and_clear(page)
    upload = add_picture_files(page)
    save_three_digits_apart(page)
    correct_and_delete_in_history(page, ada, upload)
    assert page.js_errors == []


def sign_up(page) -> User:
    # Sign up through the form; it lands on the drawing page.
    page.goto("/accounts/signup/")
    page.fill("#id_username", "ada")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("#canvas").is_visible()
    return User.objects.get(username="ada")


def read_then_save_a_seven(page, ada: User) -> None:
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


def undo_and_clear(page) -> None:
    # Escape clears; Ctrl+Z brings the drawing back; the Clear button clears again.
    page.keyboard.press("Escape")
    assert page.locator("#result-note").is_visible()
    assert is_disabled(page, "clear")
    page.keyboard.press("Control+z")
    assert not is_disabled(page, "clear")
    page.click("#clear")
    assert is_disabled(page, "clear") and not is_disabled(page, "undo")  # Undo could still bring it back


def add_picture_files(page) -> Prediction:
    """A picture file read and saved as it was sent, then two files refused; the saved one is returned."""
    error = page.locator("#error")
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
    said = f"This picture is {size_mb(len(too_big))}; the limit is {upload_limit_mb()} MB."  # as the server says it
    assert f"{said} Choose a smaller picture" in error.inner_text()
    return upload


def save_three_digits_apart(page) -> None:
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


def correct_and_delete_in_history(page, ada: User, upload: Prediction) -> None:
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
