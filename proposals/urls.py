from django.urls import path

from proposals.views import browse, comments, decisions, suggest, watch

app_name = "proposals"

urlpatterns = [
    path("skills/<slug:slug>/watch/", watch.watch, name="watch"),
    path("skills/<slug:slug>/suggest/", suggest.suggest, name="suggest"),
    path("skills/<slug:slug>/comments/", comments.skill_comment, name="skill-comment"),
    path("proposals/", browse.proposal_list, name="list"),
    path("proposals/<int:pk>/", browse.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/approve/", decisions.proposal_approve, name="approve"),
    path("proposals/<int:pk>/reject/", decisions.proposal_reject, name="reject"),
    path("proposals/<int:pk>/withdraw/", decisions.proposal_withdraw, name="withdraw"),
    path("proposals/<int:pk>/rebase/", decisions.proposal_rebase, name="rebase"),
    path("proposals/<int:pk>/undo/", decisions.proposal_undo, name="undo"),
    path("proposals/<int:pk>/comments/", comments.proposal_comment, name="proposal-comment"),
    path("comments/<int:pk>/edit/", comments.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", comments.comment_delete, name="comment-delete"),
    path("comments/<int:pk>/hide/", comments.comment_hide, name="comment-hide"),
]
