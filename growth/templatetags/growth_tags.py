"""{% growth_plan_card %}: the "Growth plan" card of the account page; {% plan_reading %}: the member's role and level
for the home page's front door.

The account page belongs to accounts, the home page to skills; they render these tags so that neither imports
growth. The card costs three queries (the member's profile, the roles, their levels), the reading one.
"""

from django import template

from growth import selectors
from growth.forms import PlanSettingsForm
from skills.pages import Reading

register = template.Library()


@register.inclusion_tag("growth/partials/plan_card.html", takes_context=True)
def growth_plan_card(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    profile = selectors.plan_profile(user=user) if user is not None else None
    initial = {"role": profile.role.slug, "level": profile.level.slug} if profile else {}
    return {
        "profile": profile,
        "form": PlanSettingsForm(initial=initial, roles=selectors.roles_for_choice()),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


@register.simple_tag(takes_context=True)
def plan_reading(context) -> Reading | None:
    """{% plan_reading as offer %}: the signed-in member's role and level from their growth plan, or None."""
    request = context.get("request")
    profile = selectors.plan_profile(user=getattr(request, "user", None))
    if profile is None:
        return None
    return Reading(profile.role.slug, profile.role.name, profile.level.slug, profile.level.name)
