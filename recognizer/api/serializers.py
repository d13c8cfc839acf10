"""HTTP in and out: what a request may carry and what a reading looks like in JSON.

No image or model logic here: the pictures go to recognizer.services as bytes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ml.pipeline import Reading
from recognizer.models import LABEL_MAX_LENGTH, LABEL_MESSAGE, ONE_ANSWER_MESSAGE, Prediction, label_validator
from recognizer.readings import reading_as_dict
from recognizer.services import AUTO, Multi, UploadTooLarge

SOURCE_MESSAGE = f"Unknown source; use one of {', '.join(Prediction.Source.values)}."


# --- Pictures in --------------------------------------------------------------------


class PictureFileField(serializers.FileField):
    """A picture sent as a file in a multipart form; becomes its bytes."""

    default_error_messages = {
        "required": "Send a picture in the 'image' field.",
        "invalid": "The 'image' field must be a file (multipart/form-data); to send base64 text, send JSON instead.",
        "empty": "The picture file is empty.",
    }

    def to_internal_value(self, data) -> bytes:  # type: ignore[override]  # its value is the bytes, not a File
        if not isinstance(data, UploadedFile):
            self.fail("invalid")
        size = data.size or 0  # an upload always knows its size
        if size > settings.RECOGNIZER_MAX_UPLOAD_BYTES:
            raise UploadTooLarge(size)  # answered 413, before a byte of it is decoded
        if not size:
            self.fail("empty")
        data.seek(0)
        return data.read()

    def to_representation(self, value):  # pragma: no cover - write only
        return None


class PictureBase64Field(serializers.CharField):
    """A picture sent as a data URL (``data:image/png;base64,...``) or plain base64; becomes its bytes."""

    default_error_messages = {
        "required": "Send a picture in the 'image' field: a data URL or base64 text.",
        "blank": "The 'image' field is empty: send a data URL or base64 text.",
        "invalid": "The 'image' field must be text: a data URL (data:image/png;base64,...) or base64.",
        "not_base64": "The 'image' field is not valid base64: send a data URL (data:image/png;base64,...) "
        "or the file's bytes in base64.",
        "data_url": "A data URL must be base64-encoded, like data:image/png;base64,iVBORw0...",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)  # done below without copying megabytes twice
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> bytes:  # type: ignore[override]  # its value is the decoded bytes
        if not isinstance(data, str):
            self.fail("invalid")
        text = data.strip()
        if text[:5].lower() == "data:":
            header, comma, text = text.partition(",")
            if not comma or not header.lower().endswith(";base64"):
                self.fail("data_url")
        if any(c in text for c in "\r\n\t "):
            text = "".join(text.split())  # base64 wrapped over lines, as `base64` prints it
        if not text:
            self.fail("blank")
        stripped = text.rstrip("=")
        size = len(stripped) * 3 // 4
        if size > settings.RECOGNIZER_MAX_UPLOAD_BYTES:
            raise UploadTooLarge(size)  # answered 413, before decoding
        if "-" in stripped or "_" in stripped:  # the URL-safe alphabet
            stripped = stripped.translate(str.maketrans("-_", "+/"))
        try:
            return base64.b64decode(stripped + "=" * (-len(stripped) % 4), validate=True)
        except (binascii.Error, ValueError):
            self.fail("not_base64")


@extend_schema_field({"oneOf": [{"type": "boolean"}, {"type": "string", "enum": [AUTO]}]})
class MultiField(serializers.BooleanField):
    """``multi``: true, false, or "auto" (one digit, unless the picture shows several: then the number)."""

    default_error_messages = {"invalid": 'Send multi as true, false or "auto".'}

    def to_internal_value(self, data) -> Multi:  # type: ignore[override]  # a bool, or "auto"
        if isinstance(data, str) and data.strip().lower() == AUTO:
            return AUTO
        return super().to_internal_value(data)


class _PictureOptions(serializers.Serializer):
    multi = MultiField(
        default=False,
        help_text="false: the picture shows one digit. true: read every number, line by line, top to bottom. "
        '"auto": one digit, unless several separate digits are seen; then every number, as true.',
    )
    force = serializers.BooleanField(
        default=False,
        help_text="true: read the best digit even where the picture does not look like a digit (which "
        "otherwise answers 422 not_a_digit); the reading is marked forced.",
    )
    # A field named like Field.source: DRF's metaclass takes declared fields off the class, so
    # nothing is shadowed, but the stubs see a class attribute of Field's.
    source = serializers.ChoiceField(  # type: ignore[assignment]  # see above
        choices=Prediction.Source.choices,
        default=Prediction.Source.API,
        error_messages={"invalid_choice": SOURCE_MESSAGE},
        help_text="Where the picture comes from; the site's pages send draw or upload.",
    )


class PictureUploadSerializer(_PictureOptions):
    image = PictureFileField(help_text="The picture: PNG, JPEG, WebP, BMP or GIF.")


class PictureJSONSerializer(_PictureOptions):
    image = PictureBase64Field(
        help_text="The picture (PNG, JPEG, WebP, BMP or GIF) as a data URL "
        "(data:image/png;base64,...) or as plain base64."
    )


class _SeenOption(serializers.Serializer):
    seen = serializers.BooleanField(
        default=False,
        help_text="true: each of digits also carries seen, the 28x28 picture the model was given (a PNG "
        "data URL), so a person can see why it read what it read.",
    )


class ReadingUploadSerializer(_SeenOption, PictureUploadSerializer):
    """A picture to read without storing (multipart)."""


class ReadingJSONSerializer(_SeenOption, PictureJSONSerializer):
    """A picture to read without storing (JSON)."""


# --- Readings out -------------------------------------------------------------------


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
    box = serializers.ListField(
        child=serializers.IntegerField(),
        min_length=4,
        max_length=4,
        help_text="[x, y, width, height] of the digit in the picture, in pixels.",
    )
    uncertain = serializers.BooleanField(help_text="True when the model is not sure of this digit.")
    not_digit = serializers.FloatField(help_text="The probability that this mark is no digit at all, 0 to 1.")
    seen = serializers.CharField(
        required=False,
        help_text="The 28x28 picture the model was given, as a PNG data URL (white ink on black, as MNIST); "
        "only in digits, and only when a reading without storing asks for it (seen=true).",
    )


class LineSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="This line's digits, left to right.")
    box = serializers.ListField(
        child=serializers.IntegerField(),
        min_length=4,
        max_length=4,
        help_text="[x, y, width, height] around the line's digits, in pixels.",
    )
    digits = DigitSerializer(many=True, help_text="The line's digits, left to right.")


class MarkSerializer(serializers.Serializer):
    box = serializers.ListField(
        child=serializers.IntegerField(),
        min_length=4,
        max_length=4,
        help_text="[x, y, width, height] of the mark in the picture, in pixels.",
    )
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
    # the ignore: a field named like Field.source, as in _PictureOptions
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
            "digit": p.digit,
            "confidence": p.confidence,
            "probabilities": p.probabilities,
            "digits": p.digits,  # stored as recognizer.readings.reading_as_dict made them
            "lines": p.lines,
            "ignored": p.ignored,
            "number": p.number,
            "multi": p.multi,
            "source": p.source,
            "uncertain": p.uncertain,
            "forced": p.forced,
            "notice": p.notice,
            "separate_digits": p.separate_digits,
            "width": p.width,
            "height": p.height,
            "model_version": p.model_version,
            "duration_ms": p.duration_ms,
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


# --- Changes ------------------------------------------------------------------------


class PredictionCorrectionSerializer(serializers.Serializer):
    """PATCH: only the answer can change: the digits the picture really shows, or that it shows no digit.

    A reading has one answer, and the body replaces it: a correct_label clears
    "not a digit", marked_not_a_digit true clears the label, and null or false
    clears the answer.
    """

    correct_label = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=LABEL_MAX_LENGTH,
        validators=[label_validator],
        error_messages={"invalid": LABEL_MESSAGE, "max_length": LABEL_MESSAGE, "blank": LABEL_MESSAGE},
        help_text='The digits the picture really shows, with one space between lines ("2024 17"), '
        "or null to clear the answer.",
    )
    marked_not_a_digit = serializers.BooleanField(
        required=False,
        help_text="true: the picture shows no digit at all (clears correct_label); false clears the answer.",
    )

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [f"'{name}' cannot be changed: only correct_label and marked_not_a_digit can."]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)

    def validate(self, attrs: dict) -> dict:
        if not attrs:
            raise serializers.ValidationError(
                {
                    "correct_label": [
                        "Send 'correct_label': the digits the picture really shows, or null; "
                        "or 'marked_not_a_digit': true when it shows no digit."
                    ]
                }
            )
        answer = {
            "correct_label": attrs.get("correct_label"),
            "marked_not_a_digit": attrs.get("marked_not_a_digit", False),
        }
        if answer["correct_label"] is not None and answer["marked_not_a_digit"]:
            raise serializers.ValidationError({"marked_not_a_digit": [ONE_ANSWER_MESSAGE]})
        return answer


# --- Others -------------------------------------------------------------------------


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as the header 'Authorization: Token <token>'.")


class ModelCardSerializer(serializers.Serializer):
    version = serializers.CharField()
    created = serializers.DateTimeField(help_text="When the model was trained.")
    test_accuracy = serializers.FloatField(help_text="Accuracy on the 10,000 MNIST test pictures, 0 to 1.")
    classes = serializers.ListField(child=serializers.IntegerField(), help_text="What the model tells apart.")
    parameters = serializers.IntegerField(required=False, help_text="Number of trained weights.")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in a sentence a person can act on.")


class RefusalSerializer(ErrorSerializer):
    """A picture read but refused: it does not look like a digit (send force=true to read it anyway)."""

    code = serializers.ChoiceField(choices=["not_a_digit"], help_text="Why it was refused.")


class ValidationErrorSerializer(ErrorSerializer):
    """A bad request: ``detail`` plus, for each bad field, its list of messages (keyed by the field's name)."""
