"""Catalog text in the page's language (skills/translations.py), or in English marked as English.

    {{ role|tr:"name" }}                  HTML: the translation, or <span lang="en">…</span> and an "English" mark
    {{ role|tr_text:"name" }}             plain text, for attributes and titles (no mark)
    {{ role|tr_lang:"name" }}             the language of that text, for a lang="" attribute
    {{ cell|tr_markdown:"description" }}  Markdown, sanitized as the markdown filter does, marked the same way

A row without a translation in the page's language shows its English text, never silently mixed into a
page in another language. Diffs, history and proposals are about the stored English text and do not use these.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from skills.templatetags.markdown_tags import render_markdown
from skills.translations import ENGLISH, active_language, text_in_language

register = template.Library()


def _mark() -> SafeString:
    return format_html(
        '<span class="lang-mark" title="{}">{}</span>',
        gettext("Not translated yet: shown in English."),
        gettext("English"),
    )


@register.filter(name="tr")
def tr(obj, name: str) -> SafeString:
    text, fallback = text_in_language(obj, name)
    if fallback:
        return format_html('<span lang="{}">{}</span> {}', ENGLISH, text, _mark())
    return format_html("{}", text)


@register.filter(name="tr_text")
def tr_text(obj, name: str) -> str:
    return text_in_language(obj, name)[0]


@register.filter(name="tr_lang")
def tr_lang(obj, name: str) -> str:
    return ENGLISH if text_in_language(obj, name)[1] else active_language()


@register.filter(name="tr_markdown")
def tr_markdown(obj, name: str) -> SafeString:
    text, fallback = text_in_language(obj, name)
    html = render_markdown(text)
    if fallback:
        return format_html('<div class="lang-fallback">{}<div lang="{}">{}</div></div>', _mark(), ENGLISH, html)
    return mark_safe(html)  # sanitized by render_markdown


@register.filter(name="has_tr")
def has_tr(obj, name: str) -> bool:
    """Whether field `name` of `obj` has a text in the page's language (never, on an English page)."""
    return active_language() != ENGLISH and not text_in_language(obj, name)[1]


@register.filter(name="as_english", is_safe=True)
def as_english(html: SafeString) -> SafeString:
    """{{ html|as_english }}: HTML of English catalog text (a highlighted search hit), marked as English on a page in
    another language."""
    if active_language() == ENGLISH:
        return html
    return format_html('<span lang="{}">{}</span> {}', ENGLISH, html, _mark())
