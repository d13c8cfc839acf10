"""Where the site meets the engine: every name the recognizer app takes from ``ml``.

The engine (``ml``) knows nothing of Django, so it can be trained, benchmarked
and tested on its own; the site depends on it through this one module rather
than through imports scattered over views, services and commands. What the
site relies on is listed here, and a change in the engine's own layout is
answered here alone (tests/test_architecture.py holds the rest of the app to it).
"""

from ml.errors import ImageError, NotADigit
from ml.evaluate import main as model_evaluate
from ml.formats import ACCEPTED_FORMATS, ACCEPTED_NAMES
from ml.model import NOT_A_DIGIT, DigitModel, ModelUnavailable, get_model, load_model, loaded_model
from ml.pipeline import encode_png, model_inputs, read
from ml.reading import DigitReading, Reading

__all__ = [
    "ACCEPTED_FORMATS",
    "ACCEPTED_NAMES",
    "NOT_A_DIGIT",
    "DigitModel",
    "DigitReading",
    "ImageError",
    "ModelUnavailable",
    "NotADigit",
    "Reading",
    "encode_png",
    "get_model",
    "load_model",
    "loaded_model",
    "model_evaluate",
    "model_inputs",
    "read",
]
