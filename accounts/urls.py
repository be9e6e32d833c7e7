"""Account pages: sign-up, sign-in and out, passwords, API tokens.

The URL names are Django's own (login, logout, password_reset, ...) so that
settings.LOGIN_URL and the auth views' defaults find them.
"""

from __future__ import annotations

from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.account, name="account"),
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("signup/verify/<uidb64>/<token>/", views.verify_email, name="signup_verify"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    # Django's own name for it (django.conf.urls.i18n), which the switchers use.
    path("language/", views.set_language, name="set_language"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:token_id>/revoke/", views.revoke_api_token, name="api_token_revoke"),
]
