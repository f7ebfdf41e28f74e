"""A cell's Required flag and proficiency badge, as every page that shows cells writes them.

Tags rather than included templates: an include sets up a template context for each cell, and a
skill page shows up to hundreds of cells.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from skills.models import Proficiency

register = template.Library()


@register.simple_tag
def required_flag(required: bool | None) -> str:
    """{% required_flag cell.required %}: "Required" or "Optional"."""
    if required:
        return format_html('<span class="flag flag--required">{}</span>', gettext("Required"))
    return format_html('<span class="flag flag--optional">{}</span>', gettext("Optional"))


@register.simple_tag
def proficiency(cell) -> str:
    """{% proficiency cell %}: the cell's proficiency as a badge; nothing when it has none (or no cell)."""
    if cell is None or not cell.proficiency:
        return ""
    return format_html('<span class="prof prof--{}">{}</span>', cell.proficiency, proficiency_label(cell))


@register.filter
def proficiency_label(cell) -> str:
    """{{ cell|proficiency_label }}: get_proficiency_display(), without translating every choice's label to find one."""
    try:
        return str(Proficiency(cell.proficiency).label)
    except ValueError:
        return cell.proficiency
