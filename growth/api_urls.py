from django.urls import path

from growth import api

app_name = "growth-api"

urlpatterns = [
    path("me/plan/", api.plan, name="plan"),
    path("me/plan/ticks/<slug:skill>/<slug:level>/", api.tick, name="tick"),
]
