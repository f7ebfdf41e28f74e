from django.urls import path

from growth import views

app_name = "growth"

urlpatterns = [
    path("me/plan/", views.plan, name="plan"),
    path("me/plan/settings/", views.plan_settings, name="settings"),
    path("me/plan/print/", views.plan_print, name="print"),
    path("me/plan/ticks/<slug:skill>/<slug:level>/", views.tick, name="tick"),
    path("me/plan.csv", views.plan_csv, name="csv"),
]
