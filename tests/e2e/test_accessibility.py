"""axe-core on every page of the site, signed out and signed in, in a real browser.

axe-core's own script ships inside the axe-playwright-python package (axe.min.js), so
nothing is fetched at run time. A violation of impact "serious" or "critical" fails the
test, with each rule, its help text and the elements it found. The pages are visited the
way a person reaches them (password reset through the link in the e-mail, a reading
through Predict), so the pages checked are the pages people see.

Also here: what axe cannot judge alone: the skip link, the focus ring's colour, and the
token page's copy button with and without the Clipboard API.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core import mail
from rest_framework.authtoken.models import Token

from recognizer import services
from recognizer.models import Prediction
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.pages.pictures import digits_png

pytestmark = pytest.mark.e2e

BLOCKING = {"serious", "critical"}
axe = Axe()


def assert_accessible(page, what: str) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    violations = axe.run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    lines = []
    for v in blocking:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}")
    assert not blocking, f"{what} ({page.url}):\n" + "\n".join(lines)


def visit(page, url: str, what: str) -> None:
    page.goto(url)
    assert_accessible(page, what)


def reset_link() -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(1)


# Signed out, password reset end to end --------------------------------------------------------


def test_signed_out_pages_and_a_password_reset_by_email(page):
    User.objects.create_user("ines", "ines@example.com", PASSWORD)

    visit(page, "/", "drawing page, for a visitor")
    page.set_input_files("#file", files=[{"name": "407.png", "mimeType": "image/png", "buffer": digits_png("407")}])
    page.wait_for_function("() => document.getElementById('result-value').textContent.trim() === '407'")
    assert_accessible(page, "drawing page, a visitor's live reading")
    # Read aloud once the reading is in, politely; "Announce readings" silences it.
    page.wait_for_function("() => document.getElementById('announce-live').textContent.startsWith('Read 407')")
    page.uncheck("#announce")
    assert page.locator("#announce-live").inner_text() == ""

    visit(page, "/accounts/login/", "log-in page")
    page.click("button[type=submit]")  # empty: the errors shown
    page.locator("#id_username_error").wait_for()
    assert_accessible(page, "log-in page with errors")
    visit(page, "/accounts/signup/", "sign-up page")
    page.fill("#id_email", "not-an-email")
    page.click("button[type=submit]")
    page.locator("#id_email_error").wait_for()
    assert page.locator("#id_email").get_attribute("aria-describedby") == "id_email_helptext id_email_error"
    assert_accessible(page, "sign-up page with errors")

    # Forgot the password: from the log-in page to the e-mail, the link, a new password.
    page.goto("/accounts/login/")
    page.click("text=Forgot your password?")
    page.wait_for_url("**/accounts/password_reset/")
    assert_accessible(page, "password reset form")
    page.fill("#id_email", "ines@example.com")
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/password_reset/done/")
    assert_accessible(page, "password reset sent")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ines@example.com"]
    link = reset_link()

    page.goto(link)
    page.wait_for_url("**/set-password/")
    assert_accessible(page, "choose a new password")
    new = "a-Brand-new-passphrase-9"
    page.fill("#id_new_password1", new)
    page.fill("#id_new_password2", "something else")
    page.click("button[type=submit]")
    page.locator("#id_new_password2_error").wait_for()
    assert_accessible(page, "choose a new password, with errors")
    page.fill("#id_new_password1", new)
    page.fill("#id_new_password2", new)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/reset/done/")
    assert_accessible(page, "password set")

    page.click("main >> text=Log in")
    page.fill("#id_username", "ines")
    page.fill("#id_password", new)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator(".who", has_text="ines").is_visible()

    # Logged out: said so. The used link no longer works, and says what to do.
    page.click("text=Log out")
    page.locator(".messages", has_text="You have logged out.").wait_for()
    assert_accessible(page, "log-in page after logging out")
    visit(page, link, "a used reset link")
    assert page.locator("h1").inner_text() == "This link no longer works"

    # The API's docs are public, a page of the site with a way back.
    page.goto("/api/v1/docs/")
    page.locator("#swagger-ui .info").wait_for()
    assert_accessible(page, "API docs")
    page.click("#back-to-site")
    page.wait_for_url(re.compile(r"/(accounts/login/\?next=/)?$"))  # the drawing page, or logging in to it
    assert page.js_errors == []


# Signed in: every page, with something on it ---------------------------------------------------


def test_signed_in_pages(page):
    user = User.objects.create_user("joe", "joe@example.com", PASSWORD)
    stored = services.prediction_create(user=user, image=digits_png("2024"), multi=True, source="upload")
    Token.objects.create(user=user)
    log_in(page, "joe")

    assert_accessible(page, "drawing page")
    # With a reading shown: the boxes on the canvas, their labels, the bars.
    page.set_input_files("#file", files=[{"name": "147.png", "mimeType": "image/png", "buffer": digits_png("147")}])
    page.locator("#status", has_text="Picture added").wait_for()
    page.click("#save")
    page.locator("#result-detail-link").wait_for()  # read and saved
    assert page.locator("#overlay .box").count() == 3
    assert page.locator("#canvas").get_attribute("role") == "img"
    assert_accessible(page, "drawing page with a reading")
    # The canvas is in the accessibility tree, named by what was read.
    assert "Read 147: 3 digits" in page.locator("#canvas").get_attribute("aria-label")

    reading = Prediction.objects.exclude(pk=stored.pk).get()
    visit(page, "/history/", "History")
    visit(page, "/history/?digit=1", "History, filtered")
    visit(page, f"/history/{stored.pk}/", "a reading")
    visit(page, f"/history/{reading.pk}/", "a reading of one line")
    page.fill("#id_correct_label", "seven")
    page.click("text=Save the correct digits")
    page.locator("#id_correct_label_error").wait_for()
    assert_accessible(page, "a reading, with a bad correction")
    visit(page, f"/history/{stored.pk}/delete/", "delete a reading")

    visit(page, "/accounts/token/", "API token")
    visit(page, "/accounts/token/regenerate/", "replace the token?")
    visit(page, "/accounts/token/revoke/", "revoke the token?")
    page.click("text=Yes, revoke it")
    page.locator(".messages", has_text="Token revoked").wait_for()
    assert_accessible(page, "API token page with none")

    visit(page, "/accounts/password/", "password change")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "an0ther-Long-passphrase")
    page.fill("#id_new_password2", "an0ther-Long-passphrase")
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/password/done/")
    assert_accessible(page, "password changed")

    page.goto("/api/v1/docs/")
    page.locator("#swagger-ui .info").wait_for()
    assert_accessible(page, "API docs, signed in")
    assert page.js_errors == []


def test_the_drawing_page_on_a_phone(new_page):
    User.objects.create_user("pia", "", PASSWORD)
    page = new_page(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True, has_touch=True)
    log_in(page, "pia")
    assert_accessible(page, "drawing page on a phone")


# What axe does not judge by itself ------------------------------------------------------------


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


# (the markup draw.js makes, the label inside it): sure and unsure digits, lines, ignored marks
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


def token_page(new_page, **context):
    user = User.objects.create_user("tia", "", PASSWORD)
    token = Token.objects.create(user=user)
    page = new_page(viewport={"width": 1280, "height": 900}, **context)
    return page, token


def test_the_copy_button_copies_the_token(new_page):
    page, token = token_page(new_page)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    log_in(page, "tia")
    page.goto("/accounts/token/")
    page.click("#copy-token")
    page.locator("#copy-status", has_text="Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == token.key
    assert page.js_errors == []


def test_without_the_clipboard_api_the_copy_button_selects_the_token(new_page):
    page, token = token_page(new_page)
    page.add_init_script("Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined});")
    log_in(page, "tia")
    page.goto("/accounts/token/")
    assert page.evaluate("navigator.clipboard") is None
    page.click("#copy-token")
    page.locator("#copy-status", has_text=re.compile(r"Copied\.|press Ctrl\+C")).wait_for()
    selected = page.evaluate(
        "(() => { const f = document.activeElement;"
        " return f.id + ':' + f.value.slice(f.selectionStart, f.selectionEnd); })()"
    )
    assert selected == f"token-key:{token.key}"
    assert page.js_errors == []


def test_without_javascript_the_token_can_still_be_regenerated_after_a_question(new_page):
    page, token = token_page(new_page, java_script_enabled=False)
    log_in(page, "tia")
    page.goto("/accounts/token/")
    assert page.locator("#copy-token").is_hidden()  # no dead button
    page.click("text=Regenerate")
    page.wait_for_url("**/accounts/token/regenerate/")
    assert Token.objects.get().key == token.key
    page.click("text=Yes, replace it")
    page.wait_for_url("**/accounts/token/")
    assert Token.objects.get().key != token.key
    assert page.locator(".messages", has_text="the old one no longer works").is_visible()
