"""Every change to model versions: queueing a training run, promotion, rollback, cancelling.

Which version serves is the one row of learning.models.Serving; changing it is
all a promotion does. Every app server follows it within a second or two
(recognizer.model_in_service), loading the new model beside the old one first.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from learning.models import ModelVersion, Serving
from learning.selectors import model_version_committed, model_version_serving
from recognizer import services as recognizer_services
from recognizer.models import Prediction

Status = ModelVersion.Status


class GateRefused(ValidationError):
    """The candidate is worse than the version in service on some test, by more than the margin."""

    def __init__(self, failures: list[str]):
        super().__init__(
            "Promotion refused: " + "; ".join(failures) + ". A superuser may promote it anyway with a written reason."
        )
        self.failures = failures


@dataclass(frozen=True)
class Measure:
    """One figure of the gate: whether higher is better, and how much worse is tolerated."""

    key: str
    label: str
    higher_is_better: bool
    margin: float  # absolute, in the figure's own unit

    def refuses(self, candidate: float, serving: float) -> bool:
        """Whether the candidate's figure is worse than the serving one's by more than the margin."""
        worse = (serving - candidate) if self.higher_is_better else (candidate - serving)
        return worse > self.margin


def gate_measures() -> list[Measure]:
    margin = settings.LEARNING_GATE_MARGIN
    return [
        Measure("mnist_accuracy", "MNIST test accuracy", True, margin),
        Measure("heldout_accuracy", "other writers' digits read right", True, margin),
        Measure("non_digits_refused", "non-digits refused", True, margin),
        Measure("corrections_accuracy", "held-back corrections read right", True, margin),
        Measure("ece", "calibration error (ECE)", False, settings.LEARNING_GATE_ECE_MARGIN),
        Measure("canvas_p50_ms", "one canvas read, p50 (ms)", False, settings.LEARNING_GATE_MS_MARGIN),
        Measure("resident_mb", "memory of a serving process (MB)", False, settings.LEARNING_GATE_MB_MARGIN),
    ]


def gate_failures(*, version: ModelVersion) -> list[str]:
    """Where ``version`` is worse than the version in service, beyond the margins; [] when it may serve."""
    serving = model_version_serving()
    evaluation = version.evaluation or {}
    if evaluation.get("serving_version") != serving.version:
        return [f"it was not compared with {serving.version}, which serves now: evaluate it again"]
    ours, theirs = evaluation["candidate"], evaluation["serving"]
    failures = []
    for m in gate_measures():
        a, b = ours.get(m.key), theirs.get(m.key)
        if a is None or b is None:
            continue  # not measured for both (e.g. no held-back corrections yet)
        if m.refuses(a, b):
            failures.append(f"{m.label} {a:.4g} against {b:.4g}")
    return failures


@transaction.atomic
def _serve(*, version: ModelVersion, by: User | None) -> ModelVersion:
    serving = Serving.objects.select_for_update().filter(pk=1).first()
    old = serving.version if serving is not None else model_version_committed()
    if old.pk == version.pk:
        return version
    ModelVersion.objects.filter(pk=old.pk).update(status=Status.RETIRED)
    version.status = Status.SERVING
    version.save(update_fields=["status"])
    Serving.objects.update_or_create(
        pk=1, defaults={"version": version, "previous": old, "changed_at": timezone.now(), "changed_by": by}
    )
    return version


def model_version_promote(
    *, version: ModelVersion, by: User | None, force: bool = False, reason: str = ""
) -> ModelVersion:
    """Put ``version`` in service, if the gate lets it; ``force`` with a reason overrides the gate.

    ``by`` None is the operator at the command line; through the site only a
    superuser may force.
    """
    if version.status not in (Status.READY, Status.RETIRED, Status.SERVING):
        raise ValidationError(
            f"{version.version} is {version.get_status_display().lower()}: only a ready version can serve."
        )
    failures = [] if version.committed else gate_failures(version=version)
    if failures and not force:
        raise GateRefused(failures)
    if force:
        if not reason.strip():
            raise ValidationError("Say why it should serve past the gate: a reason is required.")
        if by is not None and not by.is_superuser:
            raise ValidationError("Only a superuser may promote past the gate.")
    with transaction.atomic():
        version = _serve(version=version, by=by)
        version.promoted_at = timezone.now()
        version.promoted_by = by
        version.override_reason = reason.strip() if failures else ""
        version.save(update_fields=["promoted_at", "promoted_by", "override_reason"])
    return version


def model_version_rollback(*, by: User | None) -> ModelVersion:
    """Back to the version that served before the last change (no gate: it served already)."""
    serving = Serving.objects.select_related("previous").filter(pk=1).first()
    if serving is None or serving.previous is None:
        raise ValidationError("Nothing to roll back to: no other version has served.")
    return _serve(version=serving.previous, by=by)


@transaction.atomic
def reading_review(
    *, prediction: Prediction, reviewer: User, label: str | None = None, not_a_digit: bool = False
) -> Prediction:
    """A reviewer's answer from the review queue: the digits it shows, or no digit; reviewed either way."""
    if not_a_digit:
        recognizer_services.prediction_mark_not_digit(prediction=prediction)
        return recognizer_services.prediction_review(prediction=prediction, reviewer=reviewer)
    return recognizer_services.prediction_review(prediction=prediction, reviewer=reviewer, correct_label=label)
