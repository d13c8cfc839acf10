"""Strict readers for environment variables.

A typo in production configuration should stop the process at start-up with
a message naming the variable, not silently fall back to a default.
"""

from __future__ import annotations

import math
import os
from email.utils import parseaddr

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: use one of 1/0, true/false, yes/no, on/off")


def _number(name: str, default, parse, kind: str, minimum, maximum):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = parse(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not {kind}") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a finite number")
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum of {minimum}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name}={value} is above the maximum of {maximum}")
    return value


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    return _number(name, default, int, "a whole number", minimum, maximum)


def env_float(name: str, default: float, *, minimum: float = 0.0, maximum: float | None = None) -> float:
    return _number(name, default, float, "a number", minimum, maximum)


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_rate(name: str, default: str) -> str:
    """A DRF throttle rate such as ``100/minute``."""
    value = os.environ.get(name) or default
    count, _, period = value.partition("/")
    if not count.isdigit() or period not in {"s", "sec", "second", "m", "min", "minute", "h", "hour", "d", "day"}:
        raise ImproperlyConfigured(f"{name}={value!r}: use a rate like 100/minute or 5000/day")
    return value


def env_host(name: str, default: str) -> str:
    """A bare host name or address, such as ``smtp.example.com``: no scheme, port or spaces.

    ``smtp.example.com:587`` or ``smtp://...`` would otherwise fail only when the
    first e-mail is sent, long after start-up.
    """
    value = os.environ.get(name, default).strip()
    if value and (any(c.isspace() for c in value) or "/" in value or value.count(":") == 1):
        raise ImproperlyConfigured(f"{name}={value!r}: give the host name alone (the port has its own variable)")
    return value


def env_email(name: str, default: str) -> str:
    """An address to send from: ``noreply@example.com`` or ``Digits <noreply@example.com>``."""
    value = (os.environ.get(name) or default).strip()
    _, address = parseaddr(value)
    try:
        validate_email(address)
    except ValidationError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an e-mail address") from None
    return value
