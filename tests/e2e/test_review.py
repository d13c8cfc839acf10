"""Review in two clicks, in a real browser: "Yes, that's right" on History, "Not a digit" on a
reading's page, History's status filter finding both, previous/next, undo, and times shown in
the browser's own time zone."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User

from recognizer import services
from recognizer.models import Prediction
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.pictures import digits_png

pytestmark = pytest.mark.e2e

EVENING = dt.datetime(2026, 7, 1, 22, 0, tzinfo=dt.UTC)


def listed(page) -> list[int]:
    return [int(i) for i in page.locator("li.history-item").evaluate_all("items => items.map(i => i.dataset.id)")]


def filter_status(page, label: str) -> None:
    page.select_option("#id_status", label=label)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"status="))


def test_yes_and_not_a_digit_are_stored_and_found_by_the_filter(new_page):
    user = User.objects.create_user("rev", "", PASSWORD)
    three, five, eight = (
        services.prediction_create(user=user, image=digits_png(n), multi=False, source="draw") for n in "358"
    )
    for minutes, prediction in enumerate((three, five, eight)):  # 22:00, 22:10, 22:20 UTC
        Prediction.objects.filter(pk=prediction.pk).update(created_at=EVENING + dt.timedelta(minutes=10 * minutes))
    page = new_page(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Tokyo")
    log_in(page, "rev")
    page.js_errors.clear()  # what follows is about History and the readings' pages

    # The first page the browser loaded stored its zone; History shows times in it (UTC+9).
    page.goto("/history/")
    assert {"name": "tz", "value": "Asia/Tokyo"}.items() <= next(
        c for c in page.context.cookies() if c["name"] == "tz"
    ).items()
    assert page.locator(f'li[data-id="{eight.pk}"] time').inner_text() == "2 Jul 2026, 07:20"
    assert listed(page) == [eight.pk, five.pk, three.pk]

    # "Yes, that's right" on History: stored, said, shown, and back on the same page.
    row = page.locator(f'li.history-item[data-id="{five.pk}"]')
    row.get_by_role("button", name="Yes, that's right").click()
    page.get_by_text("Thanks: saved 5 as right.").wait_for()
    assert re.search(r"/history/(\?|#|$)", page.url)
    assert row.locator(".badge").inner_text() == "Confirmed"
    five.refresh_from_db()
    assert (five.correct_label, five.marked_not_a_digit) == ("5", False)

    # "Not a digit" on the reading's page.
    page.locator(f'li.history-item[data-id="{eight.pk}"] a').click()
    page.wait_for_url(f"**/history/{eight.pk}/")
    assert page.locator("#answer-stored").inner_text().startswith("Not answered yet")
    page.locator("#answer").get_by_role("button", name="Not a digit").click()
    page.get_by_text("Thanks: saved the reading of 8 as not a digit.").wait_for()
    assert "You said the picture shows no digit." in page.locator("#answer-stored").inner_text()
    eight.refresh_from_db()
    assert (eight.correct_label, eight.marked_not_a_digit) == (None, True)

    # History's filter finds each answer.
    page.goto("/history/")
    filter_status(page, "Not a digit")
    assert listed(page) == [eight.pk]
    assert page.locator(f'li[data-id="{eight.pk}"] .badge').inner_text() == "Not a digit"
    filter_status(page, "Confirmed")
    assert listed(page) == [five.pk]
    filter_status(page, "No answer yet")
    assert listed(page) == [three.pk]

    # Previous/next between all the readings, then undo.
    page.goto("/history/")
    page.locator(f'li.history-item[data-id="{eight.pk}"] a').click()
    page.locator("#older").click()
    page.wait_for_url(f"**/history/{five.pk}/**")
    assert page.locator("#reading-number").inner_text() == "5"
    page.locator("#answer").get_by_role("button", name="Undo").click()
    page.get_by_text("Took back your answer about the reading of 5.").wait_for()
    assert page.locator("#answer-stored").inner_text().startswith("Not answered yet")
    five.refresh_from_db()
    assert (five.correct_label, five.marked_not_a_digit) == (None, False)
    assert page.js_errors == []
