from django.urls import path

from recognizer.api import views

# Under /api/v1/, in the "api" namespace (config.urls).
urlpatterns = [
    path("predictions/", views.PredictionListView.as_view(), name="prediction-list"),
    path("predictions/<int:pk>/", views.PredictionDetailView.as_view(), name="prediction-detail"),
    path("readings/", views.ReadingView.as_view(), name="reading"),
    path("model/", views.ModelView.as_view(), name="model"),
]
