from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("password/", views.password_change, name="password_change"),
    path("users/<int:pk>/reset/", views.password_reset, name="password_reset"),
    path("logins/", views.login_log, name="login_log"),
    path("tokens/", views.tokens, name="tokens"),
    path("2fa/", views.two_factor, name="two_factor"),
    path("2fa/verify/", views.otp_verify, name="otp_verify"),
]
