"""Review in two clicks: "Yes, that's right", "Not a digit" and taking them back, on History and
a reading's page; History's status filters; previous/next between readings.

Readings are made by the service from real drawings read by the real model,
except where a test needs a flag the model sets on its own (not sure).
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from recognizer import selectors, services
from recognizer.models import ANSWER_QUERIES, Answer, Prediction
from tests.a11y import dangling_references
from tests.pages.pictures import digits_png

pytestmark = pytest.mark.django_db

picture = functools.cache(digits_png)
HISTORY = reverse("recognizer:history")


def make(user, label: str = "7", *, minutes_ago: int = 0) -> Prediction:
    prediction = services.prediction_create(user=user, image=picture(label), multi=len(label) > 1, source="draw")
    assert prediction.number == label
    if minutes_ago:  # History's order is by time: readings made in one test are given their own minutes
        earlier = timezone.now() - dt.timedelta(minutes=minutes_ago)
        Prediction.objects.filter(pk=prediction.pk).update(created_at=earlier)
        prediction.refresh_from_db()
    return prediction


def answer_url(prediction: Prediction) -> str:
    return reverse("recognizer:answer", kwargs={"pk": prediction.pk})


def detail_url(prediction: Prediction) -> str:
    return reverse("recognizer:detail", kwargs={"pk": prediction.pk})


def ids_listed(response) -> list[int]:
    return [int(i) for i in re.findall(r'class="history-item" data-id="(\d+)"', response.content.decode())]


def stored(prediction: Prediction) -> tuple[str | None, bool]:
    prediction.refresh_from_db()
    return prediction.correct_label, prediction.marked_not_a_digit


# The answers, from a reading's page --------------------------------------------------------------


def test_yes_thats_right_confirms_the_reading_and_says_so(owner_client, owner):
    prediction = make(owner, "45")
    html = owner_client.get(detail_url(prediction)).content.decode()
    assert f'action="{answer_url(prediction)}"' in html
    assert 'name="answer" value="confirm"' in html and 'name="answer" value="not_a_digit"' in html
    assert "Not answered yet" in html and 'value="clear"' not in html  # nothing to take back yet

    response = owner_client.post(
        answer_url(prediction), {"answer": "confirm", "next": detail_url(prediction)}, follow=True
    )

    assert response.redirect_chain == [(detail_url(prediction), 302)]
    assert stored(prediction) == ("45", False) and prediction.answer == Answer.CONFIRMED
    html = response.content.decode()
    assert "Thanks: saved 45 as right." in html
    assert '<span class="badge ok">Confirmed</span> You said this reading is right.' in html
    assert 'value="confirm"' not in html and 'value="clear"' in html  # it can be taken back
    assert dangling_references(html) == []


def test_not_a_digit_is_stored_as_an_answer_not_a_label(owner_client, owner):
    prediction = make(owner, "7")
    response = owner_client.post(answer_url(prediction), {"answer": "not_a_digit"}, follow=True)
    assert response.redirect_chain == [(detail_url(prediction), 302)]  # no `next`: the reading's page
    assert stored(prediction) == (None, True) and prediction.answer == Answer.NOT_A_DIGIT
    html = response.content.decode()
    assert "Thanks: saved the reading of 7 as not a digit." in html
    assert "You said the picture shows no digit." in html
    assert 'value="not_a_digit"' not in html and 'value="confirm"' in html


def test_undo_takes_back_either_answer(owner_client, owner):
    prediction = make(owner, "7")
    for given in ("confirm", "not_a_digit"):
        owner_client.post(answer_url(prediction), {"answer": given})
        assert stored(prediction) != (None, False)
        response = owner_client.post(answer_url(prediction), {"answer": "clear"}, follow=True)
        assert stored(prediction) == (None, False) and prediction.answer == Answer.UNANSWERED
        assert "Took back your answer about the reading of 7." in response.content.decode()


def test_a_reading_has_one_answer_the_last_given(owner_client, owner):
    prediction = make(owner, "7")
    owner_client.post(reverse("recognizer:correct", kwargs={"pk": prediction.pk}), {"correct_label": "1"})
    assert stored(prediction) == ("1", False)
    owner_client.post(answer_url(prediction), {"answer": "not_a_digit"})
    assert stored(prediction) == (None, True)  # "Not a digit" replaced the correction
    owner_client.post(reverse("recognizer:correct", kwargs={"pk": prediction.pk}), {"correct_label": "1"})
    assert stored(prediction) == ("1", False)  # and a correction replaces "Not a digit"
    owner_client.post(answer_url(prediction), {"answer": "not_a_digit"})
    owner_client.post(answer_url(prediction), {"answer": "confirm"})
    assert stored(prediction) == ("7", False)


def test_the_database_refuses_both_answers_at_once(owner):
    prediction = make(owner, "7")
    with pytest.raises(IntegrityError), transaction.atomic():
        Prediction.objects.filter(pk=prediction.pk).update(correct_label="1", marked_not_a_digit=True)
    with pytest.raises(Exception, match="either corrected or not a digit"):
        services.prediction_correct(prediction=prediction, correct_label="1", marked_not_a_digit=True)
    assert stored(prediction) == (None, False)


def test_another_persons_reading_is_404_and_unchanged(client, owner, member):
    prediction = make(owner, "6")
    client.force_login(member)
    for given in ("confirm", "not_a_digit", "clear"):
        assert client.post(answer_url(prediction), {"answer": given}).status_code == 404
    assert stored(prediction) == (None, False)
    assert client.post(reverse("recognizer:answer", kwargs={"pk": 999999}), {"answer": "confirm"}).status_code == 404


def test_visitors_are_sent_to_log_in_and_nothing_changes(client, owner):
    prediction = make(owner, "6")
    response = client.post(answer_url(prediction), {"answer": "confirm"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert stored(prediction) == (None, False)


def test_only_a_known_answer_by_post_is_taken(owner_client, owner):
    prediction = make(owner, "6")
    assert owner_client.get(answer_url(prediction)).status_code == 405
    assert owner_client.post(answer_url(prediction), {"answer": "maybe"}).status_code == 400
    assert owner_client.post(answer_url(prediction), {}).status_code == 400
    assert stored(prediction) == (None, False)


def test_it_goes_back_only_to_a_page_of_the_site(owner_client, owner):
    prediction = make(owner, "6")
    for elsewhere in ("https://evil.example/", "//evil.example/history/", "javascript:alert(1)"):
        response = owner_client.post(answer_url(prediction), {"answer": "confirm", "next": elsewhere})
        assert response.url == detail_url(prediction)


# The answers, from History -----------------------------------------------------------------------


def test_each_history_row_has_the_buttons_and_shows_its_answer(owner_client, owner):
    right, wrong, star, fresh = (
        make(owner, "3", minutes_ago=4),
        make(owner, "5", minutes_ago=3),
        make(owner, "8", minutes_ago=2),
        make(owner, "2", minutes_ago=1),
    )
    services.prediction_confirm(prediction=right)
    services.prediction_correct(prediction=wrong, correct_label="6")
    services.prediction_mark_not_digit(prediction=star)
    html = owner_client.get(HISTORY).content.decode()
    rows = {int(pk): row for pk, row in re.findall(r'data-id="(\d+)"(.*?)</li>', html, re.S)}
    assert '<span class="badge ok">Confirmed</span>' in rows[right.pk]
    assert "Corrected to 6" in rows[wrong.pk]
    assert '<span class="badge fix">Not a digit</span>' in rows[star.pk]
    assert "badge" not in rows[fresh.pk]
    readings = (right, wrong, star, fresh)
    for prediction, row in zip(readings, [rows[p.pk] for p in readings], strict=True):
        assert f'action="{answer_url(prediction)}"' in row and "csrfmiddlewaretoken" in row
    assert 'value="confirm"' not in rows[right.pk] and 'value="not_a_digit"' not in rows[star.pk]
    assert 'value="clear"' not in rows[fresh.pk] and 'value="clear"' in rows[star.pk]
    # Each button names its reading for a screen reader in a list of them.
    assert 'Yes, that\'s right<span class="visually-hidden">: 2</span>' in rows[fresh.pk]
    assert dangling_references(html) == []


def test_a_history_button_returns_to_the_same_page_with_its_filters(owner_client, owner):
    prediction = make(owner, "7")
    page = f"{HISTORY}?digit=7&status=unanswered&page=1"
    html = owner_client.get(page).content.decode()
    assert f'name="next" value="{HISTORY}?digit=7&amp;status=unanswered&amp;page=1#reading-{prediction.pk}"' in html

    response = owner_client.post(
        answer_url(prediction), {"answer": "not_a_digit", "next": f"{page}#reading-{prediction.pk}"}
    )
    assert response.status_code == 302 and response.url == f"{page}#reading-{prediction.pk}"
    assert stored(prediction) == (None, True)
    after = owner_client.get(page)
    assert "Thanks: saved the reading of 7 as not a digit." in after.content.decode()
    assert ids_listed(after) == []  # answered: no longer among the unanswered


# History's status filter -------------------------------------------------------------------------


@pytest.fixture
def answered(owner, member):
    """One reading of each status, newest first, and another person's reading with an answer."""
    readings = {
        "unanswered": make(owner, "1", minutes_ago=5),
        "confirmed": make(owner, "2", minutes_ago=4),
        "corrected": make(owner, "3", minutes_ago=3),
        "not_a_digit": make(owner, "4", minutes_ago=2),
        "not_sure": make(owner, "5", minutes_ago=1),
    }
    services.prediction_confirm(prediction=readings["confirmed"])
    services.prediction_correct(prediction=readings["corrected"], correct_label="8")
    services.prediction_mark_not_digit(prediction=readings["not_a_digit"])
    Prediction.objects.filter(pk=readings["not_sure"].pk).update(uncertain=True)  # the model's own flag
    services.prediction_mark_not_digit(prediction=make(member, "4"))
    return readings


@pytest.mark.parametrize(
    ("status", "found"),
    [
        ("not_sure", ["not_sure"]),
        ("confirmed", ["confirmed"]),
        ("corrected", ["corrected"]),
        ("not_a_digit", ["not_a_digit"]),
        ("unanswered", ["not_sure", "unanswered"]),
        ("", ["not_sure", "not_a_digit", "corrected", "confirmed", "unanswered"]),
        ("bogus", ["not_sure", "not_a_digit", "corrected", "confirmed", "unanswered"]),  # ignored, not an error
    ],
)
def test_history_filters_by_status(owner_client, answered, status, found):
    response = owner_client.get(HISTORY, {"status": status})
    assert response.status_code == 200
    assert ids_listed(response) == [answered[name].pk for name in found]


def test_the_status_filter_is_offered_with_its_choices_and_combines_with_the_others(owner_client, answered):
    html = owner_client.get(HISTORY, {"status": "not_a_digit"}).content.decode()
    assert '<select name="status" aria-describedby="id_status_helptext" id="id_status">' in html
    assert re.search(r'<div class="help visually-hidden" id="id_status_helptext">Readings the model was not sure', html)
    for value, label in [
        ("", "Any status"),
        ("not_sure", "Not sure"),
        ("unanswered", "No answer yet"),
        ("confirmed", "Confirmed"),
        ("corrected", "Corrected"),
    ]:
        assert f'<option value="{value}">{label}</option>' in html
    assert '<option value="not_a_digit" selected>Not a digit</option>' in html
    assert "1 reading match" in html and "Show all" in html
    assert dangling_references(html) == []
    assert ids_listed(owner_client.get(HISTORY, {"status": "not_a_digit", "digit": "4"})) == [
        answered["not_a_digit"].pk
    ]
    assert ids_listed(owner_client.get(HISTORY, {"status": "not_a_digit", "digit": "5"})) == []


def test_a_reading_links_to_its_page_with_the_filters(owner_client, answered):
    html = owner_client.get(HISTORY, {"status": "unanswered", "digit": "x", "page": "1"}).content.decode()
    # The page number stays behind, and so does a value History ignored.
    assert f'href="{detail_url(answered["unanswered"])}?status=unanswered"' in html
    assert 'class="error" id="id_digit_error"' in html and dangling_references(html) == []


def test_the_answer_of_a_reading_and_its_query_agree(answered):
    for prediction in Prediction.objects.all():
        matching = {
            answer
            for answer, query in ANSWER_QUERIES.items()
            if Prediction.objects.filter(query, pk=prediction.pk).exists()
        }
        assert matching == {prediction.answer}


# Previous and next ----------------------------------------------------------------------------------


def test_a_reading_links_to_the_newer_and_older_ones_in_history_order(owner_client, owner, member):
    oldest, middle, newest = make(owner, "1", minutes_ago=3), make(owner, "2", minutes_ago=2), make(owner, "3")
    make(member, "4", minutes_ago=1)  # another person's, between them in time
    html = owner_client.get(detail_url(middle)).content.decode()
    assert f'id="newer" rel="prev" href="{detail_url(newest)}"' in html
    assert f'id="older" rel="next" href="{detail_url(oldest)}"' in html
    newest_html = owner_client.get(detail_url(newest)).content.decode()
    assert 'id="newer"' not in newest_html and f'href="{detail_url(middle)}"' in newest_html
    assert 'id="older"' not in owner_client.get(detail_url(oldest)).content.decode()


def test_readings_made_at_the_same_moment_still_lead_on(owner):
    moment = timezone.now()
    first, second, third = (make(owner, "1"), make(owner, "2"), make(owner, "3"))
    Prediction.objects.filter(pk__in=[first.pk, second.pk, third.pk]).update(created_at=moment)
    second.refresh_from_db()
    neighbours = selectors.prediction_neighbours(user=owner, prediction=second)
    assert (neighbours.newer, neighbours.older) == (third, first)  # History's order: newest, then highest id


def test_previous_and_next_keep_to_the_filters(owner_client, answered):
    query = "status=unanswered"
    not_sure, unanswered = answered["not_sure"], answered["unanswered"]
    html = owner_client.get(f"{detail_url(not_sure)}?{query}").content.decode()
    assert f'id="older" rel="next" href="{detail_url(unanswered)}?{query}"' in html  # three answered ones skipped
    assert 'id="newer"' not in html
    assert f'href="{HISTORY}?{query}">‹ History' in html
    assert f'name="next" value="{detail_url(not_sure)}?{query}"' in html
    assert f'action="{reverse("recognizer:correct", kwargs={"pk": not_sure.pk})}?{query}"' in html
    # Once answered, a reading no longer matches, and still leads on to its neighbours.
    services.prediction_confirm(prediction=unanswered)
    html = owner_client.get(f"{detail_url(unanswered)}?{query}").content.decode()
    assert f'id="newer" rel="prev" href="{detail_url(not_sure)}?{query}"' in html


def test_a_correction_returns_to_the_page_with_its_filters(owner_client, answered):
    prediction = answered["unanswered"]
    url = reverse("recognizer:correct", kwargs={"pk": prediction.pk})
    response = owner_client.post(f"{url}?status=unanswered", {"correct_label": "9"})
    assert response.url == f"{detail_url(prediction)}?status=unanswered"
    assert stored(prediction) == ("9", False)
