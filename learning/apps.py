from django.apps import AppConfig


class LearningConfig(AppConfig):
    """The learning loop: model versions, training in a worker, the gate, promotion."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "learning"
    verbose_name = "Learning"
