"""The site's handle on the process-wide model (see ml.model).

Servers start loading it in a background thread as they boot (config.wsgi), so
/healthz can answer 503 "loading" until it is ready and the first reading does
not pay for the load; anything that needs the model before then just waits.

A load that fails (files missing, a card that does not describe them) is tried
again in the background, sooner at first and then less often: a load balancer
sends no traffic to a process whose health check fails, so waiting for a
request to try again would leave it out for good once the files are back.
"""

from __future__ import annotations

import logging
import threading

from ml.model import DigitModel, ModelUnavailable, get_model, loaded_model

logger = logging.getLogger(__name__)

RETRY_FIRST_SECONDS = 5.0
RETRY_MAX_SECONDS = 60.0

_lock = threading.Lock()
_started = False
_failure: ModelUnavailable | None = None


def _load(retry_in: float) -> None:
    global _failure
    try:
        model = get_model()
    except ModelUnavailable as exc:
        _failure = exc
        logger.error("model failed to load, trying again in %.0f s: %s", retry_in, exc)
        retry = threading.Timer(retry_in, _load, args=(min(retry_in * 2, RETRY_MAX_SECONDS),))
        retry.daemon = True  # never keeps a stopping process alive
        retry.start()
    else:
        _failure = None
        logger.info("model %s loaded", model.version)


def model_load_in_background() -> None:
    """Start loading the model, once per process; failures are retried on their own."""
    global _started
    with _lock:
        if _started:
            return
        _started = True
    threading.Thread(target=_load, args=(RETRY_FIRST_SECONDS,), name="model-loader", daemon=True).start()


def model_status() -> tuple[DigitModel | None, str]:
    """The loaded model, or None with a short reason (no server paths: it is shown publicly)."""
    model = loaded_model()
    if model is not None:
        return model, ""
    if _failure is not None:
        return None, _failure.reason
    return None, "the model is still loading" if _started else "the model is not loaded"
