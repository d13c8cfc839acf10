from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        required=False,
        help_text="Optional. Only used to send you a link if you forget your password; "
        "without it, a forgotten password cannot be reset.",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
