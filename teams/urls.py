from django.urls import path

from teams import (
    converters,  # noqa: F401 (registers <username:...>)
    views,
)

app_name = "teams"

urlpatterns = [
    path("teams/", views.team_list, name="list"),
    path("teams/new/", views.team_create, name="create"),
    path("teams/<slug:slug>/", views.team, name="team"),
    path("teams/<slug:slug>/matrix.csv", views.team_csv, name="csv"),
    path("teams/<slug:slug>/accept/", views.invitation_answer, {"answer": "accept"}, name="accept"),
    path("teams/<slug:slug>/decline/", views.invitation_answer, {"answer": "decline"}, name="decline"),
    path("teams/<slug:slug>/invite/", views.member_invite, name="invite"),
    path("teams/<slug:slug>/members/<username:username>/remove/", views.member_remove, name="remove"),
    path("teams/<slug:slug>/members/<username:username>/make-lead/", views.member_make_lead, name="make-lead"),
    path("teams/<slug:slug>/people/<username:username>/", views.person, name="person"),
    path("teams/<slug:slug>/people/<username:username>/<slug:skill>/", views.person_assess, name="person-assess"),
    path("me/skills/", views.my_skills, name="my-skills"),
    path("me/skills/<slug:skill>/", views.my_skill_assess, name="my-skill-assess"),
]
