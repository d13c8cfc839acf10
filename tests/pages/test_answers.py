"""Review in two clicks: "Yes, that's right", "Not a digit" and taking them back, on a reading's page
and on History. One answer a reading: the last given."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from recognizer import services
from recognizer.models import Answer, Prediction
from tests.a11y import dangling_references
from tests.pages.readings import HISTORY, answer_url, detail_url, ids_listed, make, stored_answer

pytestmark = pytest.mark.django_db


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
    assert stored_answer(prediction) == ("45", False) and prediction.answer == Answer.CONFIRMED
    html = response.content.decode()
    assert "Thanks: saved 45 as right." in html
    assert '<span class="badge ok">Confirmed</span> You said this reading is right.' in html
    assert 'value="confirm"' not in html and 'value="clear"' in html  # it can be taken back
    assert dangling_references(html) == []


def test_not_a_digit_is_stored_as_an_answer_not_a_label(owner_client, owner):
    prediction = make(owner, "7")
    response = owner_client.post(answer_url(prediction), {"answer": "not_a_digit"}, follow=True)
    assert response.redirect_chain == [(detail_url(prediction), 302)]  # no `next`: the reading's page
    assert stored_answer(prediction) == (None, True) and prediction.answer == Answer.NOT_A_DIGIT
    html = response.content.decode()
    assert "Thanks: saved the reading of 7 as not a digit." in html
    assert "You said the picture shows no digit." in html
    assert 'value="not_a_digit"' not in html and 'value="confirm"' in html


def test_undo_takes_back_either_answer(owner_client, owner):
    prediction = make(owner, "7")
    for given in ("confirm", "not_a_digit"):
        owner_client.post(answer_url(prediction), {"answer": given})
        assert stored_answer(prediction) != (None, False)
        response = owner_client.post(answer_url(prediction), {"answer": "clear"}, follow=True)
        assert stored_answer(prediction) == (None, False) and prediction.answer == Answer.UNANSWERED
        assert "Took back your answer about the reading of 7." in response.content.decode()


def test_a_reading_has_one_answer_the_last_given(owner_client, owner):
    prediction = make(owner, "7")
    owner_client.post(reverse("recognizer:correct", kwargs={"pk": prediction.pk}), {"correct_label": "1"})
    assert stored_answer(prediction) == ("1", False)
    owner_client.post(answer_url(prediction), {"answer": "not_a_digit"})
    assert stored_answer(prediction) == (None, True)  # "Not a digit" replaced the correction
    owner_client.post(reverse("recognizer:correct", kwargs={"pk": prediction.pk}), {"correct_label": "1"})
    assert stored_answer(prediction) == ("1", False)  # and a correction replaces "Not a digit"
    owner_client.post(answer_url(prediction), {"answer": "not_a_digit"})
    owner_client.post(answer_url(prediction), {"answer": "confirm"})
    assert stored_answer(prediction) == ("7", False)


def test_the_database_refuses_both_answers_at_once(owner):
    prediction = make(owner, "7")
    with pytest.raises(IntegrityError), transaction.atomic():
        Prediction.objects.filter(pk=prediction.pk).update(correct_label="1", marked_not_a_digit=True)
    with pytest.raises(Exception, match="either corrected or not a digit"):
        services.prediction_correct(prediction=prediction, correct_label="1", marked_not_a_digit=True)
    assert stored_answer(prediction) == (None, False)


def test_another_persons_reading_is_404_and_unchanged(client, owner, member):
    prediction = make(owner, "6")
    client.force_login(member)
    for given in ("confirm", "not_a_digit", "clear"):
        assert client.post(answer_url(prediction), {"answer": given}).status_code == 404
    assert stored_answer(prediction) == (None, False)
    assert client.post(reverse("recognizer:answer", kwargs={"pk": 999999}), {"answer": "confirm"}).status_code == 404


def test_visitors_are_sent_to_log_in_and_nothing_changes(client, owner):
    prediction = make(owner, "6")
    response = client.post(answer_url(prediction), {"answer": "confirm"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert stored_answer(prediction) == (None, False)


def test_only_a_known_answer_by_post_is_taken(owner_client, owner):
    prediction = make(owner, "6")
    assert owner_client.get(answer_url(prediction)).status_code == 405
    assert owner_client.post(answer_url(prediction), {"answer": "maybe"}).status_code == 400
    assert owner_client.post(answer_url(prediction), {}).status_code == 400
    assert stored_answer(prediction) == (None, False)


def test_it_goes_back_only_to_a_page_of_the_site(owner_client, owner):
    prediction = make(owner, "6")
    for elsewhere in ("https://evil.example/", "//evil.example/history/", "javascript:alert(1)"):
        response = owner_client.post(answer_url(prediction), {"answer": "confirm", "next": elsewhere})
        assert response.url == detail_url(prediction)


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
    assert stored_answer(prediction) == (None, True)
    after = owner_client.get(page)
    assert "Thanks: saved the reading of 7 as not a digit." in after.content.decode()
    assert ids_listed(after) == []  # answered: no longer among the unanswered
