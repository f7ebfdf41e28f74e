"""The address of the site's operators (CONTACT_EMAIL), for pages where someone may be stuck."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def contact_email() -> str:
    return settings.CONTACT_EMAIL
