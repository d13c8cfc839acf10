from django.urls import path, re_path

from recognizer.api import views

app_name = "api"

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("predictions/", views.PredictionListView.as_view(), name="prediction-list"),
    path("predictions/<int:pk>/", views.PredictionDetailView.as_view(), name="prediction-detail"),
    path("readings/", views.ReadingView.as_view(), name="reading"),
    path("model/", views.ModelView.as_view(), name="model"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/v1/ answers a JSON 404, not the site's HTML page.
    re_path(r"^(?P<path>.*)$", views.not_found),
]
