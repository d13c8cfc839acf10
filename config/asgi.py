"""ASGI entry point: the same start-up as config.wsgi (config.web)."""

import os

from django.core.asgi import get_asgi_application

from config.web import web_process_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_asgi_application()

web_process_start()
