from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

# Django's own auth views keep their usual names ("login", "logout", "password_reset", ...)
# so that LOGIN_URL, the admin and Django's own templates find them.
urlpatterns = [
    path("signup/", views.SignUpView.as_view(), name="signup"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password_reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("token/", views.token_page, name="token"),
    path("token/regenerate/", views.TokenChangeView.as_view(action="regenerate"), name="token_regenerate"),
    path("token/revoke/", views.TokenChangeView.as_view(action="revoke"), name="token_revoke"),
]
