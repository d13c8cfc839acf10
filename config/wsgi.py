"""WSGI entry point (gunicorn, runserver).

Starts loading the model in the background as the process starts, so the first
reading is not slowed by it and /healthz turns ready as soon as it is loaded.
Refuses to start, saying why, where it could only answer 500 (no static
manifest with DEBUG off: config.checks). Both done by config.web, as in config.asgi.
"""

import os

from django.core.wsgi import get_wsgi_application

from config.web import web_process_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

web_process_start()
