from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

# A number as the engine writes it and as people correct it: digits, with one space
# between the numbers of separate lines ("2024 17"), at most LABEL_MAX_LENGTH
# characters. The one definition of a label, used by the model, the page's form,
# the API and the services; the length is in the pattern too, so the validator
# alone is the whole rule. \Z, not $, so a trailing newline is not let through.
LABEL_MAX_LENGTH = 64
LABEL_MESSAGE = (
    "Enter digits only, with one space between the numbers of separate lines "
    f"(at most {LABEL_MAX_LENGTH} characters), e.g. 7, 2024 or 2024 17."
)
label_validator = RegexValidator(rf"\A(?=.{{1,{LABEL_MAX_LENGTH}}}\Z)[0-9]+(?: [0-9]+)*\Z", LABEL_MESSAGE)


class Answer(models.TextChoices):
    """What the owner (or a reviewer) said about a reading, if anything."""

    UNANSWERED = "unanswered", "No answer yet"
    CONFIRMED = "confirmed", "Confirmed"
    CORRECTED = "corrected", "Corrected"
    NOT_A_DIGIT = "not_a_digit", "Not a digit"


# Each answer as a query, for History, the API and the admin to filter by; Prediction.answer
# is the same rule for one row.
ANSWER_QUERIES: dict[str, Q] = {
    Answer.UNANSWERED: Q(correct_label__isnull=True, marked_not_a_digit=False),
    Answer.CONFIRMED: Q(correct_label=F("number")),
    Answer.CORRECTED: Q(correct_label__isnull=False) & ~Q(correct_label=F("number")),
    Answer.NOT_A_DIGIT: Q(marked_not_a_digit=True),
}


ONE_ANSWER_MESSAGE = "A reading is either corrected or not a digit, not both."


# The storage folder of the readings' pictures, and of nothing else (trained models have their own).
PICTURES_FOLDER = "predictions"


def _image_path(instance: Prediction, filename: str) -> str:
    # Random names: a picture's address says nothing about its owner or order.
    return f"{PICTURES_FOLDER}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.png"


class Prediction(models.Model):
    """One reading of one picture, kept for its owner.

    The reading's fields have the names and JSON forms of the engine's Reading
    (see recognizer.readings.reading_as_dict), so a reading is stored and sent
    the same way.
    """

    class Source(models.TextChoices):
        DRAW = "draw", "Drawn"
        UPLOAD = "upload", "Uploaded"
        API = "api", "API"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="predictions")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    multi = models.BooleanField(default=False)
    image = models.FileField(
        upload_to=_image_path, help_text="The picture as read: upright, grey, at most 1000 px a side, as PNG."
    )
    image_bytes = models.PositiveIntegerField(
        default=0, help_text="The stored picture's size: what it counts against its owner's storage quota."
    )
    width = models.PositiveIntegerField(help_text="Width of the received picture, in pixels.")
    height = models.PositiveIntegerField(help_text="Height of the received picture, in pixels.")
    digit = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Top digit of a single reading.")
    confidence = models.FloatField(help_text="The digit's probability; for several digits, the lowest one.")
    probabilities = models.JSONField(null=True, blank=True, help_text="Ten probabilities of a single reading.")
    digits = models.JSONField(
        default=list,
        help_text="Every digit, line by line, left to right: "
        "[{digit, confidence, probabilities, box, uncertain, "
        "not_digit}]",
    )
    lines = models.JSONField(default=list, help_text="Top to bottom: [{number, box, digits: [...]}]")
    ignored = models.JSONField(default=list, help_text="Marks left out of the number: [{box, not_digit}]")
    number = models.CharField(
        max_length=LABEL_MAX_LENGTH, help_text="The digits read, left to right; one space between lines."
    )
    uncertain = models.BooleanField(default=False, help_text="Any digit below the model's confidence threshold.")
    forced = models.BooleanField(
        "forced past a refusal",
        default=False,
        help_text="The engine said this is no digit; it was read anyway, as asked.",
    )
    separate_digits = models.PositiveSmallIntegerField(
        default=1, help_text="Separate digits seen in a one-digit reading (more than 1: it was a number)."
    )
    # Null rather than "": it is the engine's sentence or None, and the API sends it as such.
    notice = models.TextField(  # noqa: DJ001 (see above)
        null=True,
        blank=True,
        help_text="What the answer alone would hide, as told.",
    )
    model_version = models.CharField(max_length=64)
    duration_ms = models.FloatField()
    # Null is "no answer yet" (the Answer filters and a constraint test it), never "".
    correct_label = models.CharField(  # noqa: DJ001 (see above)
        max_length=LABEL_MAX_LENGTH,
        null=True,
        blank=True,
        validators=[label_validator],
        help_text="The digits the picture really shows, as its owner or a reviewer says.",
    )
    marked_not_a_digit = models.BooleanField(
        "not a digit",
        default=False,
        help_text="Its owner or a reviewer says the picture shows no digit at all: training data for the "
        'model\'s "not a digit" class. A reading has one answer, so never with a correct label.',
    )
    reviewed = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="prediction_user_recent")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(marked_not_a_digit=True, correct_label__isnull=False),
                name="prediction_one_answer",
                violation_error_message=ONE_ANSWER_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} by {self.user} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_correct(self) -> bool | None:
        return None if self.correct_label is None else self.correct_label == self.number

    @property
    def answer(self) -> Answer:
        """This reading's answer, by the rule of ANSWER_QUERIES."""
        if self.marked_not_a_digit:
            return Answer.NOT_A_DIGIT
        if self.correct_label is None:
            return Answer.UNANSWERED
        return Answer.CONFIRMED if self.is_correct else Answer.CORRECTED


class StorageUse(models.Model):
    """The bytes of each person's stored pictures, kept with every picture stored or deleted.

    The storage quota is checked on every saved reading, so it is one row
    updated in the reading's own transaction rather than a sum over a person's
    readings (a few ms for tens of thousands). ``manage.py check_storage --fix``
    recounts it from Prediction.image_bytes, for deletions made past the
    services (the admin's).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    bytes = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.user}: {self.bytes} bytes"
