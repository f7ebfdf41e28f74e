"""`{% load limits %}{% limit "text" %}`: the limits the server enforces, for templates to render.

Each limit is defined once beside the rule it bounds (a model field's max_length, a constant
next to it); templates render it into maxlength attributes and into data- attributes that
JavaScript reads, so no template or script repeats the number.
"""

from django import template
from django.contrib.auth.models import AbstractUser

from proposals.access import undo_window_minutes
from proposals.models import HIDE_REASON_MAX_LENGTH, TEXT_MAX_LENGTH
from skills.selectors import SEARCH_MAX_CHARS

register = template.Library()

LIMITS = {
    "text": TEXT_MAX_LENGTH,
    "hide_reason": HIDE_REASON_MAX_LENGTH,
    "search": SEARCH_MAX_CHARS,
    # A username or an email address (the team invitation's field).
    "user": max(AbstractUser._meta.get_field(name).max_length for name in ("username", "email")),
    # Minutes after an approval during which a reviewer can undo it.
    "undo_minutes": undo_window_minutes(),
}


@register.simple_tag
def limit(name: str) -> int:
    """The limit called `name` (a KeyError for an unknown name: a typo fails loudly)."""
    return LIMITS[name]
