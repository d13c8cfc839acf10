"""Times in the visitor's own time zone: static/js/timezone.js stores it in a cookie,
config.middleware.VisitorTimeZoneMiddleware shows each page's times in it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from recognizer import services
from recognizer.models import Prediction
from tests.pictures import digits_png

pytestmark = pytest.mark.django_db

MADE = dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.UTC)


@pytest.fixture
def reading(owner) -> Prediction:
    prediction = services.prediction_create(user=owner, image=digits_png("7"), multi=False, source="draw")
    Prediction.objects.filter(pk=prediction.pk).update(created_at=MADE)
    return prediction


def made(client, prediction: Prediction) -> str:
    html = client.get(reverse("recognizer:detail", kwargs={"pk": prediction.pk})).content.decode()
    return html.split("<dt>Made</dt><dd>", 1)[1].split("</dd>", 1)[0]


def test_times_are_shown_in_the_zone_the_cookie_names(owner_client, reading):
    owner_client.cookies["tz"] = "Asia/Tokyo"  # UTC+9: 22:30 UTC is 07:30 the next morning
    assert made(owner_client, reading) == '<time datetime="2026-07-02T07:30:00+09:00">2 Jul 2026, 07:30</time>'
    owner_client.cookies["tz"] = "America/New_York"  # summer: UTC-4
    assert made(owner_client, reading) == '<time datetime="2026-07-01T18:30:00-04:00">1 Jul 2026, 18:30</time>'
    history = owner_client.get(reverse("recognizer:history")).content.decode()
    assert "1 Jul 2026, 18:30" in history


@pytest.mark.parametrize(
    "cookie", ["", "Mars/Olympus_Mons", "../../../etc/passwd", "/etc/localtime", "Europe/Paris\x00", "local time"]
)
def test_a_cookie_that_is_no_known_zone_is_ignored(owner_client, reading, cookie):
    owner_client.cookies["tz"] = cookie
    assert made(owner_client, reading) == '<time datetime="2026-07-01T22:30:00+00:00">1 Jul 2026, 22:30</time>'


def test_without_the_cookie_times_are_in_the_sites_zone_and_no_zone_outlives_its_request(client, owner, reading):
    client.force_login(owner)
    client.cookies["tz"] = "Asia/Tokyo"
    assert "07:30" in made(client, reading)
    del client.cookies["tz"]
    assert made(client, reading) == '<time datetime="2026-07-01T22:30:00+00:00">1 Jul 2026, 22:30</time>'


def test_every_page_loads_the_script_that_sets_the_cookie(owner_client):
    for html in (
        Client().get(reverse("login")).content.decode(),
        owner_client.get(reverse("recognizer:history")).content.decode(),
    ):
        head = html.split("</head>", 1)[0]
        assert '<script src="/static/js/timezone.js" defer></script>' in head
    js = (Path(__file__).resolve().parent.parent / "static/js/timezone.js").read_text()
    assert "Intl.DateTimeFormat().resolvedOptions().timeZone" in js and '"tz="' in js and "SameSite=Lax" in js
