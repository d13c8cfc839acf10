"""The rates of reading without storing (the drawing page's live reading, open to visitors).

Counted as every rate of the API is (restapi.throttling), under scopes of their
own: DEFAULT_THROTTLE_RATES' "reading" and "reading_address".
"""

from rest_framework.throttling import UserRateThrottle

from restapi.throttling import AddressThrottle, SlidingWindowCounter


class ReadingVisitorThrottle(SlidingWindowCounter, UserRateThrottle):
    """Readings without storing, per person (or per address without an account): scope "reading".

    Generous enough that a person drawing with live reading (a few requests a
    second while the pen moves) never meets it.
    """

    scope = "reading"


class ReadingAddressThrottle(AddressThrottle):
    """Readings without storing, per client address, whoever asks: scope "reading_address".

    Several people behind one address share it; it bounds what one script can
    take, with or without accounts.
    """

    scope = "reading_address"
