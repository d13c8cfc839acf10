"""Benchmarks of the engine and the pictures they read: kept out of ``ml``, which the web
process imports, since drawing test pictures is no part of reading them."""
