"""GET of the list of predictions: the caller's own, newest first, in pages, filtered as History filters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from recognizer import services
from recognizer.models import Prediction
from tests.api.conftest import PREDICTION_FIELDS, PREDICTIONS


def make(user, number: str, *, source: str = "api", created_at=None) -> Prediction:
    """A stored reading made directly in the database (the list tests need many, not the model)."""
    multi = len(number) > 1
    digits = [
        {
            "digit": int(c),
            "confidence": 0.9,
            "probabilities": [0.01] * 10,
            "box": [i * 10, 0, 8, 8],
            "uncertain": False,
            "not_digit": 0.0,
        }
        for i, c in enumerate(number)
    ]
    return Prediction.objects.create(
        user=user,
        source=source,
        multi=multi,
        image="",
        width=280,
        height=280,
        digit=None if multi else int(number),
        confidence=0.9,
        probabilities=None if multi else [0.01] * 10,
        digits=digits,
        lines=[{"number": number, "box": [0, 0, 10 * len(number) - 2, 8], "digits": digits}],
        number=number,
        model_version="test",
        duration_ms=1.0,
        created_at=created_at or timezone.now(),
    )


def test_the_list_is_the_callers_own_newest_first(api, owner, member):
    base = timezone.now() - dt.timedelta(hours=1)
    mine = [make(owner, str(i), created_at=base + dt.timedelta(minutes=i)) for i in range(3)]
    make(member, "5", created_at=base + dt.timedelta(minutes=10))
    response = api.get(PREDICTIONS)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3 and body["next"] is None and body["previous"] is None
    assert [p["id"] for p in body["results"]] == [p.pk for p in reversed(mine)]
    assert set(body["results"][0]) == PREDICTION_FIELDS


def test_the_list_pages_by_25_and_page_size_goes_up_to_100(api, owner):
    now = timezone.now()
    Prediction.objects.bulk_create(
        [
            Prediction(
                user=owner,
                source="api",
                image="",
                width=1,
                height=1,
                digit=1,
                confidence=0.9,
                probabilities=[0.1] * 10,
                digits=[],
                number="1",
                model_version="t",
                duration_ms=1,
                created_at=now - dt.timedelta(seconds=i),
            )
            for i in range(105)
        ]
    )
    first = api.get(PREDICTIONS).json()
    assert first["count"] == 105 and len(first["results"]) == 25
    assert first["next"].endswith("?page=2") and first["previous"] is None
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 25 and second["previous"]
    assert not {p["id"] for p in first["results"]} & {p["id"] for p in second["results"]}
    assert len(api.get(PREDICTIONS, {"page_size": 10}).json()["results"]) == 10
    assert len(api.get(PREDICTIONS, {"page_size": 1000}).json()["results"]) == 100
    last = api.get(PREDICTIONS, {"page": 5}).json()
    assert len(last["results"]) == 5 and last["next"] is None


def test_a_page_past_the_end_is_a_json_404(api, owner):
    make(owner, "1")
    response = api.get(PREDICTIONS, {"page": 9})
    assert response.status_code == 404
    assert response.json()["detail"]


def test_filters(api, owner, member):
    now = timezone.now()
    old = make(owner, "4", source="draw", created_at=now - dt.timedelta(days=3))
    line = make(owner, "407", source="api", created_at=now - dt.timedelta(days=1))
    seven = make(owner, "7", source="upload", created_at=now)
    make(member, "4", source="draw")

    def ids(**query):
        response = api.get(PREDICTIONS, query)
        assert response.status_code == 200, response.content
        return [p["id"] for p in response.json()["results"]]

    assert ids(digit=4) == [line.pk, old.pk]  # "407" contains a 4
    assert ids(digit=7) == [seven.pk, line.pk]
    assert ids(digit=9) == []
    assert ids(source="draw") == [old.pk]
    assert ids(created_after=(now - dt.timedelta(days=2)).isoformat()) == [seven.pk, line.pk]
    assert ids(created_before=(now - dt.timedelta(days=2)).isoformat()) == [old.pk]
    assert ids(digit=4, created_after=(now - dt.timedelta(days=2)).isoformat()) == [line.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"digit": "x"}, "digit"),
        ({"digit": 12}, "digit"),
        ({"source": "fax"}, "source"),
        ({"created_after": "yesterday"}, "created_after"),
    ],
)
def test_bad_filters_are_400_naming_them(api, query, field):
    response = api.get(PREDICTIONS, query)
    assert response.status_code == 400
    assert field in response.json()["detail"] and field in response.json()


def test_the_list_filters_by_status_as_history_does(api, owner, member):
    now = timezone.now()
    plain = make(owner, "1", created_at=now - dt.timedelta(minutes=5))
    unsure = make(owner, "2", created_at=now - dt.timedelta(minutes=4))
    Prediction.objects.filter(pk=unsure.pk).update(uncertain=True)
    confirmed = services.prediction_confirm(prediction=make(owner, "3", created_at=now - dt.timedelta(minutes=3)))
    corrected = services.prediction_correct(
        prediction=make(owner, "4", created_at=now - dt.timedelta(minutes=2)), correct_label="9"
    )
    star = services.prediction_mark_not_digit(prediction=make(owner, "5", created_at=now - dt.timedelta(minutes=1)))
    services.prediction_mark_not_digit(prediction=make(member, "5"))

    def ids(**query):
        response = api.get(PREDICTIONS, query)
        assert response.status_code == 200, response.content
        return [p["id"] for p in response.json()["results"]]

    assert ids(status="not_a_digit") == [star.pk]
    assert ids(status="confirmed") == [confirmed.pk]
    assert ids(status="corrected") == [corrected.pk]
    assert ids(status="not_sure") == [unsure.pk]
    assert ids(status="unanswered") == [unsure.pk, plain.pk]
    assert ids(status="not_a_digit", digit=5) == [star.pk] and ids(status="not_a_digit", digit=4) == []
    response = api.get(PREDICTIONS, {"status": "maybe"})
    assert response.status_code == 400 and "status" in response.json()
