"""The API's own pages: its schema, its docs, and a JSON 404 for any other address under it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import permissions
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from restapi.throttling import AnonThrottle


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
