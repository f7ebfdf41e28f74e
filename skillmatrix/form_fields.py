"""Text fields shared by the site's forms, no longer than their limit as sent.

Django strips a field's whitespace before its `max_length` validator runs (and a URLField may add a scheme):
a team name of a form feed and 120 letters passed a limit of 120 that the page states. These fields check
the length of the value as it came, first. The API's counterparts are in skillmatrix/serializer_fields.py.
"""

from django import forms
from django.core.validators import MaxLengthValidator


class LengthAsSentMixin:
    def to_python(self, value):
        if isinstance(value, str) and self.max_length is not None:
            MaxLengthValidator(self.max_length)(value)
        return super().to_python(value)


class StrictCharField(LengthAsSentMixin, forms.CharField):
    pass


class StrictSlugField(LengthAsSentMixin, forms.SlugField):
    pass


class StrictURLField(LengthAsSentMixin, forms.URLField):
    pass
