"""One prediction by its URL: only its owner reaches it (everyone else gets a 404); GET, DELETE, and PUT's 405."""

from __future__ import annotations

import json

from recognizer.models import Prediction
from tests.api.conftest import PREDICTIONS, detail_url, stored_files


def test_get_one_of_ones_own(api, stored):
    response = api.get(detail_url(stored.pk))
    assert response.status_code == 200
    assert response.json()["id"] == stored.pk and response.json()["number"] == "7"


def test_another_persons_prediction_is_404_on_every_method(member_api, stored, settings):
    picture = stored_files(settings.MEDIA_ROOT)
    for method, data in [("get", None), ("patch", {"correct_label": "1"}), ("delete", None)]:
        response = getattr(member_api, method)(detail_url(stored.pk), data, format="json")
        assert response.status_code == 404, method
        assert set(response.json()) == {"detail"}
        assert "7" not in json.dumps(response.json()).replace(str(stored.pk), "")
    stored.refresh_from_db()
    assert stored.correct_label is None
    assert stored_files(settings.MEDIA_ROOT) == picture


def test_staff_get_404_too_the_api_shows_only_ones_own(stored, staff):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(staff)
    assert client.get(detail_url(stored.pk)).status_code == 404
    assert client.get(PREDICTIONS).json()["count"] == 0


def test_a_missing_prediction_is_404(api):
    response = api.get(detail_url(999999))
    assert response.status_code == 404
    assert "no prediction" in response.json()["detail"]


def test_put_is_405(api, stored):
    response = api.put(detail_url(stored.pk), {"correct_label": "1"}, format="json")
    assert response.status_code == 405
    assert "PUT" in response.json()["detail"]


def test_delete_removes_the_row_and_the_picture(api, stored, settings, django_capture_on_commit_callbacks):
    assert len(stored_files(settings.MEDIA_ROOT)) == 1
    # The picture goes once the deletion commits; the test's transaction never does, so run its hooks.
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(detail_url(stored.pk))
    assert response.status_code == 204
    assert not response.content
    assert not Prediction.objects.filter(pk=stored.pk).exists()
    assert stored_files(settings.MEDIA_ROOT) == []
    assert api.get(detail_url(stored.pk)).status_code == 404
