"""Model versions: the committed one serves on a fresh database; promotion through the gate;
rollback; and every process following the setting without a restart."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from learning.models import ModelVersion, Serving
from learning.selectors import model_version_serving
from learning.services import GateRefused, model_version_promote, model_version_rollback
from recognizer import model_in_service, services
from tests.learning.conftest import stored_version, wait_for_service
from tests.pictures import digits_png

pytestmark = pytest.mark.django_db


def test_a_fresh_database_serves_the_committed_model(committed, capsys):
    assert committed.committed and committed.status == ModelVersion.Status.SERVING
    assert model_version_serving() == committed and not Serving.objects.exists()
    call_command("model_versions")
    assert f"* {committed.version}" in capsys.readouterr().out
    assert model_in_service.model_in_service().version == committed.version


def test_a_better_version_is_promoted_and_every_reading_then_records_it(committed, owner, capsys):
    candidate = stored_version("digits-candidate", mnist_accuracy=0.996)
    call_command("promote_model", candidate.version)
    candidate.refresh_from_db()
    committed.refresh_from_db()
    assert candidate.status == ModelVersion.Status.SERVING and committed.status == ModelVersion.Status.RETIRED
    assert Serving.objects.get().version == candidate and Serving.objects.get().previous == committed
    wait_for_service("digits-candidate")  # loaded from the default storage, checked against its card
    prediction = services.prediction_create(user=owner, image=digits_png("7"), multi=False, source="draw")
    assert (prediction.model_version, prediction.number) == ("digits-candidate", "7")

    call_command("rollback_model")
    assert model_version_serving() == committed
    wait_for_service(committed.version)
    call_command("rollback_model")  # and back again: a rollback is undone the same way
    assert model_version_serving().version == "digits-candidate"


def test_the_gate_refuses_a_worse_version_unless_overridden_with_a_reason(committed, owner, admin_user):
    worse = stored_version("digits-worse", mnist_accuracy=0.98, canvas_p50_ms=9.0)
    with pytest.raises(GateRefused) as refused:
        model_version_promote(version=worse, by=admin_user)
    assert "MNIST test accuracy 0.98 against 0.995" in refused.value.messages[0]
    assert "one canvas read" in refused.value.messages[0]
    with pytest.raises(CommandError, match="Promotion refused"):
        call_command("promote_model", worse.version)
    with pytest.raises(ValidationError, match="reason is required"):
        model_version_promote(version=worse, by=admin_user, force=True)
    owner.is_staff = True
    with pytest.raises(ValidationError, match="Only a superuser"):
        model_version_promote(version=worse, by=owner, force=True, reason="I like it")
    assert model_version_serving() == committed  # nothing changed on the way

    model_version_promote(version=worse, by=admin_user, force=True, reason="fixes the 7s of our users")
    worse.refresh_from_db()
    assert worse.status == ModelVersion.Status.SERVING and worse.promoted_by == admin_user
    assert worse.override_reason == "fixes the 7s of our users"


def test_a_comparison_with_another_serving_version_is_stale(committed):
    candidate = stored_version("digits-late", against="digits-that-no-longer-serves")
    with pytest.raises(GateRefused, match="evaluate it again"):
        model_version_promote(version=candidate, by=None)


@pytest.mark.parametrize(
    "status",
    [
        ModelVersion.Status.QUEUED,
        ModelVersion.Status.TRAINING,
        ModelVersion.Status.FAILED,
        ModelVersion.Status.CANCELLED,
    ],
)
def test_only_a_ready_version_can_serve(committed, status):
    unfinished = stored_version(f"digits-{status}", status=status)
    with pytest.raises(ValidationError, match="only a ready version can serve"):
        model_version_promote(version=unfinished, by=None, force=True, reason="try")


def test_nothing_to_roll_back_to_on_a_fresh_database(committed):
    with pytest.raises(ValidationError, match="Nothing to roll back to"):
        model_version_rollback(by=None)


def test_a_version_whose_file_does_not_match_its_card_never_serves(committed, settings, tmp_path):
    settings.MODEL_CACHE_DIR = tmp_path / "models"
    spoilt = stored_version("digits-spoilt", mnist_accuracy=0.999)
    assert spoilt.card is not None
    spoilt.card = {**spoilt.card, "onnx_sha256": "0" * 64}
    spoilt.save(update_fields=["card"])
    model_version_promote(version=spoilt, by=None)
    model_in_service.follow_serving_setting(now=10**9)
    for thread in [t for t in __import__("threading").enumerate() if t.name == "model-switch"]:
        thread.join(timeout=20)
    assert model_in_service.model_in_service().version == committed.version  # the old one keeps serving
