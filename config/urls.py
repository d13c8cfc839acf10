from django.contrib import admin
from django.urls import include, path

from recognizer.api.views import healthz, readyz

urlpatterns = [
    path("", include("recognizer.urls")),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("recognizer.api.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]
