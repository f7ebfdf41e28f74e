"""The API's token check, in one plain query.

DRF's TokenAuthentication asks the ORM for the token with its user (select_related,
get): the ORM spends far more time building that query than PostgreSQL answering it,
on every call signed with a token, each comment a script posts among them. Here a
plain cursor reads the user's row and Model.from_db builds the user, as the ORM
would from the same row (a raw() query set still cost much of it). Same answers: the
user, or 401 for an unknown token or an inactive member.
"""

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        """Fast path for DRF's ORM lookup (super().authenticate_credentials).

        tests/skillmatrix/test_api_auth.py compares the two.
        """
        # Longer than any key, or with a NUL (which PostgreSQL refuses in text): no token, not an error.
        if len(key) > Token._meta.get_field("key").max_length or "\x00" in key:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user_model = get_user_model()
        fields = user_model._meta.concrete_fields
        database = router.db_for_read(user_model)
        with connections[database].cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(f'u.{field.column}' for field in fields)} FROM {user_model._meta.db_table} u "
                f"JOIN {Token._meta.db_table} t ON t.{Token._meta.get_field('user').column} = "
                f"u.{user_model._meta.pk.column} WHERE t.key = %s",
                [key],
            )
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = user_model.from_db(database, [field.attname for field in fields], row)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, Token(key=key, user=user)
