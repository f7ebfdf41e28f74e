"""{% team_invitations %}: the member's open team invitations, on the account page (accounts never imports teams)."""

from django import template

from teams import selectors

register = template.Library()


@register.inclusion_tag("teams/partials/invitations.html", takes_context=True)
def team_invitations(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    invitations = selectors.invitations(user=user) if user is not None and user.is_authenticated else []
    return {"invitations": invitations, "csrf_token": context.get("csrf_token"), "request": request}
