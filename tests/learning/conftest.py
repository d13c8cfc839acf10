"""Model versions made of real files: the committed model's, stored again under a new name."""

from __future__ import annotations

import time

import pytest
from django.core.files.base import ContentFile

from learning.models import ModelVersion
from learning.selectors import model_version_committed, model_version_serving
from ml.model import ARTIFACTS_DIR, read_card
from recognizer import model_in_service

FIGURES = {
    "mnist_accuracy": 0.995,
    "heldout_accuracy": 0.98,
    "non_digits_refused": 0.95,
    "corrections_accuracy": None,
    "ece": 0.01,
    "canvas_p50_ms": 2.0,
    "resident_mb": 130.0,
}


def stored_version(
    name: str, *, evaluation: dict | None = None, status=ModelVersion.Status.READY, against: str | None = None, **better
) -> ModelVersion:
    """A trained version in the default storage: the committed model's graph under a new name, with
    its gate figures (``better`` changes the candidate's; the version in service keeps FIGURES)."""
    card = {**read_card(), "version": name}
    version = ModelVersion(version=name, card=card, status=status, command="python manage.py train_model --queue")
    onnx = (ARTIFACTS_DIR / card["onnx_file"]).read_bytes()
    version.onnx.save(card["onnx_file"], ContentFile(onnx), save=False)
    version.evaluation = (
        evaluation
        if evaluation is not None
        else {
            "serving_version": against or model_version_serving().version,
            "candidate": {**FIGURES, **better},
            "serving": dict(FIGURES),
        }
    )
    version.save()
    return version


@pytest.fixture
def committed(db) -> ModelVersion:
    return model_version_committed()


@pytest.fixture(autouse=True)
def _model_in_service_follows_afresh():
    """Each test starts with the committed model serving in this process, and leaves it so."""

    def reset():
        model_in_service._switched = None
        model_in_service._next_look = 0.0

    reset()
    yield
    reset()


def wait_for_service(version: str, timeout: float = 20.0) -> None:
    """Until this process serves ``version`` (the switch loads it in a background thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        model_in_service.follow_serving_setting(now=time.monotonic() + 3600)
        if model_in_service.model_in_service().version == version:
            return
        time.sleep(0.05)
    raise AssertionError(f"still serving {model_in_service.model_in_service().version}, not {version}")
