"""The test run's settings: the site's own (config.settings), given a secret key.

With DEBUG off, config.settings refuses to start without DJANGO_SECRET_KEY, as a
production server must; the tests run with DEBUG off too, so they bring a key of
their own. It goes into the environment, so that the servers and commands the
tests start in other processes find it as well.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-" + "k" * 50)

from config.settings import *  # noqa: F403
