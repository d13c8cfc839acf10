"""The REST API's readings, v1: HTTP in and out only; readings go through recognizer.services."""

from __future__ import annotations

from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.signed_in import signed_in
from recognizer import selectors, services
from recognizer.api.inputs import (
    PredictionCorrectionSerializer,
    ReadingJSONSerializer,
    ReadingUploadSerializer,
    picture_input,
)
from recognizer.api.openapi import E400, E404, E422, E503, PICTURE_EXAMPLES, PICTURE_REQUEST
from recognizer.api.serializers import ModelCardSerializer, PredictionSerializer, ReadingSerializer
from recognizer.api.throttling import ReadingAddressThrottle, ReadingVisitorThrottle
from recognizer.filters import PredictionFilter
from recognizer.model_in_service import model_in_service
from recognizer.models import LABEL_MAX_LENGTH, Prediction
from restapi.openapi import E401, E403, E413, E429, error_response
from restapi.pagination import PageSizePagination
from restapi.parsers import PICTURE_PARSERS


class PictureAPIView(APIView):
    # The API's views past the token take bodies as pictures come: JSON or multipart
    # (PICTURE_PARSERS). A comment, not a docstring: drf-spectacular would give a docstring
    # to every operation of a subclass that has none. Authentication and throttling come
    # from REST_FRAMEWORK in the settings.
    parser_classes = PICTURE_PARSERS


# --- Predictions --------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="predictions_list",
        tags=["predictions"],
        summary="Your predictions, newest first",
        description="Only your own predictions, newest first, 25 a page (page_size up to 100). "
        "Filters: digit (the number contains it), source, status (not_sure, unanswered, confirmed, "
        "corrected or not_a_digit), created_after, created_before.",
        parameters=[
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                description=f"Results per page (default {PageSizePagination.page_size}, "
                f"at most {PageSizePagination.max_page_size}).",
            )
        ],
        responses={
            200: PredictionSerializer(many=True),
            400: E400,
            401: E401,
            404: error_response("No such page."),
            429: E429,
        },
    ),
)
class PredictionListView(PictureAPIView, generics.ListAPIView):
    serializer_class = PredictionSerializer
    pagination_class = PageSizePagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = PredictionFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Prediction.objects.none()
        return selectors.prediction_list(user=signed_in(self.request))

    @extend_schema(
        operation_id="predictions_create",
        tags=["predictions"],
        summary="Read a picture and keep the reading",
        description="Send the picture as the file field `image` of a multipart form, or in JSON as a data URL "
        "or plain base64. With `multi` true every number is read, line by line (`digit` is then "
        "null, `lines` holds each line and `number` all of them, one space between lines; marks "
        "that are no digit are left out and listed in `ignored`). A picture that does not look "
        "like a digit answers 422 `not_a_digit`, unless `force` is true: the best digit is then "
        "read and the reading marked `forced`. The picture and the reading are stored for you; a "
        "refused picture stores nothing.",
        request=PICTURE_REQUEST,
        examples=PICTURE_EXAMPLES,
        responses={
            201: PredictionSerializer,
            400: E400,
            401: E401,
            403: E403,
            413: E413,
            422: E422,
            429: E429,
            503: E503,
        },
    )
    def post(self, request: Request) -> Response:
        picture = picture_input(request)
        prediction = services.prediction_create(user=signed_in(request), **picture)
        data = PredictionSerializer(prediction, context={"request": request}).data
        location = reverse("api:prediction-detail", kwargs={"pk": prediction.pk})
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})


class PredictionDetailView(PictureAPIView, generics.GenericAPIView):
    serializer_class = PredictionSerializer

    def get_object(self) -> Prediction:
        prediction = selectors.prediction_get(user=signed_in(self.request), pk=self.kwargs["pk"])
        if prediction is None:  # someone else's is as absent as one never made: 404, never 403
            raise exceptions.NotFound(f"You have no prediction {self.kwargs['pk']}.")
        return prediction

    @extend_schema(
        operation_id="predictions_retrieve",
        tags=["predictions"],
        summary="One of your predictions",
        description="Another person's prediction answers 404, like one that does not exist.",
        responses={200: PredictionSerializer, 401: E401, 404: E404, 429: E429},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(PredictionSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(
        operation_id="predictions_partial_update",
        tags=["predictions"],
        summary="Say which digits the picture really shows",
        description="Only the answer can change: `correct_label` (digits, with one space between the "
        f'numbers of separate lines, "2024 17", at most {LABEL_MAX_LENGTH} characters) or '
        "`marked_not_a_digit` true (the picture shows no digit). The body replaces the answer: "
        "one clears the other, and null or false clears it. Any other field is refused (400).",
        request=PredictionCorrectionSerializer,
        responses={200: PredictionSerializer, 400: E400, 401: E401, 403: E403, 404: E404, 429: E429},
    )
    def patch(self, request: Request, pk: int) -> Response:
        prediction = self.get_object()
        serializer = PredictionCorrectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        prediction = services.prediction_correct(prediction=prediction, **serializer.validated_data)
        return Response(PredictionSerializer(prediction, context={"request": request}).data)

    @extend_schema(
        operation_id="predictions_destroy",
        tags=["predictions"],
        summary="Delete a prediction and its stored picture",
        description="Removes the reading and its stored picture for good.",
        responses={204: None, 401: E401, 403: E403, 404: E404, 429: E429},
    )
    def delete(self, request: Request, pk: int) -> Response:
        services.prediction_delete(prediction=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Readings without storing -------------------------------------------------------


class ReadingView(PictureAPIView):
    """Read a picture without keeping anything: the drawing page's live reading, for visitors too.

    Open without an account (nothing is stored, and the drawing page lets
    anyone try it), under rates of its own: live reading sends several
    requests a second while someone draws, which the API's anonymous rate
    would refuse, while a script is held by the per-address rate.
    """

    permission_classes = [permissions.AllowAny]
    throttle_classes = [ReadingVisitorThrottle, ReadingAddressThrottle]

    @extend_schema(
        operation_id="readings_create",
        tags=["readings"],
        summary="Read a picture without storing it",
        description="The same input as POST /api/v1/predictions/ and the same reading, but nothing is "
        "stored: for live readings while a person draws. No account is needed. With seen=true "
        "each digit carries the 28x28 picture the model was given.",
        request={"multipart/form-data": ReadingUploadSerializer, "application/json": ReadingJSONSerializer},
        examples=PICTURE_EXAMPLES,
        responses={200: ReadingSerializer, 400: E400, 403: E403, 413: E413, 422: E422, 429: E429, 503: E503},
    )
    def post(self, request: Request) -> Response:
        picture = picture_input(request, ReadingUploadSerializer, ReadingJSONSerializer)
        reading = services.image_read(image=picture["image"], multi=picture["multi"], force=picture["force"])
        context = {"source": picture["source"], "seen": picture["seen"]}
        return Response(ReadingSerializer(reading, context=context).data)


# --- The model ----------------------------------------------------------------------


class ModelView(APIView):
    @extend_schema(
        operation_id="model_retrieve",
        tags=["model"],
        summary="The model that reads the digits",
        description="The version in service: its version, when it was trained, its MNIST test "
        "accuracy and its classes.",
        responses={200: ModelCardSerializer, 401: E401, 429: E429, 503: E503},
    )
    def get(self, request: Request) -> Response:
        # The model that reads digits now (ModelUnavailable: 503), never a card whose files did not load.
        return Response(ModelCardSerializer(model_in_service().card).data)
