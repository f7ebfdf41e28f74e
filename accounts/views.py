"""The account page: the member's API token and email settings; the unsubscribe link of the emails."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from accounts import emails, services
from accounts.forms import EmailSettingsForm
from proposals.access import is_reviewer
from proposals.models import Proposal


def email_settings_form(request, data=None) -> EmailSettingsForm:
    user = request.user
    return EmailSettingsForm(data, instance=emails.email_settings(user), reviewer=is_reviewer(user))


def account_page(request, *, new_key: str = "", email_form=None, status: int = 200) -> HttpResponse:
    user = request.user
    context = {
        "token": Token.objects.filter(user=user).only("created").first(),
        "new_key": new_key,
        "email_form": email_form or email_settings_form(request),
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


@login_required
@require_POST
def email_settings(request):
    form = email_settings_form(request, request.POST)
    if not form.is_valid():
        return account_page(request, email_form=form, status=400)
    services.email_settings_save(user=request.user, **form.cleaned_data)
    messages.success(request, _("Your email settings are saved."))
    return redirect(reverse("accounts:profile") + "#emails")


@csrf_exempt  # The signed token is the credential; mail programs unsubscribe in one click, without a session.
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request):
    """GET: ask; POST: stop the notices of the token's topic. Works signed out (RFC 8058 one-click too)."""
    token = request.POST.get("token") or request.GET.get("token") or ""
    try:
        user_id, topic = emails.read_unsubscribe_token(token)
    except emails.BadToken:
        return render(request, "accounts/unsubscribe_invalid.html", status=400)
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return render(request, "accounts/unsubscribe_invalid.html", {"gone": True}, status=404)
    context = {"token": token, "topic": topic, "settings_url": reverse("accounts:profile") + "#emails"}
    if request.method == "POST":
        services.unsubscribe(user=user, topic=topic)
        return render(request, "accounts/unsubscribe.html", context | {"done": True})
    return render(request, "accounts/unsubscribe.html", context)
