from django.urls import path

from teams import (
    api,
    converters,  # noqa: F401 (registers <username:...>)
)

app_name = "teams-api"

urlpatterns = [
    path("teams/", api.TeamList.as_view(), name="team-list"),
    path("teams/<slug:slug>/", api.team_detail, name="team-detail"),
    path("teams/<slug:slug>/members/", api.team_members, name="team-members"),
    path("teams/<slug:slug>/accept/", api.team_accept, name="team-accept"),
    path("teams/<slug:slug>/decline/", api.team_decline, name="team-decline"),
    path("teams/<slug:slug>/matrix/", api.team_matrix, name="team-matrix"),
    path("teams/<slug:slug>/members/<username:username>/", api.team_member, name="team-member"),
    path(
        "teams/<slug:slug>/members/<username:username>/assessments/<slug:skill>/",
        api.member_assessment,
        name="member-assessment",
    ),
    path("me/assessments/<slug:skill>/", api.my_assessment, name="my-assessment"),
]
