"""The drawing page: its canvas and tools, the rules it takes from the server, and its script as native modules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from config.sizes import MB, SIZE_DECIMALS
from recognizer.presentation import LABEL_INSIDE_BELOW
from recognizer.readings import CLOSE_WITHIN
from tests.a11y import dangling_references, described_by

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "static"


def draw_config(html: str) -> dict:
    """The settings the drawing page's script reads (json_script), as the script parses them."""
    found = re.search(r'<script id="draw-config" type="application/json">(.*?)</script>', html, re.S)
    assert found, html
    return json.loads(found.group(1))


def test_draw_page_has_the_canvas_tools_and_api_addresses(owner_client):
    response = owner_client.get(reverse("recognizer:draw"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<canvas id="canvas"' in html
    for control in (
        'id="brush"',
        'id="undo"',
        'id="clear"',
        'id="file"',
        'id="read"',
        'id="save"',
        'id="live" checked',
        'id="announce" checked',
    ):
        assert control in html
    # Every control has a label for screen readers.
    for target in ("brush", "file", "live", "announce"):
        assert f'for="{target}"' in html
    config = draw_config(html)
    assert config["readUrl"] == "/api/v1/readings/" and config["saveUrl"] == "/api/v1/predictions/"
    assert config["detailUrl"] == "/history/0/" and config["signedIn"] is True
    assert re.fullmatch(r"[A-Za-z0-9]{32,}", config["csrf"])
    assert 'role="alert"' in html and 'role="status"' in html
    assert "/static/js/draw/main.js" in html and "/static/css/draw.css" in html
    assert "https://" not in html.split("<main")[1]  # nothing from a CDN
    assert f'href="{reverse("recognizer:history")}"' in html  # the nav links to History


def test_the_drawing_page_takes_its_rules_from_the_server(client, settings):
    """Thresholds, formats and the size limit are defined once, in Python, and reach the script."""
    settings.RECOGNIZER_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    html = client.get(reverse("recognizer:draw")).content.decode()
    config = draw_config(html)
    assert config["maxBytes"] == 2 * 1024 * 1024 and "Pictures up to 2 MB" in html
    assert (config["maxMb"], config["megabyte"], config["sizeDecimals"]) == ("2", MB, SIZE_DECIMALS)
    assert config["closeWithin"] == CLOSE_WITHIN and config["labelInsideBelow"] == LABEL_INSIDE_BELOW
    assert config["accepted"] == ["image/png", "image/jpeg", "image/webp", "image/bmp", "image/gif"]
    assert f'accept="{",".join(config["accepted"])}"' in html
    assert config["acceptedNames"] == "PNG, JPEG, WebP, BMP or GIF" and config["acceptedNames"] in html
    scripts = (STATIC / "js/draw").glob("*.js")
    for script in scripts:  # no second copy of a rule in the script
        text = script.read_text()
        assert "image/webp" not in text and "0.25" not in text and "1024" not in text, script.name
    # A size is said by the server's rule (config.sizes), whose places come in the config.
    assert not re.search(r"toFixed\(\d", (STATIC / "js/draw/pictures.js").read_text())


def test_visitors_can_draw_without_an_account_and_are_told_what_is_stored(client):
    response = client.get(reverse("recognizer:draw"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<canvas id="canvas"' in html and 'id="read"' in html
    assert 'id="save"' not in html  # saving asks to log in
    login = f"{reverse('login')}?next=%2F"
    assert f'<a id="save-login" class="button-like" href="{login}">Log in to save</a>' in html
    assert "nothing you draw is stored" in html and f'href="{reverse("signup")}"' in html
    assert draw_config(html)["signedIn"] is False and draw_config(html)["user"] is None


def test_the_canvas_is_an_image_named_by_what_was_read(owner_client):
    html = owner_client.get(reverse("recognizer:draw")).content.decode()
    found = re.search(r"<canvas [^>]*>", html)
    assert found, html
    canvas = found.group(0)
    assert 'role="img"' in canvas and 'aria-label="Drawing area for digits: empty"' in canvas
    assert described_by(html, "canvas") == ["draw-help"]
    # Live readings go to a polite live region of their own, which "Announce readings" silences.
    assert re.search(r'<p id="announce-live" class="visually-hidden" aria-live="polite">', html)
    assert dangling_references(html) == []


def test_the_drawing_page_can_read_a_refused_picture_anyway(owner_client):
    html = owner_client.get(reverse("recognizer:draw")).content.decode()
    assert '<button type="button" id="read-anyway">Read it anyway</button>' in html
    assert 'id="refusal" hidden' in html and 'id="result-notice"' in html and 'id="result-maybe"' in html
    js = (STATIC / "js/draw/client.js").read_text()
    assert '"not_a_digit"' in js
    assert "options.force = true" in (STATIC / "js/draw/main.js").read_text()


def test_the_page_script_is_native_modules_that_need_no_build():
    modules = {path.name: path.read_text() for path in (STATIC / "js/draw").glob("*.js")}
    assert {"main.js", "pad.js", "client.js", "display.js", "live.js", "keep.js", "pictures.js"} <= set(modules)
    for name, text in modules.items():
        for source in re.findall(r'^import .* from "([^"]+)";$', text, re.M):
            assert re.fullmatch(r"\./[a-z]+\.js", source), (name, source)  # its own files, nothing fetched
            assert source[2:] in modules
        assert "require(" not in text and "https://" not in text
    js = "".join(modules.values())
    assert "setPointerCapture" in js and "X-CSRFToken" in js and "quadraticCurveTo" in js
    assert "touch-action: none" in (STATIC / "css/draw.css").read_text()


def test_collectstatic_points_the_modules_at_their_hashed_names(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    main = (tmp_path / manifest["js/draw/main.js"]).read_text()
    hashed_client = manifest["js/draw/client.js"].rsplit("/", 1)[1]
    assert f'from "./{hashed_client}"' in main  # a cached old module never meets a new main.js
