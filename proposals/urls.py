from django.urls import path

from proposals import views

app_name = "proposals"

urlpatterns = [
    path("skills/<slug:slug>/watch/", views.watch, name="watch"),
]
