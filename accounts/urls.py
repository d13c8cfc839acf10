from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

# Django's own auth views keep their usual names ("login", "logout", ...)
# so that LOGIN_URL and the admin find them; the rest live under "accounts:".
urlpatterns = [
    path("signup/", views.SignUpView.as_view(), name="signup"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("token/", views.token_page, name="token"),
    path("token/regenerate/", views.token_regenerate_view, name="token_regenerate"),
    path("token/revoke/", views.token_revoke_view, name="token_revoke"),
]
