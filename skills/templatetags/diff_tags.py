from django import template
from django.utils.safestring import SafeString

from skills.diff import Segment, diff_html, word_diff

register = template.Library()


@register.filter(is_safe=True)
def render_diff(segments: list[Segment] | None) -> SafeString:
    """{{ segments|render_diff }}: escaped text with <del>/<ins> around the changes."""
    return diff_html(segments or [])


@register.simple_tag
def word_diff_html(old: str, new: str) -> SafeString:
    """{% word_diff_html old new %}: the word diff of two texts, as HTML."""
    return diff_html(word_diff(old or "", new or ""))
