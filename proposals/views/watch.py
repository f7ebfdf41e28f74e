"""Watching a skill from its page."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proposals import access, services


@require_POST
def watch(request, slug: str):
    """Watch (action=watch) or stop watching (action=unwatch) a skill, then back to its page."""
    skill = access.get_skill_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(skill.get_absolute_url())
    action = request.POST.get("action")
    if action not in ("watch", "unwatch"):
        return HttpResponse(_("Choose to watch or to unwatch."), status=400, content_type="text/plain; charset=utf-8")
    if action == "unwatch":
        services.watch_clear(user=request.user, skill=skill)
    else:
        services.watch_set(user=request.user, skill=skill)
    return redirect(skill.get_absolute_url() + "#community")
