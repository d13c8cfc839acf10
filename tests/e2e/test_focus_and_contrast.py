"""What axe does not judge by itself, measured in a real browser: the skip link as the first stop,
the focus ring's colour, and the contrast of the labels drawn over a picture."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from recognizer import services
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.pictures import digits_png

pytestmark = pytest.mark.e2e


# A page whose form does not take the focus itself, as the log-in and sign-up forms do.
PLAIN_PAGE = "/accounts/password_reset/done/"


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page):
    page.goto(PLAIN_PAGE)
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert skip.is_visible() and skip.bounding_box()["y"] >= 0  # shown once focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the content, not the top bar
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_the_focus_ring_is_the_dark_accent_on_light_and_white_on_the_top_bar(page):
    page.goto(PLAIN_PAGE)
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # "Digits", in the dark top bar
    assert page.evaluate("document.activeElement.className") == "brand"
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert ring == "rgb(255, 255, 255)"
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")  # from the username field, which has the focus, to the password field
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineColor, s.outlineStyle, s.outlineWidth]; })()"
    )
    assert style == ["rgb(47, 91, 234)", "solid", "3px"]  # #2f5bea: 5.2:1 on the page, 3:1 needed


def contrast(a: str, b: str) -> float:
    """WCAG's contrast ratio of two computed CSS colours ("rgb(r, g, b)")."""

    def luminance(css):
        channels = [int(c) / 255 for c in re.findall(r"\d+", css)[:3]]
        r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# (the markup display.js makes, the label inside it): sure and unsure digits, lines, ignored marks
LABELS_ON_THE_CANVAS = [
    ('<div class="box"><span class="box-label">7</span></div>', ".box-label"),
    ('<div class="box uncertain"><span class="box-label">7</span></div>', ".box-label"),
    ('<div class="line-box"><span class="line-label">12</span></div>', ".line-label"),
    ('<div class="ignored-box"><span class="ignored-label">ignored</span></div>', ".ignored-label"),
]


def test_the_labels_on_the_canvas_and_their_boxes_meet_wcag_contrast(page):
    """axe cannot judge text over a canvas (it reports it as "incomplete"), so the colours are measured here."""
    User.objects.create_user("lou", "", PASSWORD)
    log_in(page, "lou")
    for markup, label in LABELS_ON_THE_CANVAS:
        colours = page.evaluate(
            """([markup, label]) => {
            const overlay = document.getElementById('overlay');
            overlay.innerHTML = markup;
            const box = getComputedStyle(overlay.firstElementChild);
            const text = getComputedStyle(overlay.querySelector(label));
            return [text.color, text.backgroundColor, box.borderTopColor];
        }""",
            [markup, label],
        )
        ink, background, border = colours
        assert contrast(ink, background) >= 4.5, (markup, colours)
        assert contrast(border, "rgb(255, 255, 255)") >= 3, (markup, colours)  # the box on the white canvas


def test_the_labels_on_a_stored_picture_meet_wcag_contrast(page):
    user = User.objects.create_user("lou", "", PASSWORD)
    stored = services.prediction_create(user=user, image=digits_png("2024"), multi=True, source="upload")
    log_in(page, "lou")
    page.goto(f"/history/{stored.pk}/")
    for classes in ("stored-label", "stored-label uncertain", "stored-label line-label", "stored-label ignored-label"):
        ink, background = page.evaluate(
            """(classes) => {
            const span = document.createElement('span');
            span.className = classes;
            document.querySelector('.stored-frame').appendChild(span);
            const style = getComputedStyle(span);
            return [style.color, style.backgroundColor];
        }""",
            classes,
        )
        assert contrast(ink, background) >= 4.5, (classes, ink, background)
