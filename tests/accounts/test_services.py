"""Token services: one token per member, replaced by a new one, removed by a revocation."""

from rest_framework.authtoken.models import Token

from accounts import services


def test_token_create_replaces_the_old_token_and_revoke_removes_it(member):
    first = services.token_create(user=member)
    second = services.token_create(user=member)
    assert first.key != second.key
    assert list(Token.objects.filter(user=member).values_list("key", flat=True)) == [second.key]
    assert services.token_revoke(user=member) == 1
    assert not Token.objects.filter(user=member).exists()
    assert services.token_revoke(user=member) == 0
