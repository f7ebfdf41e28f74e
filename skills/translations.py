"""Catalog text in the site's other languages.

The catalog is written in English (the stored fields: `name`, `summary`, `description`...). A translated
row keeps its other languages in one JSON field, `translations`, shaped
``{"de": {"name": "..."}, "es": {...}, "zh-hans": {...}}``: only the site's languages other than English,
only the fields the model lists in TRANSLATED, non-empty strings no longer than the English field may be.
Pages show the text in the visitor's language, or the English text marked as English
(skills/templatetags/translation_tags.py); diffs, history and proposals are about the English text.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

ENGLISH = settings.LANGUAGE_CODE
# The languages a translation may be in: the site's, but English.
LANGUAGES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES if code != ENGLISH)
# The longest translation of a text field that has no max_length of its own.
TEXT_LIMIT = 5000


def field_limits(model: type[models.Model]) -> dict[str, int]:
    """Each translated field of `model` and the longest text a translation of it may have."""
    return {name: model._meta.get_field(name).max_length or TEXT_LIMIT for name in model.TRANSLATED}


def problems(value: Any, limits: dict[str, int]) -> list[str]:
    """What is wrong with `value` as a row's translations (empty when nothing is), one message per problem."""
    if not isinstance(value, dict):
        return [f"expected an object of languages, got {type(value).__name__}"]
    found = []
    for language, texts in value.items():
        if language not in LANGUAGES:
            found.append(f"{language!r} is not one of the languages {', '.join(LANGUAGES)}")
            continue
        if not isinstance(texts, dict):
            found.append(f"{language}: expected an object of fields, got {type(texts).__name__}")
            continue
        for name, text in texts.items():
            if name not in limits:
                found.append(f"{language}.{name}: not a translated field (only {', '.join(limits)})")
            elif not isinstance(text, str):
                found.append(f"{language}.{name}: expected a string, got {type(text).__name__}")
            elif not text.strip():
                found.append(f"{language}.{name}: must not be empty (leave the field out instead)")
            elif len(text) > limits[name]:
                found.append(f"{language}.{name}: longer than {limits[name]} characters")
    return found


def normalized(value: dict, fields: tuple[str, ...]) -> dict:
    """`value` in a stable order (the site's languages, the model's fields), without empty languages."""
    ordered = {}
    for language in LANGUAGES:
        texts = value.get(language) or {}
        kept = {name: texts[name] for name in fields if name in texts}
        if kept:
            ordered[language] = kept
    return ordered


def active_language() -> str:
    return translation.get_language() or ENGLISH


class Translated(models.Model):
    """A catalog row whose TRANSLATED fields may have a text in each of the site's other languages."""

    TRANSLATED: tuple[str, ...] = ()

    translations = models.JSONField(
        _("translations"),
        default=dict,
        # Rows written by SQL (tests, data fixes) get none too.
        db_default=models.Value({}, output_field=models.JSONField()),
        blank=True,
        help_text=_("The names and texts in the site's other languages."),
    )

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude=exclude)
        if exclude and "translations" in exclude:
            return
        found = problems(self.translations, field_limits(type(self)))
        if found:
            raise ValidationError({"translations": found})

    def translated(self, name: str, language: str | None = None) -> str | None:
        """The text of field `name` in `language` (the active language by default), or None if it has none."""
        language = language or active_language()
        if language == ENGLISH:
            return getattr(self, name)
        texts = (self.translations or {}).get(language)
        return texts.get(name) if isinstance(texts, dict) else None


def _get(obj, name: str):
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def text_in_language(obj, name: str) -> tuple[str, bool]:
    """Field `name` of `obj` (a row, a presenter or a dict with "translations") in the active language, and
    whether that is the English text standing in for a missing translation."""
    english = _get(obj, name) or ""
    language = active_language()
    if language == ENGLISH:
        return english, False
    texts = (_get(obj, "translations") or {}).get(language)
    translated = texts.get(name) if isinstance(texts, dict) else None
    if translated:
        return translated, False
    return english, bool(english)


def text(obj, name: str) -> str:
    """Field `name` of `obj` in the active language, or its English text when it has no translation (plain text)."""
    return text_in_language(obj, name)[0]
