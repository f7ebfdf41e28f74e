"""`<username:...>` in URLs: the characters Django's username validator allows, so that nothing else (a NUL,
which PostgreSQL refuses in text) reaches a query; anything else is the product's 404."""

from django.urls import register_converter


class UsernameConverter:
    regex = r"[\w.@+-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UsernameConverter, "username")
