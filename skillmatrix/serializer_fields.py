"""Input fields shared by the API's serializers: text given as a JSON string, no longer than its limit as sent.

DRF trims whitespace before it checks `max_length`, and a value that trims to nothing is taken as blank before
any check: a team name of 121 characters starting with a form feed passed a limit of 120 that the schema
states for what is sent. These fields check the length of the value as it came, first.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty


class StrictCharField(serializers.CharField):
    """Text given as a JSON string (DRF's own field would take 123 for "123"), no longer than `max_length` as sent."""

    default_error_messages = {"not_a_string": _("Not a valid string.")}

    def run_validation(self, data=empty):
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class StrictSlugField(StrictCharField, serializers.SlugField):
    """A slug given as a JSON string, no longer than `max_length` as sent."""
