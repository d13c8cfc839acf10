"""Framework-free handwritten digit recognition engine.

Nothing in this package imports Django, so it can be trained, benchmarked and
tested on its own (``python -m ml.train``; ``python -m benchmarks.bench``). The
pictures the benchmarks and tests draw are in ``benchmarks``, not here: a web
process imports this package, and reads pictures, never draws them.
"""
