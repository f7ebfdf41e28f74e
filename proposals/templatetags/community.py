"""{% community_block skill %}: the Community block of the skill page.

The skills app renders it without importing proposals (the dependency runs
one way); the block costs the same few queries however many watchers,
proposals and comments the skill has.
"""

from django import template
from django.contrib.auth.models import AnonymousUser

from proposals import selectors

register = template.Library()


@register.inclusion_tag("proposals/partials/community_block.html", takes_context=True)
def community_block(context, skill):
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        **selectors.community_block(skill=skill, user=user),
        "skill": skill,
        "user": user,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
