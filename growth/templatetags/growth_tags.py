"""{% growth_plan_card %}: the "Growth plan" card of the account page.

The account page belongs to accounts; it renders this tag so that accounts
never imports growth. Three queries: the member's profile, the roles, their levels.
"""

from django import template

from growth import selectors
from growth.forms import PlanSettingsForm

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
