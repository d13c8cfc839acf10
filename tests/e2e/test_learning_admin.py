"""The learning loop in a real browser: a superuser starts a test-sized training run from the
admin, a worker trains it, the version page compares it with the model in service, and it is
promoted past the gate with a reason, then rolled back."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from learning.models import ModelVersion
from learning.selectors import model_version_committed, model_version_serving
from tests.conftest import PASSWORD
from tests.learning.test_training import small_data  # noqa: F401  (a fixture: a real sample of MNIST)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("small_data")]


def test_train_compare_promote_and_roll_back_from_the_admin(page):
    User.objects.create_superuser("ada", "ada@example.com", PASSWORD)
    token = Token.objects.create(user=User.objects.get(username="ada")).key
    committed = model_version_committed()
    page.goto("/admin/login/?next=/admin/learning/modelversion/")
    page.fill("#id_username", "ada")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.locator("#serving-now", has_text=committed.version).wait_for()

    page.click("text=Train a new version")
    page.fill("#id_epochs", "1")
    page.fill("#id_limit", "300")
    page.click("text=Queue the training run")
    page.locator("#progress", has_text="Waiting for a worker").wait_for()
    version = ModelVersion.objects.get(committed=False)

    call_command("db_worker", "--batch", "--queue-name", "training", "--no-startup-delay", "--interval", "0.1")
    page.reload()
    page.locator("#comparison").wait_for()
    assert page.locator("#progress").inner_text().startswith("Epoch 1 of 1")
    assert page.locator("#comparison tbody tr").count() == 7
    assert page.locator("#class-bars rect").count() >= 2
    assert "The gate refuses it" in page.locator("#promote").inner_text()  # 300 images make no better model

    page.fill("#id_reason", "a fire drill")
    page.click("#promote-version")
    page.locator(".messagelist", has_text="serves now").wait_for()
    assert model_version_serving() == version

    def in_service() -> str:
        return page.request.get("/api/v1/model/", headers={"Authorization": f"Token {token}"}).json()["version"]

    for _ in range(100):  # the app server follows the setting within a second or two
        if in_service() == version.version:
            break
        page.wait_for_timeout(100)
    assert in_service() == version.version

    page.goto("/admin/learning/modelversion/")
    page.click("text=Roll back to the version before")
    page.locator(".messagelist", has_text=re.compile(f"{committed.version} serves again")).wait_for()
    assert model_version_serving() == committed
    assert page.js_errors == []


def test_the_review_queue_works_from_the_keyboard_alone(page):
    from recognizer import services
    from tests.pictures import digits_png

    User.objects.create_superuser("rev", "rev@example.com", PASSWORD)
    owner = User.objects.create_user("own", "", PASSWORD)
    first, second = (
        services.prediction_create(user=owner, image=digits_png("7"), multi=False, source="draw") for _ in range(2)
    )
    for prediction in (first, second):
        services.prediction_correct(prediction=prediction, correct_label="1")
    page.goto("/admin/login/?next=/admin/review/")
    page.fill("#id_username", "rev")
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.locator("#review-item", has_text=f"Reading {first.pk}").wait_for()
    page.keyboard.press("Control+a")
    page.keyboard.type("1")  # the field has the focus: type, Enter
    page.keyboard.press("Enter")
    page.locator("#review-item", has_text=f"Reading {second.pk}").wait_for()
    page.keyboard.press("Tab")  # to "Save and next"
    page.keyboard.press("Tab")  # to "Not a digit"
    page.keyboard.press("Enter")
    page.locator("#queue-empty").wait_for()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.reviewed, first.correct_label) == (True, "1")
    assert (second.reviewed, second.marked_not_a_digit) == (True, True)
    assert page.js_errors == []
