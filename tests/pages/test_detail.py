"""One reading's page, which only its owner sees, and its deletion."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from recognizer.models import Prediction
from tests.a11y import dangling_references, described_by
from tests.pages.readings import ids_listed, make

pytestmark = pytest.mark.django_db


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
