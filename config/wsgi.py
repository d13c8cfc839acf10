"""WSGI entry point (gunicorn, runserver).

Starts loading the model in the background as the process starts, so the first
reading is not slowed by it and /healthz turns ready as soon as it is loaded.
Refuses to start, saying why, where it could only answer 500 (no static
manifest with DEBUG off: config.checks).
"""

import os

import cv2
from django.core.wsgi import get_wsgi_application

# Web servers run about one worker per core; OpenCV's own thread pool on top
# of that only makes the workers fight for the cores.
cv2.setNumThreads(1)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

from config.checks import check_web_start_up  # noqa: E402  (needs Django set up)
from recognizer.engine import model_load_in_background  # noqa: E402

check_web_start_up()

model_load_in_background()
