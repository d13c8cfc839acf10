"""A training run, from the queue to a version ready for the gate.

Queued by staff (the admin, or `train_model --queue`), run by a worker
(`python manage.py db_worker`, the django-tasks database backend), one at a
time. The run trains in a folder of its own; its files reach the default
storage only when complete, and the version in service is never touched: a
failed or cancelled run says why and leaves everything else as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils import timezone

from learning.models import ModelVersion
from learning.selectors import model_version_serving
from learning.serving import model_directory
from ml.data import Mnist, load_extra, load_mnist

Status = ModelVersion.Status
logger = logging.getLogger(__name__)

# The share of answered readings held back from training, for the gate only. Chosen by a
# hash of the reading's id, so a reading never moves between the two.
HELD_BACK_SHARE = 0.2
WAIT_SECONDS = 60  # before a run queued behind another is tried again


class Cancelled(Exception):
    """Staff cancelled the run."""


def held_back(prediction_id: int) -> bool:
    digest = hashlib.sha256(f"prediction:{prediction_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") < HELD_BACK_SHARE * 2**32


def model_version_queue(
    *, by: User | None, epochs: int, limit: int | None = None, corrections: bool = True
) -> ModelVersion:
    """A new version, queued for a worker to train."""
    from learning.tasks import model_version_train

    if epochs < 1:
        raise ValueError("epochs must be at least 1")
    now = timezone.now()
    version = ModelVersion.objects.create(
        version=f"digits-{now:%Y%m%d-%H%M%S}-{now.microsecond // 1000:03d}",
        started_by=by,
        options={"epochs": epochs, "limit": limit, "corrections": corrections},
    )
    transaction.on_commit(lambda: model_version_train.enqueue(version.pk))
    return version


def model_version_cancel(*, version: ModelVersion) -> ModelVersion:
    """Stop a run: at once if it waits in the queue, after its current epoch if it trains."""
    if version.status == Status.QUEUED:
        ModelVersion.objects.filter(pk=version.pk, status=Status.QUEUED).update(status=Status.CANCELLED)
    elif version.status in (Status.TRAINING, Status.EVALUATING):
        ModelVersion.objects.filter(pk=version.pk).update(cancel_requested=True)
    version.refresh_from_db()
    return version


def _append_log(pk: int, line: str) -> None:
    ModelVersion.objects.filter(pk=pk).update(log=Concat("log", Value(line + "\n")))


def _claim(pk: int) -> bool:
    """This run starts training, unless another one is training (then it waits its turn)."""
    try:
        with transaction.atomic():
            return bool(
                ModelVersion.objects.filter(pk=pk, status=Status.QUEUED, running__isnull=True).update(
                    status=Status.TRAINING, running=True
                )
            )
    except IntegrityError:  # another version holds running=True
        return False


def model_version_run(*, pk: int) -> str:
    """Train, store and evaluate one queued version; returns its final status."""
    if not _claim(pk):
        status = ModelVersion.objects.filter(pk=pk).values_list("status", flat=True).first()
        if status == Status.QUEUED:  # another run trains: this one waits its turn in the queue
            from learning.tasks import model_version_train

            later = timezone.now() + dt.timedelta(seconds=WAIT_SECONDS)
            model_version_train.using(run_after=later).enqueue(pk)
            _append_log(pk, f"another run is training; tried again at {later:%H:%M:%S}")
        return status or "missing"
    version = ModelVersion.objects.get(pk=pk)
    try:
        with tempfile.TemporaryDirectory(prefix=f"{version.version}-") as folder:
            data = load_mnist(settings.LEARNING_MNIST)  # trained on, then the same test set for the gate
            card, extra_held_back = _train(version, Path(folder), data)
            _store(version, Path(folder), card)
            ModelVersion.objects.filter(pk=pk).update(status=Status.EVALUATING)
            _evaluate(version, data, extra_held_back)
        final = Status.READY
    except Cancelled:
        final = Status.CANCELLED
        _append_log(pk, "cancelled by staff")
    except Exception as exc:  # any failure of the run is the run's, said on its page
        final = Status.FAILED
        logger.exception("training run %s failed", version.version)
        ModelVersion.objects.filter(pk=pk).update(error=f"{type(exc).__name__}: {exc}")
    ModelVersion.objects.filter(pk=pk).update(status=final, running=None)
    return final


def _train(version: ModelVersion, folder: Path, data: Mnist):
    from ml import train
    from recognizer.corrections import corrections_export

    options = version.options

    def log(line: str) -> None:
        _append_log(version.pk, line)

    def progress(figures: dict) -> None:
        ModelVersion.objects.filter(pk=version.pk).update(progress=figures)
        if ModelVersion.objects.filter(pk=version.pk, cancel_requested=True).exists():
            raise Cancelled()

    extra = held = None
    if options.get("corrections"):
        exported = corrections_export(path=folder / "corrections.npz", keep=lambda pk: not held_back(pk))
        held_out = corrections_export(path=folder / "held_back.npz", keep=held_back)
        log(f"corrections: {exported.images} images for training, {held_out.images} held back for the gate")
        extra = load_extra(folder / "corrections.npz") if exported.images else None
        held = load_extra(folder / "held_back.npz") if held_out.images else None
    handwriting_root = Path(settings.LEARNING_HANDWRITING)
    limit = options.get("limit")
    handwriting = None
    if handwriting_root.is_dir() and not limit:
        handwriting = train.handwriting_sets(
            handwriting_root, quick=False, cache=Path(settings.LEARNING_CACHE), log=log
        )
    command = (
        f"train_model --queue --epochs {options['epochs']}"
        + (f" --limit {limit}" if limit else "")
        + ("" if options.get("corrections") else " --no-corrections")
    )
    ModelVersion.objects.filter(pk=version.pk).update(
        command=command,
        data={
            "mnist": data.sha256,
            "other_sets": handwriting is not None,
            "corrections": len(extra.y) if extra is not None else 0,
            "held_back_corrections": len(held.y) if held is not None else 0,
        },
    )
    card = train.train(
        data,
        out_dir=folder,
        epochs=options["epochs"],
        limit=limit,
        extra=extra,
        handwriting=handwriting,
        width=settings.LEARNING_WIDTH,
        command=command,
        log=log,
        version=version.version,
        progress=progress,
        validation_size=min(train.VALIDATION_SIZE, (limit or 10**9) // 5),
    )
    return card, held


def _store(version: ModelVersion, folder: Path, card: dict) -> None:
    """The files into the default storage, then the row: a version is never ready without its files."""
    with open(folder / card["onnx_file"], "rb") as onnx, open(folder / card["file"], "rb") as keras:
        version.onnx.save(card["onnx_file"], File(onnx), save=False)
        version.keras.save(card["file"], File(keras), save=False)
    version.card = card
    version.save(update_fields=["onnx", "keras", "card"])


def _evaluate(version: ModelVersion, data: Mnist, corrections) -> None:
    """The candidate and the version in service, on the same tests (ml.gate)."""
    from ml import gate
    from ml.model import load_model

    serving = model_version_serving()
    limit = version.options.get("limit")
    root = Path(settings.LEARNING_HANDWRITING)
    kwargs = {
        "mnist": data,
        "limit": limit,
        "corrections": corrections,
        "handwriting_root": root if root.is_dir() else None,
    }
    version.refresh_from_db()

    def measured(folder: Path) -> dict:
        return {**gate.figures(load_model(folder), **kwargs), "resident_mb": gate.resident_mb(folder)}

    ours, theirs = measured(model_directory(version)), measured(model_directory(serving))
    version.evaluation = {
        "serving_version": serving.version,
        "limit": limit,
        "candidate": ours,
        "serving": theirs,
        "evaluated_at": timezone.now().isoformat(),
    }
    version.save(update_fields=["evaluation"])
