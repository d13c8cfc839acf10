"""The site's handle on the model in service (see ml.model).

Servers start loading it in a background thread as they boot (config.web), so
/healthz can answer 503 "loading" until it is ready and the first reading does
not pay for the load; anything that needs the model before then just waits.

A load that fails (files missing, a card that does not describe them) is tried
again in the background, sooner at first and then less often: a load balancer
sends no traffic to a process whose health check fails, so waiting for a
request to try again would leave it out for good once the files are back.

Which version serves is one row in the database (learning.models.Serving).
Each process looks at it at most once a second, from the requests that read
digits; when it names another version, that one is loaded in the background
beside the one serving, and the switch happens once it is loaded and checked.
No restart, and no request waits for a load.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import DatabaseError

from recognizer.engine_port import DigitModel, ModelUnavailable, get_model, load_model, loaded_model

logger = logging.getLogger(__name__)

RETRY_FIRST_SECONDS = 5.0
RETRY_MAX_SECONDS = 60.0
FOLLOW_EVERY_SECONDS = 1.0  # how often a process looks at which version should serve
SWITCH_RETRY_SECONDS = 30.0  # after a version failed to load

_lock = threading.Lock()
_started = False
_failure: ModelUnavailable | None = None
_switched: DigitModel | None = None  # a version other than the committed one, once loaded
_next_look = 0.0
_loading: str | None = None  # the version being loaded beside the one serving


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


def model_in_service() -> DigitModel:
    """The model that reads digits now: the version the database names, once this process has it."""
    follow_serving_setting()
    return _switched or get_model()


def follow_serving_setting(*, now: float | None = None) -> None:
    """Look (at most once a second) at which version should serve; load it beside this one if it changed."""
    global _next_look, _loading
    now = time.monotonic() if now is None else now
    if now < _next_look:
        return
    _next_look = now + FOLLOW_EVERY_SECONDS
    from learning.selectors import model_version_get, serving_version_name  # the learning app owns it

    try:
        wanted = serving_version_name()
        current = _switched or loaded_model()
        if wanted is None and _switched is None:
            return  # the committed model serves, as it always has
        if current is not None and current.version == (wanted or _committed_version()):
            return
        stored = model_version_get(version=wanted) if wanted is not None else None
    except DatabaseError as exc:  # the database is down: keep serving what is loaded
        logger.warning("could not read which model version serves: %s", exc)
        return
    with _lock:
        if _loading is not None:
            return
        _loading = wanted or ""
    # The load reads files only (no database), beside the model serving, which serves until it is done.
    threading.Thread(target=_switch_to, args=(wanted, stored), name="model-switch", daemon=True).start()


def _committed_version() -> str:
    model = loaded_model()
    return model.version if model is not None else ""


def _switch_to(version: str | None, stored) -> None:
    """Load ``stored`` (a learning ModelVersion; None: the committed model) and make it the one serving."""
    global _switched, _loading, _next_look
    try:
        if version is not None and stored is None:
            raise ModelUnavailable("the version to serve does not exist", version)
        if stored is None or stored.committed:
            model = get_model()
        else:
            from learning.serving import model_directory

            model = load_model(model_directory(stored))
        _switched = None if model is loaded_model() else model
        logger.info("model %s now serves", model.version)
    except (ModelUnavailable, OSError, KeyError) as exc:
        _next_look = time.monotonic() + SWITCH_RETRY_SECONDS
        logger.error(
            "could not switch to model %s, the one loaded keeps serving (trying again in %.0f s): %s",
            version,
            SWITCH_RETRY_SECONDS,
            exc,
        )
    finally:
        with _lock:
            _loading = None


def model_status() -> tuple[DigitModel | None, str]:
    """The model in service, or None with a short reason (no server paths: it is shown publicly)."""
    if loaded_model() is not None:
        follow_serving_setting()
    model = _switched or loaded_model()
    if model is not None:
        return model, ""
    if _failure is not None:
        return None, _failure.reason
    return None, "the model is still loading" if _started else "the model is not loaded"
