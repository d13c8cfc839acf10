"""The site's handle on the process-wide model (see ml.model).

Servers start loading it in a background thread as they boot (config.wsgi), so
/healthz can answer 503 "loading" until it is ready and the first reading does
not pay for the load; anything that needs the model before then just waits.
"""

from __future__ import annotations

import logging
import threading

from ml.model import DigitModel, ModelUnavailable, get_model, loaded_model

logger = logging.getLogger(__name__)

_started = threading.Event()
_failure: str | None = None


def _load() -> None:
    global _failure
    try:
        model = get_model()
    except ModelUnavailable as exc:
        _failure = str(exc)
        logger.error("model failed to load: %s", exc)
    else:
        logger.info("model %s loaded", model.version)


def model_load_in_background() -> None:
    if not _started.is_set():
        _started.set()
        threading.Thread(target=_load, name="model-loader", daemon=True).start()


def model_status() -> tuple[DigitModel | None, str]:
    """The loaded model, or None with the reason it is not there yet."""
    model = loaded_model()
    if model is not None:
        return model, ""
    if _failure:
        return None, _failure
    return None, "the model is still loading" if _started.is_set() else "the model is not loaded"
