from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from learning import views as learning_views
from recognizer.health import healthz, readyz

# An unreachable database answers 503 (JSON under /api/, a short page elsewhere), never a 500.
handler500 = "config.faults.server_error"


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Pages that name no icon (the admin's) make browsers ask for /favicon.ico.

    Resolved per request, not at import: the static manifest may not exist yet
    when a command such as migrate loads the URLs.
    """
    return HttpResponsePermanentRedirect(static("favicon.svg"))


# The API's one namespace, "api": each app's endpoints, then the API's own pages and its JSON 404 for the rest.
API_V1 = [
    path("", include("accounts.api.urls")),
    path("", include("recognizer.api.urls")),
    path("", include("restapi.urls")),
]

urlpatterns = [
    path("", include("recognizer.urls")),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include((API_V1, "api"))),
    # The learning loop's staff pages, beside the admin (learning/admin.py links them).
    path("admin/review/", learning_views.review, name="learning_review"),
    path("admin/dashboard/", learning_views.dashboard, name="learning_dashboard"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("favicon.ico", favicon),
]
