"""Liveness (/healthz) and readiness (/readyz) tell the truth, and say it in a few words.

The model's files are real copies of the committed ones, in a folder of the
test's own, so a test can take them away, spoil them or bring them back while
the process keeps running.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from django.test import override_settings

import ml.model
from ml.model import ARTIFACTS_DIR, CARD_NAME, get_model, loaded_model, read_card
from recognizer import model_in_service
from recognizer.models import Prediction
from tests.api.conftest import READINGS, upload
from tests.servers import without_database

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


def wait_until(condition, seconds: float = 60) -> bool:
    """Poll ``condition`` until it holds; False if it never did within ``seconds`` (a bound, not a measure)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def copy_model(folder: Path) -> None:
    card = read_card(ARTIFACTS_DIR)
    for name in (card["onnx_file"], CARD_NAME):
        shutil.copy(ARTIFACTS_DIR / name, folder / name)


@pytest.fixture
def artifacts(tmp_path, monkeypatch):
    """This process as if freshly started, its model files in an empty folder of the test's own."""
    folder = tmp_path / "artifacts"
    folder.mkdir()
    monkeypatch.setattr(ml.model, "ARTIFACTS_DIR", folder)
    monkeypatch.setattr(ml.model, "_model", None)
    monkeypatch.setattr(model_in_service, "_started", False)
    monkeypatch.setattr(model_in_service, "_failure", None)
    monkeypatch.setattr(model_in_service, "RETRY_FIRST_SECONDS", 0.05)  # the back-off starts small here, not at 5 s
    yield folder
    monkeypatch.undo()
    # A retry still pending now finds the committed files and stops.


def failed_with(reason: str):
    return lambda: model_in_service._failure is not None and model_in_service._failure.reason == reason


# --- Liveness --------------------------------------------------------------------------


def test_healthz_gives_a_short_reason_and_logs_where(anon, artifacts, caplog):
    anon.get("/healthz")  # starts the load, which fails: there is no card
    assert wait_until(failed_with("model card missing or unreadable"))
    response = anon.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "model card missing or unreadable"}
    assert str(artifacts) not in response.content.decode() and "/" not in response.json()["reason"]
    assert str(artifacts / CARD_NAME) in caplog.text  # the whole story is in the log


def test_a_failed_load_is_tried_again_without_any_request(anon, artifacts):
    assert anon.get("/healthz").status_code == 503
    assert wait_until(failed_with("model card missing or unreadable"))
    copy_model(artifacts)  # the files come back; no request is made from here on ...
    assert wait_until(lambda: loaded_model() is not None)  # ... and the process loads them by itself
    response = anon.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "model": read_card()["version"]}
    assert model_in_service._failure is None


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (lambda folder: (folder / CARD_NAME).write_text("{}"), "model card incomplete"),
        (lambda folder: (folder / CARD_NAME).write_text('{"version": '), "model card is not valid JSON"),
        (lambda folder: (folder / read_card(folder)["onnx_file"]).unlink(), "model file missing or unreadable"),
        # Another file under the card's name: refused, not served under the card's version and accuracy.
        (
            lambda folder: shutil.copy(
                ARTIFACTS_DIR / read_card(ARTIFACTS_DIR)["file"], folder / read_card(folder)["onnx_file"]
            ),
            "model file does not match its card",
        ),
    ],
)
def test_spoilt_model_files_give_a_clear_503_never_a_500(api, anon, artifacts, png, spoil, reason, monkeypatch):
    copy_model(artifacts)
    spoil(artifacts)
    # A retry left pending by an earlier test may have loaded the files before they were spoilt.
    monkeypatch.setattr(ml.model, "_model", None)
    anon.get("/healthz")
    assert wait_until(failed_with(reason))
    assert anon.get("/healthz").json() == {"status": "unavailable", "reason": reason}
    response = api.post("/api/v1/predictions/", {"image": upload(png["7"])}, format="multipart")
    assert response.status_code == 503 and "not ready" in response.json()["detail"]
    assert api.post(READINGS, {"image": upload(png["7"])}, format="multipart").status_code == 503
    assert Prediction.objects.count() == 0


# --- Readiness ---------------------------------------------------------------------------


def test_readyz_is_ok_when_everything_answers(anon, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "1/minute", "anon": "1/minute"},
    }
    version = get_model().version
    for _ in range(3):  # public and never throttled
        response = anon.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "model": version}
        assert "no-cache" in response["Cache-Control"]


def test_readyz_without_the_model(anon, artifacts):
    anon.get("/readyz")
    assert wait_until(failed_with("model card missing or unreadable"))
    response = anon.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "model card missing or unreadable"}


def test_readyz_without_the_cache_table(anon, caplog):
    """`migrate` alone makes no cache table: the site is not ready, whatever /healthz says."""
    get_model()
    # Only for these requests: the fixtures clear the real cache afterwards.
    with override_settings(
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "no_such_cache_table"}
        }
    ):
        assert anon.get("/healthz").status_code == 200  # alive ...
        response = anon.get("/readyz")  # ... but not ready
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "cache unavailable"}
    assert "no_such_cache_table" in caplog.text


def test_readyz_without_collected_static_files(anon, db, settings, tmp_path):
    get_model()
    settings.STORAGES = MANIFEST_STORAGE
    settings.STATIC_ROOT = tmp_path / "static"
    response = anon.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "static files not collected"}
    settings.DEBUG = True  # development serves static files from their folders: no manifest needed
    assert anon.get("/readyz").status_code == 200
    settings.DEBUG = False
    settings.STATIC_ROOT.mkdir()
    (settings.STATIC_ROOT / "staticfiles.json").write_text(json.dumps({"paths": {}, "version": "1.1"}))
    assert anon.get("/readyz").status_code == 200


def test_readyz_without_a_database_while_healthz_stays_up(tmp_path):
    """A database that cannot be reached: not ready (503, a short reason), yet alive."""
    script = """
for path in ("/healthz", "/readyz"):
    response = client.get(path)
    print(response.status_code, response.json()["status"], response.json().get("reason"))
"""
    result = without_database(tmp_path, script)
    assert result.stdout.splitlines()[-2:] == ["200 ok None", "503 unavailable database unavailable"]
    assert str(tmp_path) not in result.stdout  # the reason names no path; the log (stderr) does
    assert "unable to open database file" in result.stderr
