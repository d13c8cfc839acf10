from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

label_validator = RegexValidator(r"^[0-9]{1,12}$", "Enter the digits only, 1 to 12 of them, e.g. 7 or 2024.")


def _image_path(instance: "Prediction", filename: str) -> str:
    # Random names: a picture's address says nothing about its owner or order.
    return f"predictions/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.png"


class Prediction(models.Model):
    """One reading of one picture, kept for its owner."""

    class Source(models.TextChoices):
        DRAW = "draw", "Drawn"
        UPLOAD = "upload", "Uploaded"
        API = "api", "API"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="predictions")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    multi = models.BooleanField(default=False)
    image = models.FileField(upload_to=_image_path, help_text="The input as received, re-encoded as PNG.")
    width = models.PositiveIntegerField(help_text="Width of the received picture, in pixels.")
    height = models.PositiveIntegerField(help_text="Height of the received picture, in pixels.")
    digit = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Top digit of a single reading.")
    confidence = models.FloatField(help_text="The digit's probability; for several digits, the lowest one.")
    probabilities = models.JSONField(null=True, blank=True, help_text="Ten probabilities of a single reading.")
    digits = models.JSONField(default=list, help_text="[{digit, confidence, probabilities, box: [x, y, w, h]}]")
    number = models.CharField(max_length=12, help_text="The digits read, left to right.")
    model_version = models.CharField(max_length=64)
    duration_ms = models.FloatField()
    correct_label = models.CharField(max_length=12, null=True, blank=True, validators=[label_validator])
    reviewed = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="prediction_user_recent")]

    def __str__(self) -> str:
        return f"{self.number} by {self.user} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def uncertain(self) -> bool:
        """Any digit below the engine's confidence threshold (flagged when it was read)."""
        return any(d["uncertain"] for d in self.digits)

    @property
    def is_correct(self) -> bool | None:
        return None if self.correct_label is None else self.correct_label == self.number
