from django.conf import settings

from restapi.throttling import AddressThrottle


class SignUpThrottle(AddressThrottle):
    """Accounts made from one client address (the sign-up page, not the API): SIGNUP_RATE.

    Without it one script makes accounts by the thousand, each with its own
    storage and rates. Counted as the API's rates are (restapi.throttling).
    """

    scope = "signup"

    def get_rate(self) -> str:
        return settings.SIGNUP_RATE
