from django.urls import path

from recognizer import views

app_name = "recognizer"

urlpatterns = [
    path("", views.draw, name="draw"),
    path("history/", views.history, name="history"),
    path("history/<int:pk>/", views.detail, name="detail"),
    path("history/<int:pk>/correct/", views.correct, name="correct"),
    path("history/<int:pk>/answer/", views.answer, name="answer"),
    path("history/<int:pk>/delete/", views.delete, name="delete"),
    # The API links here (image_url): keep this name and path.
    path("predictions/<int:pk>/image/", views.image, name="image"),
]
