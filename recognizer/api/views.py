"""The REST API, v1: HTTP in and out only; readings go through recognizer.services."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import exceptions, generics, permissions, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.lockout import lockout_message, lockout_wait
from accounts.signed_in import signed_in
from config.checks import missing_static_manifest
from ml.model import DigitModel
from recognizer import selectors, services
from recognizer.api.filters import PredictionFilter
from recognizer.api.pagination import PredictionPagination
from recognizer.api.parsers import PICTURE_PARSERS, TOKEN_PARSERS
from recognizer.api.serializers import (
    ErrorSerializer,
    ModelCardSerializer,
    PictureJSONSerializer,
    PictureUploadSerializer,
    PredictionCorrectionSerializer,
    PredictionSerializer,
    ReadingJSONSerializer,
    ReadingSerializer,
    ReadingUploadSerializer,
    RefusalSerializer,
    TokenSerializer,
    ValidationErrorSerializer,
)
from recognizer.api.throttling import AnonThrottle, ReadingAddressThrottle, ReadingVisitorThrottle
from recognizer.engine import model_in_service, model_load_in_background, model_status
from recognizer.models import LABEL_MAX_LENGTH, Prediction

logger = logging.getLogger(__name__)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


E400 = OpenApiResponse(
    ValidationErrorSerializer,
    description="A bad field, or a picture that cannot be read: not an image, a blank "
    'picture ("No digit found"), bad base64.',
)
E401 = _error("No credentials, or a wrong token.")
E403 = _error("Signed in with the site's session but without the CSRF token.")
E404 = _error("No such prediction among yours (another person's answers 404 too).")
E413 = _error("The picture (or the request) is over the upload limit.")
E422 = OpenApiResponse(
    RefusalSerializer,
    description="The picture does not look like a digit (code not_a_digit); nothing is "
    "stored. Send it again with force=true to read the best digit anyway.",
)
E429 = _error("Too many requests; the Retry-After header says how many seconds to wait.")
E503 = _error("The model is not loaded yet; the Retry-After header says when to try again.")

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


class PictureAPIView(APIView):
    # The API's views past the token take bodies as pictures come: JSON or multipart
    # (PICTURE_PARSERS). A comment, not a docstring: drf-spectacular would give a docstring
    # to every operation of a subclass that has none. Authentication and throttling come
    # from REST_FRAMEWORK in the settings.
    parser_classes = PICTURE_PARSERS


def _picture_input(request: Request, upload=PictureUploadSerializer, as_json=PictureJSONSerializer) -> dict:
    """The validated picture (as bytes) and options, from a multipart form or a JSON body.

    PICTURE_PARSERS take no other body: any other type is refused (415) as ``request.data`` is read.
    """
    form = request.content_type.startswith("multipart/")
    serializer = (upload if form else as_json)(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Tokens -------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")  # the answer is the key: no copy may stay in a cache
class TokenView(ObtainAuthToken):
    """Exchange a username and password for the API token (made on first use)."""

    parser_classes = TOKEN_PARSERS
    throttle_classes = [AnonThrottle]  # guesses at passwords are rate-limited

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        auth=[],
        request={
            "application/json": AuthTokenSerializer,
            "application/x-www-form-urlencoded": AuthTokenSerializer,
            "multipart/form-data": AuthTokenSerializer,
        },
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ValidationErrorSerializer, description="Wrong username or password."),
            413: E413,
            429: _error(
                "Too many requests, or too many failed log-ins for this account "
                "or address (locked for a while, even with the right password); "
                "Retry-After says how many seconds to wait."
            ),
        },
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        return super().post(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        """A lock-out is a 429 with Retry-After, not "wrong password".

        Axes flags the request that authenticate() was given, DRF's own, which
        its middleware never sees: the answer is made here.
        """
        if getattr(self.request, "axes_locked_out", False):
            wait = lockout_wait(self.request, getattr(self.request, "axes_credentials", None))
            return Response(
                {"detail": lockout_message(wait)},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(wait)},
            )
        return super().handle_exception(exc)


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
                description=f"Results per page (default {PredictionPagination.page_size}, "
                f"at most {PredictionPagination.max_page_size}).",
            )
        ],
        responses={200: PredictionSerializer(many=True), 400: E400, 401: E401, 404: _error("No such page."), 429: E429},
    ),
)
class PredictionListView(PictureAPIView, generics.ListAPIView):
    serializer_class = PredictionSerializer
    pagination_class = PredictionPagination
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
        picture = _picture_input(request)
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
        picture = _picture_input(request, ReadingUploadSerializer, ReadingJSONSerializer)
        reading = services.image_read(image=picture["image"], multi=picture["multi"], force=picture["force"])
        context = {"source": picture["source"], "seen": picture["seen"]}
        return Response(ReadingSerializer(reading, context=context).data)


# --- The model ----------------------------------------------------------------------


class ModelView(PictureAPIView):
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


# --- Schema and docs ----------------------------------------------------------------


class _JSONErrors(APIView):
    """Errors as JSON even where the page itself is YAML or HTML."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


class SchemaView(_JSONErrors, SpectacularAPIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonThrottle]


class DocsView(_JSONErrors, SpectacularSwaggerView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [AnonThrottle]


# --- Health (plain Django: no authentication or throttling) --------------------------


def _get_or_head(view: Callable[[HttpRequest], JsonResponse]) -> Callable[[HttpRequest], JsonResponse]:
    """Health checks are read, never sent anything: other methods get the API's JSON 405."""

    @wraps(view)
    def checked(request: HttpRequest) -> JsonResponse:
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse({"detail": f'Method "{request.method}" not allowed.'}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        return view(request)

    return checked


def _model() -> tuple[DigitModel | None, str]:
    """This process's model, or None with a short reason; asking starts the load."""
    model, reason = model_status()
    if model is None:
        model_load_in_background()  # a fresh process becomes ready without waiting for a first reading
        model, reason = model_status()
    return model, reason


def _health(model: DigitModel | None, reason: str) -> JsonResponse:
    if model is None:
        return JsonResponse({"status": "unavailable", "reason": reason}, status=503)
    return JsonResponse({"status": "ok", "model": model.version})


@never_cache
@_get_or_head
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: 200 once this process has its model; 503 with a short reason until then.

    It needs no database: the look at which model version serves (recognizer.engine)
    keeps the one loaded when the database does not answer.
    """
    return _health(*_model())


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.get("readyz")  # reaches Redis, or the database cache's own table


def _static_files() -> None:
    problem = missing_static_manifest()  # the web process's own start-up check
    if problem:
        raise FileNotFoundError(problem)


# What every request may need besides the model, in the order a reason is given.
_DEPENDENCIES = (
    ("database unavailable", _database),
    ("cache unavailable", _cache),
    ("static files not collected", _static_files),
)


@never_cache
@_get_or_head
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 only when the database, the cache, the static files and the model all answer.

    A load balancer sends traffic only to a ready server; the reason is a few
    words for anyone to see, the error itself goes to the log.
    """
    for reason, check in _DEPENDENCIES:
        try:
            check()
        except Exception as exc:  # whatever a dependency raises, this server cannot serve
            logger.error("not ready, %s: %s", reason, exc)
            return _health(None, reason)
    return _health(*_model())


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other address under the API: a JSON 404 rather than the site's HTML page.

    Without its trailing slash, a real endpoint's address is redirected for GET
    (as Django's APPEND_SLASH would) and named in the 404 for other methods,
    whose body a redirect would lose.
    """
    message = f"Not found: there is no API endpoint at {request.path}."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            if request.method in ("GET", "HEAD"):
                query = request.META.get("QUERY_STRING", "")
                return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
            message += f" Did you mean {request.path}/ (with the slash)?"
    return JsonResponse({"detail": message}, status=404)
