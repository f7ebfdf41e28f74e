from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="profile"),
    path("token/", views.token_create, name="token-create"),
    path("token/revoke/", views.token_revoke, name="token-revoke"),
    path("emails/", views.email_settings, name="email-settings"),
    path("unsubscribe/", views.unsubscribe, name="unsubscribe"),
]
