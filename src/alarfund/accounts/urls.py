from django.urls import path

from . import views, views_auth

app_name = "accounts"

urlpatterns = [
    path("login/", views_auth.LoginView.as_view(), name="login"),
    path("logout/", views_auth.LogoutView.as_view(), name="logout"),
    path("password/", views_auth.password_change, name="password_change"),
    path("two-factor/", views_auth.otp_verify, name="otp_verify"),
    path("two-factor/setup/", views_auth.otp_setup, name="otp_setup"),
    path("register/", views.register, name="register"),
    path("register/check-code/", views.uscc_check, name="uscc_check"),
    path("organisation/", views.organisation_own, name="organisation"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<uuid:organisation_id>/", views.organisation_detail, name="organisation_detail"),
    path(
        "organisations/<uuid:organisation_id>/reveal/", views.organisation_reveal, name="organisation_reveal"
    ),
    path("users/", views.user_list, name="users"),
    path("users/<uuid:user_id>/active/", views.user_set_active, name="user_set_active"),
]
