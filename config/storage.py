"""Static files as served in production: hashed names, compressed copies (whitenoise)."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Also rewrites the drawing page's ES module imports to the hashed names, so a
    browser never runs a new main.js against an old module it still has cached."""

    support_js_module_import_aggregation = True
