import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_asgi_application()

from config.checks import check_web_start_up  # noqa: E402  (needs Django set up)
from recognizer.engine import model_load_in_background  # noqa: E402

check_web_start_up()

model_load_in_background()
