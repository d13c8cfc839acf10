"""The REST API's machinery that every app's endpoints share: the error answers, parsers,
rates, pages, the schema and docs, and the middleware that refuses chunked bodies.

Nothing here knows what the endpoints do (readings, tokens): the apps bring
their views, and their own exceptions' answers (API_ERROR_ANSWERS).
"""
