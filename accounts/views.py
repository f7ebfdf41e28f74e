"""The account page and the member's API token."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework.authtoken.models import Token

from accounts import services
from proposals.models import Proposal


def account_page(request, *, new_key: str = "", status: int = 200) -> HttpResponse:
    user = request.user
    context = {
        "token": Token.objects.filter(user=user).only("created").first(),
        "new_key": new_key,
        "proposals": list(Proposal.objects.filter(author=user).with_summary().newest_first()[:10]),
        "api_example_url": request.build_absolute_uri(reverse("community-api:proposal-list")),
    }
    response = render(request, "accounts/account.html", context, status=status)
    if new_key:
        # The key is shown once: no cache may keep a copy of this page.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def account(request):
    return account_page(request)


@login_required
@require_POST
def token_create(request):
    token = services.token_create(user=request.user)
    return account_page(request, new_key=token.key)


@login_required
@require_POST
def token_revoke(request):
    services.token_revoke(user=request.user)
    messages.success(request, _("Your API token is revoked; scripts that used it are signed out."))
    return redirect("accounts:profile")
