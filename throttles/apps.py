from django.apps import AppConfig


class ThrottlesConfig(AppConfig):
    name = "throttles"
    verbose_name = "Rate limits"
