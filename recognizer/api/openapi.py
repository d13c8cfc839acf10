"""How the readings' endpoints are described in the schema: their own error answers and examples.

The answers every endpoint shares (401, 403, 413, 429) are restapi.openapi's.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from recognizer.api.inputs import PictureJSONSerializer, PictureUploadSerializer
from recognizer.api.serializers import RefusalSerializer
from restapi.openapi import ValidationErrorSerializer, error_response

E400 = OpenApiResponse(
    ValidationErrorSerializer,
    description="A bad field, or a picture that cannot be read: not an image, a blank "
    'picture ("No digit found"), bad base64.',
)
E404 = error_response("No such prediction among yours (another person's answers 404 too).")
E422 = OpenApiResponse(
    RefusalSerializer,
    description="The picture does not look like a digit (code not_a_digit); nothing is "
    "stored. Send it again with force=true to read the best digit anyway.",
)
E503 = error_response("The model is not loaded yet; the Retry-After header says when to try again.")

PICTURE_REQUEST = {"multipart/form-data": PictureUploadSerializer, "application/json": PictureJSONSerializer}
PICTURE_EXAMPLES = [
    OpenApiExample(
        "A data URL",
        request_only=True,
        media_type="application/json",
        value={"image": "data:image/png;base64,iVBORw0KGgo...", "multi": False},
    ),
    OpenApiExample(
        "Plain base64, several digits",
        request_only=True,
        media_type="application/json",
        value={"image": "iVBORw0KGgo...", "multi": True, "source": "api"},
    ),
    OpenApiExample(
        "Read it anyway, past a refusal",
        request_only=True,
        media_type="application/json",
        value={"image": "iVBORw0KGgo...", "force": True},
    ),
]
