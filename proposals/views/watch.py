"""Watching a skill from its page."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proposals import access, selectors, services
from skillmatrix import partials


@require_POST
def watch(request, slug: str):
    """Watch (action=watch) or stop watching (action=unwatch) a skill, then back to its page
    (asked in place: the watch box as it now stands)."""
    skill = access.get_skill_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(skill.get_absolute_url())
    action = request.POST.get("action")
    if action not in ("watch", "unwatch"):
        return partials.message(_("Choose to watch or to unwatch."), status=400)
    if action == "unwatch":
        services.watch_clear(user=request.user, skill=skill)
    else:
        services.watch_set(user=request.user, skill=skill)
    if partials.wants_partial(request):
        summary = selectors.watch_summary(skill=skill, user=request.user)
        context = {**summary, "skill": skill, "user": request.user}
        return partials.fragment(request, "proposals/partials/watch_answer.html", context)
    return redirect(skill.get_absolute_url() + "#community")
