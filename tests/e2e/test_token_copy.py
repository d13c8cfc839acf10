"""The token page's copy button in a real browser: with the Clipboard API, without it, and
without JavaScript, where the page still works by its links and forms."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


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
