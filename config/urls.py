from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from recognizer.api.views import healthz, readyz

# An unreachable database answers 503 (JSON under /api/, a short page elsewhere), never a 500.
handler500 = "config.faults.server_error"


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Pages that name no icon (the admin's) make browsers ask for /favicon.ico.

    Resolved per request, not at import: the static manifest may not exist yet
    when a command such as migrate loads the URLs.
    """
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("", include("recognizer.urls")),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("recognizer.api.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("favicon.ico", favicon),
]
