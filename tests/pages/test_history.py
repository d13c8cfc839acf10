"""History: a person's own readings, newest first, 24 a page, filtered by digit, source and status."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from recognizer.models import ANSWER_QUERIES, Prediction
from recognizer.views import HISTORY_PAGE_SIZE
from tests.a11y import dangling_references
from tests.pages.readings import HISTORY, detail_url, ids_listed, make

pytestmark = pytest.mark.django_db


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
