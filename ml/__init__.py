"""Framework-free handwritten digit recognition engine.

Nothing in this package imports Django, so it can be trained, benchmarked and
tested on its own (``python -m ml.train``, ``python -m ml.bench``).
"""
