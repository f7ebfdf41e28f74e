"""Input fields shared by the API's serializers."""

from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """Text given as a JSON string (DRF's own field would take 123 for "123"), no longer than `max_length` as sent.

    DRF trims whitespace before it checks the length: a name of 121 characters starting with a form feed
    passed a limit of 120 that the schema states for what is sent. The length is checked first here.
    """

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)
