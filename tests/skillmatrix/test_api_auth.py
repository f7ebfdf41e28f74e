"""The API's token check reads the user in one plain query; it must answer what DRF's ORM lookup answers."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from skillmatrix.api_auth import TokenAuthentication
from tests.factories import UserFactory


def outcome(check, key) -> tuple:
    """What a token check makes of `key`: the user as stored, and the token's key and user; or its refusal."""
    try:
        user, token = check.authenticate_credentials(key)
    except exceptions.AuthenticationFailed as refused:
        return ("refused", str(refused.detail), refused.detail.code)
    fields = {field.attname: getattr(user, field.attname) for field in get_user_model()._meta.concrete_fields}
    return ("user", type(user), fields, user._state.db, user._state.adding, token.key, token.user_id)


@pytest.fixture
def keys(member, reviewer, staff) -> list[str]:
    active = [Token.objects.create(user=user).key for user in (member, reviewer, staff)]
    inactive = Token.objects.create(user=UserFactory(username="gone", is_active=False)).key
    revoked = Token.objects.create(user=UserFactory(username="revoked")).key
    Token.objects.filter(key=revoked).delete()
    deleted = Token.objects.create(user=UserFactory(username="deleted")).key
    get_user_model().objects.filter(username="deleted").delete()
    key = active[0]
    near_misses = [key.upper(), key[:-1], key + "0", f" {key}", f"{key} ", key[:20]]
    unknown = ["0" * 40, "nonsense", "", "f" * 41, "x" * 5000, "a'b\";--", "cl\xe9", "数据" * 10, "%", "_" * 40]
    return [*active, inactive, revoked, deleted, *near_misses, *unknown]


def test_the_token_check_answers_what_drfs_orm_lookup_answers(keys, django_assert_max_num_queries):
    ours, ordinary = TokenAuthentication(), authentication.TokenAuthentication()
    answers = {}
    for key in keys:
        with django_assert_max_num_queries(1):
            answers[key] = outcome(ours, key)
        assert answers[key] == outcome(ordinary, key), repr(key)
    kinds = [answer[:2] for answer in answers.values()]
    # The range covers every answer there is: signed in, unknown token, inactive member.
    assert kinds.count(("user", get_user_model())) == 3
    assert ("refused", "User inactive or deleted.") in kinds
    assert ("refused", "Invalid token.") in kinds


def test_a_nul_in_the_key_is_an_unknown_token(db):
    # The one difference on purpose: PostgreSQL refuses a NUL in text, so the ORM's lookup fails with an error.
    assert outcome(TokenAuthentication(), "abc\x00def") == ("refused", "Invalid token.", "authentication_failed")
