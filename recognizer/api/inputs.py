"""What a request may carry: a picture with its options, or an answer to a stored reading.

No image or model logic here: the pictures go to recognizer.services as bytes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from django.core.files.uploadedfile import UploadedFile
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from recognizer.engine_port import ACCEPTED_NAMES
from recognizer.models import LABEL_MAX_LENGTH, LABEL_MESSAGE, ONE_ANSWER_MESSAGE, Prediction, label_validator
from recognizer.services import AUTO, Multi, upload_size_check

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
        upload_size_check(size)  # answered 413, before a byte of it is decoded
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
        upload_size_check(len(stripped) * 3 // 4)  # answered 413, before decoding
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
    image = PictureFileField(help_text=f"The picture: {ACCEPTED_NAMES}.")


class PictureJSONSerializer(_PictureOptions):
    image = PictureBase64Field(
        help_text=f"The picture ({ACCEPTED_NAMES}) as a data URL (data:image/png;base64,...) or as plain base64."
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


def picture_input(request: Request, upload=PictureUploadSerializer, as_json=PictureJSONSerializer) -> dict:
    """The validated picture (as bytes) and options, from a multipart form or a JSON body.

    PICTURE_PARSERS take no other body: any other type is refused (415) as ``request.data`` is read.
    """
    form = request.content_type.startswith("multipart/")
    serializer = (upload if form else as_json)(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


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
