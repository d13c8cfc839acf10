"""The learning loop in the admin: staff train, watch, compare, promote and roll back; others cannot."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from learning.models import ModelVersion, Serving
from learning.selectors import model_version_serving
from tests.conftest import PASSWORD
from tests.learning.conftest import stored_version

pytestmark = pytest.mark.django_db
Status = ModelVersion.Status
CHANGELIST = reverse("admin:learning_modelversion_changelist")
TRAIN = reverse("admin:learning_modelversion_train")
ROLLBACK = reverse("admin:learning_modelversion_rollback")


@pytest.fixture
def reviewer(django_user_model):
    """Staff who may change model versions, but no superuser."""
    user = django_user_model.objects.create_user("rene", "", PASSWORD, is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_modelversion", "change_modelversion"]))
    return user


def change(version: ModelVersion) -> str:
    return reverse("admin:learning_modelversion_change", args=[version.pk])


def test_the_list_shows_every_version_and_which_serves(client, staff, committed):
    client.force_login(staff)
    html = client.get(CHANGELIST).content.decode()
    assert committed.version in html and f'href="{TRAIN}"' in html
    assert f"In service: <strong>{committed.version}</strong>" in html


def test_staff_queue_a_training_run_from_the_admin(client, reviewer, django_capture_on_commit_callbacks):
    client.force_login(reviewer)
    assert client.get(TRAIN).status_code == 200
    assert client.post(TRAIN, {"epochs": "0"}).status_code == 200  # refused, said on the form
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(TRAIN, {"epochs": "1", "limit": "300", "corrections": "on"})
    version = ModelVersion.objects.get(committed=False)
    assert response.status_code == 302 and response["Location"] == change(version)
    assert (version.status, version.started_by, version.options) == (
        Status.QUEUED,
        reviewer,
        {"epochs": 1, "limit": 300, "corrections": True},
    )
    assert len(queued) == 1  # the task, once the row is committed
    page = client.get(change(version)).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page and "Waiting for a worker" in page
    assert client.post(reverse("admin:learning_modelversion_cancel", args=[version.pk])).status_code == 302
    version.refresh_from_db()
    assert version.status == Status.CANCELLED


def test_the_version_page_compares_and_the_gate_decides(client, reviewer, staff, committed):
    worse = stored_version("digits-worse", mnist_accuracy=0.97)
    assert worse.evaluation is not None
    worse.evaluation["candidate"]["mnist_per_class"] = {str(d): 0.95 for d in range(10)}
    worse.evaluation["serving"]["mnist_per_class"] = {str(d): 0.99 for d in range(10)}
    worse.save(update_fields=["evaluation"])
    client.force_login(reviewer)
    page = client.get(change(worse)).content.decode()
    assert "<td>MNIST test accuracy</td><td>97.00%</td><td>99.50%</td><td>-2.50%</td>" in page
    assert "worse than the margin" in page and 'id="class-bars"' in page and page.count("<rect") == 20
    assert "The gate refuses it: MNIST test accuracy 0.97 against 0.995" in page
    promote = reverse("admin:learning_modelversion_promote", args=[worse.pk])
    client.post(promote, {"reason": "I say so"})  # staff, not a superuser: refused
    assert model_version_serving() == committed

    client.force_login(staff)  # a superuser, with a reason
    assert 'name="reason"' in client.get(change(worse)).content.decode()
    response = client.post(promote, {"reason": "better on our users' 7s"})
    assert response.status_code == 302
    worse.refresh_from_db()
    assert model_version_serving() == worse and worse.override_reason == "better on our users' 7s"
    assert worse.promoted_by == staff

    client.post(ROLLBACK)
    assert model_version_serving() == committed and Serving.objects.get().previous == worse


def test_a_version_that_passes_the_gate_is_promoted_by_staff(client, reviewer, committed):
    better = stored_version("digits-better", mnist_accuracy=0.999)
    client.force_login(reviewer)
    client.post(reverse("admin:learning_modelversion_promote", args=[better.pk]))
    assert model_version_serving() == better and better.override_reason == ""


def test_people_who_are_not_staff_never_reach_it(client, owner, committed):
    client.force_login(owner)
    for url in (CHANGELIST, TRAIN, change(committed)):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.post(ROLLBACK)
    assert not Serving.objects.exists()
