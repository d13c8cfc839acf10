from django.contrib import admin

from recognizer.models import Prediction


@admin.register(Prediction)
class PredictionAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "number", "confidence", "source", "correct_label", "reviewed", "created_at")
    list_filter = ("source", "multi", "reviewed", "model_version")
    search_fields = ("user__username", "number", "correct_label")
    date_hierarchy = "created_at"
