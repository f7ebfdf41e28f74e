"""Text fields shared by the site's forms, no longer than their limit as sent.

Django strips a field's whitespace before its `max_length` validator runs (and a URLField may add a scheme):
a team name of a form feed and 120 letters passed a limit of 120 that the page states. These fields check
the length of the value as it came, first. The API's counterparts are in skillmatrix/serializer_fields.py.
"""

import functools

from django import forms
from django.core.validators import MaxLengthValidator


class LengthAsSentMixin:
    length_message = None  # Django's own ("at most N characters (it has M)") unless set

    def to_python(self, value):
        if isinstance(value, str) and self.max_length is not None:
            MaxLengthValidator(self.max_length, message=self.length_message)(value)
        return super().to_python(value)


class StrictCharField(LengthAsSentMixin, forms.CharField):
    pass


class StrictSlugField(LengthAsSentMixin, forms.SlugField):
    pass


class StrictURLField(LengthAsSentMixin, forms.URLField):
    pass


@functools.cache
def _strict_class(field_class: type[forms.CharField]) -> type[forms.CharField]:
    return type(f"Strict{field_class.__name__}", (LengthAsSentMixin, field_class), {})


def hold_length_as_sent(field: forms.CharField, max_length: int, message: str | None = None) -> None:
    """Make a field another package declared (allauth's email and username) hold `max_length` for the text as sent."""
    if field.max_length != max_length:
        field.validators.append(MaxLengthValidator(max_length, message=message))
    field.max_length = max_length
    field.length_message = message
    field.widget.attrs["maxlength"] = str(max_length)
    field.__class__ = _strict_class(type(field))
