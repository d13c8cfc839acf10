"""Previous and next between readings on a reading's page, in History's order and within its filters."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from recognizer import selectors, services
from recognizer.models import Prediction
from tests.pages.readings import HISTORY, detail_url, make, stored_answer

pytestmark = pytest.mark.django_db


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
    assert stored_answer(prediction) == ("9", False)
