"""gunicorn's settings for `make serve` (gunicorn config.wsgi --config config/gunicorn.py).

The address and the number of workers come from the command line (the
Makefile's HOST, PORT and WORKERS); what every run shares is here.
"""

from gunicorn.http import wsgi

# A request that takes longer holds a sync worker for everyone else: it is killed.
timeout = 30
# One line per request on standard output.
accesslog = "-"

# gunicorn writes "Server: gunicorn" into every response and has no setting for it
# (its maintainers declined one: benoitc/gunicorn#825); naming the server only helps
# someone looking for a known hole, so the header is left out of the default ones.
_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self) -> list[str]:
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _default_headers_without_server
