"""The pages people use every day, through Django's test client, with the real model.

Readings are made the way the site makes them (services.prediction_create) from
real PNGs drawn with the engine's stroke templates.
"""

from __future__ import annotations

import functools
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from recognizer import services
from recognizer.models import Prediction
from recognizer.readings import CLOSE_WITHIN, LABEL_INSIDE_BELOW
from recognizer.views import HISTORY_PAGE_SIZE
from tests.a11y import dangling_references, described_by
from tests.pages.pictures import digits_png

pytestmark = pytest.mark.django_db

picture = functools.cache(digits_png)  # the same drawing for every test that needs one


def make(user, label: str = "7", *, source: str = "draw") -> Prediction:
    prediction = services.prediction_create(user=user, image=picture(label), multi=len(label) > 1, source=source)
    assert prediction.number == label  # the real model reads the test pictures right
    return prediction


def ids_listed(response) -> list[int]:
    return [int(i) for i in re.findall(r'class="history-item" data-id="(\d+)"', response.content.decode())]


# The drawing page ---------------------------------------------------------------------------


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
    assert config["closeWithin"] == CLOSE_WITHIN and config["labelInsideBelow"] == LABEL_INSIDE_BELOW
    assert config["accepted"] == ["image/png", "image/jpeg", "image/webp", "image/bmp", "image/gif"]
    assert f'accept="{",".join(config["accepted"])}"' in html
    assert config["acceptedNames"] == "PNG, JPEG, WebP, BMP or GIF" and config["acceptedNames"] in html
    scripts = (Path(__file__).resolve().parent.parent / "static/js/draw").glob("*.js")
    for script in scripts:  # no second copy of a rule in the script
        text = script.read_text()
        assert "image/webp" not in text and "0.25" not in text and "5 * 1024" not in text, script.name


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


@pytest.mark.parametrize(
    "name", ["recognizer:draw", "recognizer:history", "token", "password_change", "login", "password_reset"]
)
def test_every_page_has_a_skip_link_a_favicon_and_no_dangling_aria_reference(client, owner, name):
    if name not in ("login", "password_reset"):
        client.force_login(owner)
    html = client.get(reverse(name)).content.decode()
    body = html.split("<body>", 1)[1].lstrip()
    assert body.startswith('<a class="skip-link" href="#main">Skip to main content</a>')  # the first thing to tab to
    assert '<main id="main" tabindex="-1">' in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert dangling_references(html) == []


def test_the_favicon_is_a_static_file_of_the_site(owner_client):
    from django.contrib.staticfiles import finders

    found = finders.find("favicon.svg")
    assert isinstance(found, str), found
    svg = Path(found).read_text()
    assert svg.startswith("<svg") and "http://www.w3.org/2000/svg" in svg and "href" not in svg


def test_browsers_asking_for_favicon_ico_get_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"


STATIC = Path(__file__).resolve().parent.parent / "static"


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


# History ---------------------------------------------------------------------------------------


def test_history_lists_only_the_persons_own_readings_newest_first(owner_client, owner, member):
    first = make(owner, "3")
    second = make(owner, "5", source="upload")
    theirs = make(member, "8")
    response = owner_client.get(reverse("recognizer:history"))
    assert response.status_code == 200
    assert ids_listed(response) == [second.pk, first.pk]
    html = response.content.decode()
    assert theirs.pk not in ids_listed(response)
    assert f'src="{reverse("recognizer:image", kwargs={"pk": second.pk})}?size=thumb"' in html
    assert "Uploaded" in html and "Drawn" in html and "% sure" in html
    assert f'href="{reverse("recognizer:detail", kwargs={"pk": first.pk})}"' in html


def test_history_when_empty_offers_to_draw(owner_client, member):
    make(member, "4")
    response = owner_client.get(reverse("recognizer:history"))
    html = response.content.decode()
    assert ids_listed(response) == []
    assert "You have no readings yet" in html
    assert f'href="{reverse("recognizer:draw")}"' in html


def test_history_shows_24_a_page(owner_client, owner):
    made = [make(owner, "1") for _ in range(HISTORY_PAGE_SIZE + 1)]
    newest_first = [p.pk for p in reversed(made)]
    page1 = owner_client.get(reverse("recognizer:history"))
    assert HISTORY_PAGE_SIZE == 24
    assert ids_listed(page1) == newest_first[:24]
    assert "Page 1 of 2" in page1.content.decode()
    assert 'href="?page=2"' in page1.content.decode()
    page2 = owner_client.get(reverse("recognizer:history"), {"page": 2})
    assert ids_listed(page2) == newest_first[24:]
    # A page past the end or not a number shows the last or first page, not an error.
    assert ids_listed(owner_client.get(reverse("recognizer:history"), {"page": 99})) == newest_first[24:]
    assert ids_listed(owner_client.get(reverse("recognizer:history"), {"page": "x"})) == newest_first[:24]


def test_history_filters_by_digit_and_source(owner_client, owner):
    seven = make(owner, "7")
    two = make(owner, "2", source="upload")
    number = make(owner, "27", source="upload")
    url = reverse("recognizer:history")
    assert ids_listed(owner_client.get(url, {"digit": "7"})) == [number.pk, seven.pk]
    assert ids_listed(owner_client.get(url, {"source": "upload"})) == [number.pk, two.pk]
    assert ids_listed(owner_client.get(url, {"digit": "2", "source": "upload"})) == [number.pk, two.pk]
    assert ids_listed(owner_client.get(url, {"digit": "2", "source": "draw"})) == []
    response = owner_client.get(url, {"digit": "9"})
    assert "No reading matches these filters" in response.content.decode()
    # Values the form does not know are ignored, not an error.
    response = owner_client.get(url, {"digit": "x", "source": "fax"})
    assert response.status_code == 200
    assert ids_listed(response) == [number.pk, two.pk, seven.pk]


def test_pagination_keeps_the_filters(owner_client, owner):
    for _ in range(HISTORY_PAGE_SIZE + 1):
        make(owner, "1", source="upload")
    html = owner_client.get(reverse("recognizer:history"), {"source": "upload", "digit": "1"}).content.decode()
    assert (
        'href="?source=upload&amp;digit=1&amp;page=2"' in html or 'href="?digit=1&amp;source=upload&amp;page=2"' in html
    )


# One prediction --------------------------------------------------------------------------------


def test_detail_shows_the_picture_boxes_probabilities_and_model(owner_client, owner):
    prediction = make(owner, "394")
    response = owner_client.get(reverse("recognizer:detail", kwargs={"pk": prediction.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'src="{reverse("recognizer:image", kwargs={"pk": prediction.pk})}"' in html
    assert f'viewBox="0 0 {prediction.width} {prediction.height}"' in html
    assert html.count("<rect ") == 3
    x, y, w, h = prediction.digits[1]["box"]
    assert f'x="{x}" y="{y}" width="{w}" height="{h}"' in html
    assert html.count('class="bar-row') == 30  # ten bars for each of the three digits
    assert prediction.model_version in html
    assert 'id="reading-number">394<' in html
    assert f'action="{reverse("recognizer:correct", kwargs={"pk": prediction.pk})}"' in html
    assert "csrfmiddlewaretoken" in html
    assert f'href="{reverse("recognizer:delete", kwargs={"pk": prediction.pk})}"' in html
    assert dangling_references(html) == []
    assert described_by(html, "id_correct_label") == ["id_correct_label_helptext"]


@pytest.mark.parametrize("name", ["recognizer:detail", "recognizer:delete", "recognizer:correct", "recognizer:image"])
def test_another_persons_prediction_is_404_everywhere(client, owner, member, name):
    prediction = make(owner, "6")
    client.force_login(member)
    url = reverse(name, kwargs={"pk": prediction.pk})
    assert client.get(url).status_code == 404
    if name in ("recognizer:delete", "recognizer:correct"):
        assert client.post(url, {"correct_label": "1"}).status_code == 404
    prediction.refresh_from_db()
    assert prediction.correct_label is None
    assert Prediction.objects.filter(pk=prediction.pk).exists()


@pytest.mark.parametrize("name", ["recognizer:detail", "recognizer:delete", "recognizer:correct", "recognizer:image"])
def test_a_missing_prediction_is_404(owner_client, name):
    assert owner_client.get(reverse(name, kwargs={"pk": 999999})).status_code == 404


def test_staff_see_the_picture_but_not_the_owners_pages(client, owner, staff):
    prediction = make(owner, "2")
    client.force_login(staff)
    image = client.get(reverse("recognizer:image", kwargs={"pk": prediction.pk}))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    # Staff review readings in the admin; the History pages are the owner's own.
    assert client.get(reverse("recognizer:detail", kwargs={"pk": prediction.pk})).status_code == 404
    assert prediction.pk not in ids_listed(client.get(reverse("recognizer:history")))


# The stored picture -------------------------------------------------------------------------------


def test_the_owner_gets_the_stored_png_privately(owner_client, owner):
    prediction = make(owner, "9")
    response = owner_client.get(reverse("recognizer:image", kwargs={"pk": prediction.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "public" not in cache_control
    data = b"".join(response.streaming_content)
    with prediction.image.open("rb") as stored:
        assert data == stored.read()
    assert Image.open(io.BytesIO(data)).size == (prediction.width, prediction.height)


def test_the_thumbnail_is_small(owner_client, owner):
    prediction = make(owner, "2024")
    response = owner_client.get(reverse("recognizer:image", kwargs={"pk": prediction.pk}), {"size": "thumb"})
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert max(Image.open(io.BytesIO(response.content)).size) <= 240


def test_stored_pictures_have_no_public_address(owner_client, owner, settings):
    prediction = make(owner, "3")
    name = prediction.image.name
    assert name
    assert Path(settings.MEDIA_ROOT, name).exists()
    for url in (f"/{name}", f"/media/{name}", f"/{settings.MEDIA_URL.strip('/')}/{name}"):
        assert owner_client.get(url).status_code == 404


def test_the_image_view_only_answers_get(owner_client, owner):
    prediction = make(owner, "3")
    assert owner_client.post(reverse("recognizer:image", kwargs={"pk": prediction.pk})).status_code == 405


# "That's not right" -------------------------------------------------------------------------------


def test_the_owner_corrects_a_reading(owner_client, owner):
    prediction = make(owner, "7")
    url = reverse("recognizer:correct", kwargs={"pk": prediction.pk})
    response = owner_client.post(url, {"correct_label": " 1 "}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("recognizer:detail", kwargs={"pk": prediction.pk})
    prediction.refresh_from_db()
    assert prediction.correct_label == "1"
    html = response.content.decode()
    assert "saved 1 as the correct reading" in html
    assert "Corrected" in html
    # The History shows it too.
    assert "Corrected to 1" in owner_client.get(reverse("recognizer:history")).content.decode()


def test_confirming_the_reading_stores_it_as_right(owner_client, owner):
    prediction = make(owner, "45")
    owner_client.post(reverse("recognizer:correct", kwargs={"pk": prediction.pk}), {"correct_label": "45"})
    prediction.refresh_from_db()
    assert prediction.correct_label == "45" and prediction.is_correct


@pytest.mark.parametrize("label", ["", "   ", "seven", "7a", "12a", "-1", "12  345", "12-34", "1" * 65, "٣"])
def test_a_bad_correction_shows_the_error_and_stores_nothing(owner_client, owner, label):
    prediction = make(owner, "7")
    services.prediction_correct(prediction=prediction, correct_label="1")
    response = owner_client.post(reverse("recognizer:correct", kwargs={"pk": prediction.pk}), {"correct_label": label})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error" role="alert"' in html
    assert "This field is required" in html or "Enter digits only" in html or "at most 64" in html
    assert described_by(html, "id_correct_label") == ["id_correct_label_helptext", "id_correct_label_error"]
    assert dangling_references(html) == []
    prediction.refresh_from_db()
    assert prediction.correct_label == "1"


@pytest.mark.parametrize("label", ["12 345", "2024 17 365"])
def test_a_number_of_several_lines_is_a_correction(owner_client, owner, label):
    prediction = make(owner, "7")
    response = owner_client.post(reverse("recognizer:correct", kwargs={"pk": prediction.pk}), {"correct_label": label})
    assert response.status_code == 302
    prediction.refresh_from_db()
    assert prediction.correct_label == label and prediction.is_correct is False


def test_get_on_the_correction_address_goes_to_the_form(owner_client, owner):
    prediction = make(owner, "7")
    response = owner_client.get(reverse("recognizer:correct", kwargs={"pk": prediction.pk}))
    assert response.status_code == 302
    assert response.url == reverse("recognizer:detail", kwargs={"pk": prediction.pk}) + "#correct"


# Delete -----------------------------------------------------------------------------------------


def test_delete_asks_first_then_removes_the_row_and_the_file(
    owner_client, owner, settings, django_capture_on_commit_callbacks
):
    prediction = make(owner, "5")
    assert prediction.image.name
    path = Path(settings.MEDIA_ROOT, prediction.image.name)
    url = reverse("recognizer:delete", kwargs={"pk": prediction.pk})
    confirm = owner_client.get(url)
    assert confirm.status_code == 200
    assert "Delete this reading?" in confirm.content.decode()
    assert Prediction.objects.filter(pk=prediction.pk).exists() and path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("recognizer:history")
    assert "Deleted the reading of 5" in response.content.decode()
    assert not Prediction.objects.filter(pk=prediction.pk).exists()
    assert not path.exists()
    assert owner_client.get(reverse("recognizer:image", kwargs={"pk": prediction.pk})).status_code == 404


def test_a_picture_missing_from_disk_is_404_not_an_error(owner_client, owner):
    prediction = make(owner, "5")
    assert prediction.image.name
    prediction.image.storage.delete(prediction.image.name)
    assert owner_client.get(reverse("recognizer:image", kwargs={"pk": prediction.pk})).status_code == 404


# Lines, ignored marks, refusals, notices, close runners-up ----------------------------------------


def digit(value: int, box, *, best: float = 0.99, runner: tuple[int, float] | None = None) -> dict:
    probabilities = [0.0] * 10
    probabilities[value] = best
    if runner:
        probabilities[runner[0]] = runner[1]
    rest = (1 - sum(probabilities)) / probabilities.count(0.0)
    probabilities = [p or rest for p in probabilities]
    return {
        "digit": value,
        "confidence": best,
        "probabilities": probabilities,
        "box": list(box),
        "uncertain": best < 0.8,
        "not_digit": 0.0,
    }


def stored(user, lines: list[list[dict]], *, ignored=(), forced=False, notice=None, multi=True) -> Prediction:
    """A reading stored in the database as the service stores one, for what today's model cannot
    read yet (several lines, marks refused as no digit); its picture is the drawing of its digits."""
    rows: list[dict[str, Any]] = []
    for digits in lines:
        left, top = min(d["box"][0] for d in digits), min(d["box"][1] for d in digits)
        right = max(d["box"][0] + d["box"][2] for d in digits)
        bottom = max(d["box"][1] + d["box"][3] for d in digits)
        rows.append(
            {
                "number": "".join(str(d["digit"]) for d in digits),
                "box": [left, top, right - left, bottom - top],
                "digits": digits,
            }
        )
    every = [d for line in lines for d in line]
    single = not multi
    return Prediction.objects.create(
        user=user,
        source="draw",
        multi=multi,
        image="",
        width=600,
        height=400,
        digit=every[0]["digit"] if single else None,
        confidence=min(d["confidence"] for d in every),
        probabilities=every[0]["probabilities"] if single else None,
        digits=every,
        lines=rows,
        ignored=[{"box": list(b), "not_digit": 0.97} for b in ignored],
        number=" ".join(r["number"] for r in rows),
        uncertain=any(d["uncertain"] for d in every),
        forced=forced,
        notice=notice,
        model_version="test",
        duration_ms=1.0,
    )


def test_detail_draws_each_line_and_the_ignored_marks(owner_client, owner):
    prediction = stored(
        owner,
        [
            [digit(1, (20, 20, 40, 80)), digit(2, (80, 20, 50, 80))],
            [digit(3, (20, 200, 50, 80)), digit(4, (140, 200, 50, 80))],
        ],
        ignored=[(80, 230, 40, 12)],
    )
    html = owner_client.get(reverse("recognizer:detail", kwargs={"pk": prediction.pk})).content.decode()
    assert 'id="reading-number">12 34<' in html
    assert html.count('<rect class="line"') == 2 and html.count('<rect class="ignored"') == 1
    assert html.count("<rect ") == 2 + 4 + 1
    for line in prediction.lines:
        x, y, w, h = line["box"]
        assert f'<rect class="line" x="{x}" y="{y}" width="{w}" height="{h}"' in html
        assert f'aria-hidden="true">{line["number"]}</span>' in html
    assert '<rect class="ignored" x="80" y="230" width="40" height="12"' in html
    assert ">ignored</span>" in html
    assert "Line 1: <strong>12</strong>" in html and "Line 2: <strong>34</strong>" in html
    assert "1 mark left out as no digit" in html

    history = owner_client.get(reverse("recognizer:history")).content.decode()
    assert '<span class="history-line">12</span> <span class="history-line">34</span>' in history
    assert history.count('<rect class="line"') == 2 and history.count('<rect class="ignored"') == 1
    assert "1 mark ignored" in history


def test_one_line_needs_no_line_box(owner_client, owner):
    prediction = make(owner, "394")
    html = owner_client.get(reverse("recognizer:detail", kwargs={"pk": prediction.pk})).content.decode()
    assert '<rect class="line"' not in html and 'id="reading-lines"' not in html
    assert '<rect class="line"' not in owner_client.get(reverse("recognizer:history")).content.decode()


def test_a_forced_reading_says_so(owner_client, owner):
    prediction = stored(
        owner,
        [[digit(4, (40, 40, 200, 200), best=0.3)]],
        forced=True,
        multi=False,
        notice="This does not look like a digit; it was read anyway, as you asked.",
    )
    html = owner_client.get(reverse("recognizer:detail", kwargs={"pk": prediction.pk})).content.decode()
    assert 'id="reading-forced">Read anyway<' in html
    assert "it did not look like a digit, and was read anyway" in html
    assert 'id="reading-notice" role="note">This does not look like a digit; it was read anyway' in html
    assert "Read anyway" in owner_client.get(reverse("recognizer:history")).content.decode()


def test_a_number_read_as_one_digit_shows_the_notice(owner_client, owner):
    prediction = services.prediction_create(user=owner, image=picture("372"), multi=False, source="draw")
    assert prediction.separate_digits == 3
    html = owner_client.get(reverse("recognizer:detail", kwargs={"pk": prediction.pk})).content.decode()
    assert "This picture seems to show 3 separate digits, read here as one" in html
    assert 'id="reading-forced"' not in html


def test_close_runners_up_are_shown_and_far_ones_are_not(owner_client, owner):
    close = stored(
        owner, [[digit(4, (40, 40, 200, 200), best=0.55, runner=(9, 0.55 - CLOSE_WITHIN + 0.01))]], multi=False
    )
    far = stored(owner, [[digit(4, (40, 40, 200, 200), best=0.8, runner=(9, 0.8 - CLOSE_WITHIN - 0.01))]], multi=False)
    html = owner_client.get(reverse("recognizer:detail", kwargs={"pk": close.pk})).content.decode()
    assert 'id="reading-maybe">4, maybe 9<' in html
    html = owner_client.get(reverse("recognizer:detail", kwargs={"pk": far.pk})).content.decode()
    assert "maybe" not in html
    number = stored(owner, [[digit(1, (20, 20, 40, 80)), digit(4, (80, 20, 50, 80), best=0.5, runner=(9, 0.45))]])
    html = owner_client.get(reverse("recognizer:detail", kwargs={"pk": number.pk})).content.decode()
    assert "Digit 2: 4, maybe 9" in html and "Digit 1: 1 <" in html


def test_the_drawing_page_can_read_a_refused_picture_anyway(owner_client):
    html = owner_client.get(reverse("recognizer:draw")).content.decode()
    assert '<button type="button" id="read-anyway">Read it anyway</button>' in html
    assert 'id="refusal" hidden' in html and 'id="result-notice"' in html and 'id="result-maybe"' in html
    js = (Path(__file__).resolve().parent.parent / "static/js/draw/client.js").read_text()
    assert '"not_a_digit"' in js
    assert "options.force = true" in (Path(__file__).resolve().parent.parent / "static/js/draw/main.js").read_text()
