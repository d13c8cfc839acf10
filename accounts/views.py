from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.views.generic import CreateView
from rest_framework.authtoken.models import Token

from accounts.forms import SignUpForm
from accounts.services import token_regenerate, token_revoke


class SignUpView(CreateView):
    form_class = SignUpForm
    template_name = "registration/signup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("recognizer:draw")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.save()
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, f"Welcome, {user.username}! Draw a digit to start.")
        return redirect("recognizer:draw")


@login_required
def token_page(request: HttpRequest) -> HttpResponse:
    token = Token.objects.filter(user=request.user).first()
    return render(request, "accounts/token.html", {"token": token})


@login_required
@require_POST
def token_regenerate_view(request: HttpRequest) -> HttpResponse:
    had_token = Token.objects.filter(user=request.user).exists()
    token_regenerate(user=request.user)
    messages.success(request, "New token created; the old one no longer works." if had_token else "Token created.")
    return redirect("token")


@login_required
@require_POST
def token_revoke_view(request: HttpRequest) -> HttpResponse:
    token_revoke(user=request.user)
    messages.success(request, "Token revoked; programs using it can no longer sign in.")
    return redirect("token")
