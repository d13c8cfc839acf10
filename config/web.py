"""What every web process does as it starts, under WSGI (config.wsgi) and ASGI (config.asgi) alike."""

import cv2

from config.checks import check_web_start_up
from recognizer.model_in_service import model_load_in_background


def web_process_start() -> None:
    """Once Django is set up (the check reads the settings and the static storage): start serving.

    Web servers run about one worker per core; OpenCV's own thread pool on top
    of that only makes the workers fight for the cores, so it gets one thread.
    Then the process refuses to start where it could only answer 500
    (config.checks), and starts loading the model in the background.
    """
    cv2.setNumThreads(1)
    check_web_start_up()
    model_load_in_background()
