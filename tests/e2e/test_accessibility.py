"""axe-core on every page of the site, signed out and signed in, in a real browser.

axe-core's own script ships inside the axe-playwright-python package (axe.min.js), so
nothing is fetched at run time. A violation of impact "serious" or "critical" fails the
test, with each rule, its help text and the elements it found. The pages are visited the
way a person reaches them (password reset through the link in the e-mail, a reading
through Predict), so the pages checked are the pages people see.

What axe cannot judge alone is in test_focus_and_contrast.py and test_token_copy.py.
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
from tests.pictures import digits_png

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


def test_signed_out_pages_and_a_password_reset_by_email(page):
    User.objects.create_user("ines", "ines@example.com", PASSWORD)
    a_visitors_live_reading(page)
    forms_with_errors(page)
    link, new = a_new_password_by_email(page)

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


def a_visitors_live_reading(page) -> None:
    visit(page, "/", "drawing page, for a visitor")
    page.set_input_files("#file", files=[{"name": "407.png", "mimeType": "image/png", "buffer": digits_png("407")}])
    page.wait_for_function("() => document.getElementById('result-value').textContent.trim() === '407'")
    assert_accessible(page, "drawing page, a visitor's live reading")
    # Read aloud once the reading is in, politely; "Announce readings" silences it.
    page.wait_for_function("() => document.getElementById('announce-live').textContent.startsWith('Read 407')")
    page.uncheck("#announce")
    assert page.locator("#announce-live").inner_text() == ""


def forms_with_errors(page) -> None:
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


def a_new_password_by_email(page) -> tuple[str, str]:
    """The e-mail's link and the new password, to log in with and to try the used link again."""
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
    return link, new


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
