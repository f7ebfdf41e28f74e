from django.urls import include, path

from proposals import views

app_name = "proposals"

# Nested namespace (proposals:account:…) so that the header does not mark "Proposals" as the current section.
account_patterns = (
    [
        path("", views.account, name="profile"),
        path("token/", views.token_create, name="token-create"),
        path("token/revoke/", views.token_revoke, name="token-revoke"),
    ],
    "account",
)

urlpatterns = [
    path("skills/<slug:slug>/watch/", views.watch, name="watch"),
    path("skills/<slug:slug>/suggest/", views.suggest, name="suggest"),
    path("skills/<slug:slug>/comments/", views.skill_comment, name="skill-comment"),
    path("proposals/", views.proposal_list, name="list"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/approve/", views.proposal_approve, name="approve"),
    path("proposals/<int:pk>/reject/", views.proposal_reject, name="reject"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("proposals/<int:pk>/rebase/", views.proposal_rebase, name="rebase"),
    path("proposals/<int:pk>/comments/", views.proposal_comment, name="proposal-comment"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment-edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path("comments/<int:pk>/hide/", views.comment_hide, name="comment-hide"),
    path("accounts/profile/", include(account_patterns)),
]
