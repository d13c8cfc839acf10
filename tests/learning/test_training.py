"""Training runs in the worker (django-tasks, database backend): queued, trained, stored,
compared with the version in service; cancelled, failed, one at a time; corrections held back."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from learning.models import ModelVersion
from learning.selectors import model_version_serving
from learning.services import GateRefused, model_version_promote
from learning.training import HELD_BACK_SHARE, held_back, model_version_cancel, model_version_queue
from recognizer import services
from recognizer.corrections import corrections_export
from tests.learning.conftest import wait_for_service
from tests.ml.test_train import FIXTURE
from tests.pictures import digits_png

pytestmark = pytest.mark.django_db(transaction=True)  # the worker sees only what is committed
Status = ModelVersion.Status


@pytest.fixture(autouse=True)
def small_data(settings, tmp_path):
    """A real sample of MNIST as training data, and no other sets: a run of seconds, not half an hour."""
    with np.load(FIXTURE) as sample:
        x, y = sample["x"], sample["y"]
    np.savez(tmp_path / "mnist.npz", x_train=x[:800], y_train=y[:800], x_test=x[800:], y_test=y[800:])
    settings.LEARNING_MNIST = tmp_path / "mnist.npz"
    settings.LEARNING_HANDWRITING = tmp_path / "no-other-sets"
    settings.LEARNING_WIDTH = 0.5
    settings.MODEL_CACHE_DIR = tmp_path / "models"


def work_the_queue() -> None:
    call_command("db_worker", "--batch", "--queue-name", "training", "--no-startup-delay", "--interval", "0.1")


def test_a_queued_run_trains_in_the_worker_and_is_compared_with_the_version_in_service(owner, admin_user, capsys):
    answered = [answered_reading(owner, "4", "9") for _ in range(5)]
    while all(held_back(r.pk) for r in answered) or not any(held_back(r.pk) for r in answered):
        answered.append(answered_reading(owner, "4", "9"))  # until the ids fall on both sides of the split
    held = sum(held_back(r.pk) for r in answered)
    call_command("train_model", "--queue", "--epochs", "1", "--limit", "300")
    version = ModelVersion.objects.get(committed=False)
    assert version.status == Status.QUEUED and "queued " + version.version in capsys.readouterr().out
    assert DBTaskResult.objects.filter(queue_name="training").count() == 1

    work_the_queue()
    version.refresh_from_db()
    assert version.status == Status.READY, version.error
    assert version.card is not None
    assert version.card["version"] == version.version and version.onnx.name and version.keras.name
    assert version.progress["epoch"] == 1 and version.progress["epochs"] == 1
    assert "epoch 1/1" in version.log and version.command.startswith("train_model --queue --epochs 1 --limit 300")
    # The held-back answers were kept for the gate, and only the others were trained on.
    trained = len(answered) - held
    assert (version.data["corrections"], version.data["held_back_corrections"]) == (trained, held)
    assert f"corrections: {trained} images for training, {held} held back for the gate" in version.log
    assert version.card["extra_data"]["images"] == trained
    served = model_version_serving()
    evaluation = version.evaluation
    assert evaluation is not None
    assert evaluation["serving_version"] == served.version != version.version
    for side in ("candidate", "serving"):
        assert 0 <= evaluation[side]["mnist_accuracy"] <= 1 and evaluation[side]["canvas_p50_ms"] > 0
        assert 50 < evaluation[side]["resident_mb"] < 300  # a serving process, measured in one of its own
    assert evaluation["serving"]["mnist_accuracy"] > evaluation["candidate"]["mnist_accuracy"]  # 300 images, 1 epoch

    # A few hundred images do not make a better model: the gate says so, a superuser may overrule it.
    with pytest.raises(GateRefused, match="MNIST test accuracy"):
        model_version_promote(version=version, by=admin_user)
    model_version_promote(version=version, by=admin_user, force=True, reason="a drill")
    wait_for_service(version.version)
    reading = services.prediction_create(user=owner, image=digits_png("7"), multi=False, source="draw")
    assert reading.model_version == version.version


def test_a_run_cancelled_in_the_queue_never_trains():
    version = model_version_queue(by=None, epochs=1, limit=300)
    model_version_cancel(version=version)
    work_the_queue()
    version.refresh_from_db()
    assert version.status == Status.CANCELLED and not version.onnx and version.log == ""


def test_a_run_cancelled_while_training_stops_after_its_epoch():
    version = model_version_queue(by=None, epochs=3, limit=300)
    ModelVersion.objects.filter(pk=version.pk).update(cancel_requested=True)  # as the admin's button does mid-run
    work_the_queue()
    version.refresh_from_db()
    assert version.status == Status.CANCELLED and version.progress["epoch"] == 1
    assert "cancelled by staff" in version.log and not version.onnx and version.running is None


def test_a_failed_run_says_why_and_leaves_the_version_in_service(settings, tmp_path):
    serving = model_version_serving()
    settings.LEARNING_MNIST = tmp_path / "nowhere"
    version = model_version_queue(by=None, epochs=1, limit=300)
    work_the_queue()
    version.refresh_from_db()
    assert version.status == Status.FAILED and "neither a folder of MNIST IDX files nor an .npz" in version.error
    assert model_version_serving() == serving and version.running is None
    with pytest.raises(Exception, match="only a ready version"):
        model_version_promote(version=version, by=None, force=True, reason="no")


def test_two_runs_never_train_at_once():
    elsewhere = ModelVersion.objects.create(version="digits-on-another-machine", status=Status.TRAINING, running=True)
    waiting = model_version_queue(by=None, epochs=1, limit=300)
    work_the_queue()  # the one task runs, finds the other training, and queues itself again for later
    waiting.refresh_from_db()
    assert waiting.status == Status.QUEUED and "another run is training" in waiting.log
    later = DBTaskResult.objects.filter(queue_name="training").order_by("-enqueued_at").first()
    assert later is not None
    assert later.run_after is not None and later.args_kwargs["args"] == [waiting.pk]
    elsewhere.refresh_from_db()
    assert elsewhere.running is True  # untouched


def answered_reading(owner, drawn: str, answer: str):
    """A reading of ``drawn`` whose owner answered ``answer`` and that a reviewer checked."""
    reading = services.prediction_create(user=owner, image=digits_png(drawn), multi=False, source="draw")
    services.prediction_correct(prediction=reading, correct_label=answer)
    reading.reviewed = True
    reading.save(update_fields=["reviewed"])
    return reading


def test_a_fixed_share_of_answers_is_held_back_and_never_trained_on(owner, settings, tmp_path):
    share = np.mean([held_back(pk) for pk in range(1, 5001)])
    assert abs(share - HELD_BACK_SHARE) < 0.02
    # The rule never moves a reading between the two sides: these ids were held back when it was written.
    assert [pk for pk in range(1, 60) if held_back(pk)] == [2, 3, 8, 16, 17, 23, 26, 30, 41, 47, 56, 57]
    readings = [answered_reading(owner, "4", "9") for _ in range(12)]
    trained = corrections_export(path=tmp_path / "train.npz", keep=lambda pk: not held_back(pk))
    kept = corrections_export(path=tmp_path / "held.npz", keep=held_back)
    assert trained.readings + kept.readings == 12
    assert kept.readings == sum(held_back(r.pk) for r in readings)
