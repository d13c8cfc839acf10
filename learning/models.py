"""Model versions and which one serves.

The committed model (ml/artifacts) is a version too, recorded the first time
anything asks for the versions (learning.selectors.model_version_committed),
so a fresh clone serves it with no step. Files of the versions trained here
live in the ``default`` storage, which every app server reads, as the pictures do.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


def _version_path(instance: ModelVersion, filename: str) -> str:
    return f"models/{instance.version}/{filename}"


class ModelVersion(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        TRAINING = "training", "Training"
        EVALUATING = "evaluating", "Evaluating"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        SERVING = "serving", "Serving"
        RETIRED = "retired", "Retired"

    version = models.CharField(max_length=64, unique=True, help_text="The model's name; its card's version.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    committed = models.BooleanField(default=False, help_text="The model in the repository (ml/artifacts).")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    options = models.JSONField(
        default=dict, blank=True, help_text="How it is trained: epochs, limit, whether corrections are included."
    )
    command = models.TextField(blank=True, help_text="The training command, as the card records it.")
    data = models.JSONField(
        default=dict, blank=True, help_text="What it learnt from: MNIST, the other sets, how many corrections."
    )
    card = models.JSONField(null=True, blank=True, help_text="The model card written by training.")
    onnx = models.FileField(upload_to=_version_path, blank=True, help_text="The served graph (ONNX).")
    keras = models.FileField(upload_to=_version_path, blank=True, help_text="The trained model (Keras).")
    progress = models.JSONField(
        default=dict, blank=True, help_text="epoch, epochs, loss, val_accuracy, seconds_left while training."
    )
    log = models.TextField(blank=True)
    error = models.TextField(blank=True, help_text="Why the run failed.")
    cancel_requested = models.BooleanField(default=False)
    # True while this version trains or is evaluated, else null: unique, so two runs never train at
    # once, whichever machines their workers are on.
    running = models.BooleanField(null=True, unique=True, editable=False)
    evaluation = models.JSONField(
        null=True, blank=True, help_text="The gate: this version and the one in service on the same tests."
    )
    promoted_at = models.DateTimeField(null=True, blank=True)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(blank=True, help_text="Why it was promoted past the gate, if it was.")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.version


class Serving(models.Model):
    """Which version serves: one row. App servers poll its stamp (changed_at), at most once a second."""

    version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="+")
    previous = models.ForeignKey(
        ModelVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="What served before: where a rollback goes.",
    )
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="serving_is_one_row")]

    def __str__(self) -> str:
        return f"{self.version} serves"
