from django.urls import path

from proposals import api

app_name = "community-api"

urlpatterns = [
    path("skills/<slug:slug>/comments/", api.SkillCommentList.as_view(), name="skill-comments"),
    path("skills/<slug:slug>/watch/", api.skill_watch, name="skill-watch"),
    path("proposals/", api.ProposalList.as_view(), name="proposal-list"),
    path("proposals/<int:pk>/", api.ProposalDetail.as_view(), name="proposal-detail"),
    path("proposals/<int:pk>/comments/", api.ProposalCommentList.as_view(), name="proposal-comments"),
    path("proposals/<int:pk>/approve/", api.proposal_approve, name="proposal-approve"),
    path("proposals/<int:pk>/reject/", api.proposal_reject, name="proposal-reject"),
    path("proposals/<int:pk>/withdraw/", api.proposal_withdraw, name="proposal-withdraw"),
    path("proposals/<int:pk>/undo/", api.proposal_undo, name="proposal-undo"),
    path("comments/<int:pk>/", api.comment_detail, name="comment-detail"),
    path("comments/<int:pk>/hide/", api.comment_hide, name="comment-hide"),
]
