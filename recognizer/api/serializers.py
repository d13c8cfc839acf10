"""What a reading, a stored prediction, the model and a refusal look like in JSON.

What requests carry is recognizer.api.inputs'.
"""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from recognizer.engine_port import Reading
from recognizer.models import Prediction
from recognizer.readings import reading_as_dict
from restapi.openapi import ErrorSerializer


def _box(of: str) -> serializers.ListField:
    """Digits, lines and ignored marks each give their place in the picture alike."""
    return serializers.ListField(
        child=serializers.IntegerField(),
        min_length=4,
        max_length=4,
        help_text=f"[x, y, width, height] {of}, in pixels.",
    )


class DigitSerializer(serializers.Serializer):
    digit = serializers.IntegerField(min_value=0, max_value=9)
    confidence = serializers.FloatField(
        help_text="The probability that this is the digit: its probability times (1 - not_digit), 0 to 1."
    )
    probabilities = serializers.ListField(
        child=serializers.FloatField(),
        min_length=10,
        max_length=10,
        help_text="The probability of each digit 0-9, if it is a digit, so a client can show the runners-up.",
    )
    box = _box("of the digit in the picture")
    uncertain = serializers.BooleanField(help_text="True when the model is not sure of this digit.")
    not_digit = serializers.FloatField(help_text="The probability that this mark is no digit at all, 0 to 1.")
    seen = serializers.CharField(
        required=False,
        help_text="The 28x28 picture the model was given, as a PNG data URL (white ink on black, as MNIST); "
        "only in digits, and only when a reading without storing asks for it (seen=true).",
    )


class LineSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="This line's digits, left to right.")
    box = _box("around the line's digits")
    digits = DigitSerializer(many=True, help_text="The line's digits, left to right.")


class MarkSerializer(serializers.Serializer):
    box = _box("of the mark in the picture")
    not_digit = serializers.FloatField(help_text="The probability that this mark is no digit, 0 to 1.")


class _ReadingFields(serializers.Serializer):
    """What a reading and a stored prediction both show (output only)."""

    digit = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The digit read; null when multi is true."
    )
    confidence = serializers.FloatField(
        read_only=True, help_text="The digit's probability; for several digits, the lowest one."
    )
    probabilities = serializers.ListField(
        child=serializers.FloatField(),
        allow_null=True,
        read_only=True,
        help_text="The ten probabilities of a single reading; null when multi is true.",
    )
    digits = DigitSerializer(
        many=True, read_only=True, help_text="Every digit read, line by line, left to right (not the ignored marks)."
    )
    lines = LineSerializer(
        many=True, read_only=True, help_text="The lines of digits, top to bottom; one line for a single digit."
    )
    ignored = MarkSerializer(
        many=True,
        read_only=True,
        help_text="Marks that are no digit (a dash, a colon), left out of number; only when multi is true.",
    )
    number = serializers.CharField(
        read_only=True,
        help_text='The digits read, left to right; the lines\' numbers joined by one space, top to bottom ("2024 17").',
    )
    multi = serializers.BooleanField(
        read_only=True, help_text='Whether it was read as a number (with "auto": whether several digits were seen).'
    )
    # the ignore: a field named like Field.source, as in recognizer.api.inputs._PictureOptions
    source = serializers.ChoiceField(
        choices=Prediction.Source.choices,
        read_only=True,  # type: ignore[assignment]
        help_text="As sent with the picture.",
    )
    uncertain = serializers.BooleanField(read_only=True, help_text="True when any digit is uncertain.")
    forced = serializers.BooleanField(
        read_only=True, help_text="True when the picture did not look like a digit and was read anyway (force)."
    )
    notice = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="A sentence about what the answer alone would hide (several digits read as one, a forced "
        "reading); null when there is nothing to say.",
    )
    separate_digits = serializers.IntegerField(
        read_only=True,
        min_value=1,
        help_text="How many separate digits a one-digit reading saw; more than 1 means the picture shows a "
        "number: send multi=true to read it all.",
    )
    width = serializers.IntegerField(read_only=True, help_text="Width of the received picture, in pixels.")
    height = serializers.IntegerField(read_only=True, help_text="Height of the received picture, in pixels.")
    model_version = serializers.CharField(read_only=True)
    duration_ms = serializers.FloatField(read_only=True, help_text="Time the engine took, in milliseconds.")


# A reading's fields by name: a stored one keeps each in the Prediction field of that name.
_READING_FIELDS = tuple(_ReadingFields().fields)


class ReadingSerializer(_ReadingFields):
    """A reading as the engine returns it (nothing stored)."""

    def to_representation(self, reading: Reading) -> dict:
        # Built directly: the fields above describe it (schema, tests check they agree),
        # and DRF's field-by-field walk would cost more than reading the picture's model call.
        return {
            **reading_as_dict(reading, seen=self.context.get("seen", False)),
            "source": self.context.get("source", Prediction.Source.API),
        }


class PredictionSerializer(_ReadingFields):
    """A stored reading."""

    id = serializers.IntegerField(read_only=True)
    correct_label = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The digits the picture really shows, as its owner or a reviewer says; null until then.",
    )
    marked_not_a_digit = serializers.BooleanField(
        read_only=True,
        help_text="True when its owner or a reviewer says the picture shows no digit at all (then "
        "correct_label is null: a reading has one answer).",
    )
    image_url = serializers.URLField(read_only=True, help_text="The stored picture; only its owner can open it.")
    created_at = serializers.DateTimeField(read_only=True)

    def to_representation(self, p: Prediction) -> dict:
        # Built directly, for speed (see ReadingSerializer); tests check it matches the fields.
        return {
            "id": p.pk,
            **{name: getattr(p, name) for name in _READING_FIELDS},  # stored as reading_as_dict made them
            "correct_label": p.correct_label,
            "marked_not_a_digit": p.marked_not_a_digit,
            "image_url": self._image_url(p.pk),
            "created_at": _DATETIME.to_representation(p.created_at),
        }

    def _image_url(self, pk: int) -> str:
        # reverse() and build_absolute_uri() once per response, not once per row of a list.
        root = self.root
        template = getattr(root, "_image_url_template", None)
        if template is None:
            url = reverse("recognizer:image", kwargs={"pk": _PK_MARK})
            request = self.context.get("request")
            url = request.build_absolute_uri(url) if request is not None else url
            template = url.replace(str(_PK_MARK), "{}", 1)
            root._image_url_template = template  # type: ignore[attr-defined]  # this response's cache, on its root
        return template.format(pk)


_DATETIME = serializers.DateTimeField()
_PK_MARK = 918273645546372819  # a number no real URL contains


class ModelCardSerializer(serializers.Serializer):
    version = serializers.CharField()
    created = serializers.DateTimeField(help_text="When the model was trained.")
    test_accuracy = serializers.FloatField(help_text="Accuracy on the 10,000 MNIST test pictures, 0 to 1.")
    classes = serializers.ListField(child=serializers.IntegerField(), help_text="What the model tells apart.")
    parameters = serializers.IntegerField(required=False, help_text="Number of trained weights.")


class RefusalSerializer(ErrorSerializer):
    """A picture read but refused: it does not look like a digit (send force=true to read it anyway)."""

    code = serializers.ChoiceField(choices=["not_a_digit"], help_text="Why it was refused.")
