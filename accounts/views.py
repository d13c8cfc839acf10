import math

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import CreateView
from rest_framework.authtoken.models import Token

from accounts.forms import SignUpForm
from accounts.services import token_regenerate, token_revoke
from accounts.signed_in import signed_in
from accounts.throttling import SignUpThrottle


class SignUpView(CreateView):
    """Sign-up, at most SIGNUP_RATE new accounts from one address.

    Only accounts actually made count (a mistyped form costs nothing), and the
    count is taken atomically before the account is saved, so a burst of
    sign-ups cannot slip past it.
    """

    form_class = SignUpForm
    template_name = "registration/signup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("recognizer:draw")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        throttle = SignUpThrottle()
        if not throttle.allow_request(self.request, self):
            wait = max(1, math.ceil(throttle.wait()))
            minutes = math.ceil(wait / 60)
            message = (
                f"Too many accounts have been made from your address: try again in {minutes} "
                f"minute{'s' if minutes != 1 else ''}."
            )
            response = render(self.request, "registration/signup_limited.html", {"message": message}, status=429)
            response["Retry-After"] = str(wait)
            return response
        user = form.save()
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, f"Welcome, {user.username}! Draw a digit to start.")
        return redirect("recognizer:draw")


class LogoutView(auth_views.LogoutView):
    """Django's log-out (POST only), which then says so.

    It lands on the log-in page, which looks the same whether or not anything
    happened; the message tells a person on a shared computer that it did.
    """

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have logged out.")
        return response


@never_cache  # the page shows the key: no copy of it may stay in a cache
@login_required
def token_page(request: HttpRequest) -> HttpResponse:
    token = Token.objects.filter(user=signed_in(request)).first()
    return render(request, "accounts/token.html", {"token": token})


class TokenChangeView(LoginRequiredMixin, View):
    """Regenerate or revoke the API token: a GET asks first, a POST does it.

    Either one stops every program using the old key at once, so neither may
    happen on a single click. The question is a page of its own, so it works
    without JavaScript. Creating the first token loses nothing: the token page
    posts here straight away when there is none.
    """

    action = ""  # "regenerate" or "revoke", set in accounts/urls.py
    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest) -> HttpResponse:
        token = Token.objects.filter(user=signed_in(request)).first()
        if token is None:
            return redirect("token")  # nothing to replace or revoke: the token page offers to create one
        return render(request, "accounts/token_confirm.html", {"token": token, "action": self.action})

    def post(self, request: HttpRequest) -> HttpResponse:
        had_token = Token.objects.filter(user=signed_in(request)).exists()
        if self.action == "regenerate":
            token_regenerate(user=signed_in(request))
            messages.success(
                request, "New token created; the old one no longer works." if had_token else "Token created."
            )
        else:
            token_revoke(user=signed_in(request))
            messages.success(
                request,
                "Token revoked; programs using it can no longer sign in."
                if had_token
                else "You have no token to revoke.",
            )
        return redirect("token")
