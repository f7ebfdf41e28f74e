from django.urls import path

from skills import views

app_name = "skills"

urlpatterns = [
    path("", views.home, name="home"),
    path("skills/<slug:slug>/", views.skill_detail, name="skill"),
    path("skills/<slug:slug>/<slug:role>/<slug:level>/", views.cell_detail, name="cell"),
    path("roles/", views.role_list, name="roles"),
    path("roles/<slug:slug>/", views.role_detail, name="role"),
]
