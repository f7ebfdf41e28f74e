"""A slug in an API path that no slug can be (a NUL byte: PostgreSQL cannot compare it) is a 404, never a 500."""

import pytest


@pytest.mark.parametrize("kind", ["domains", "levels", "roles", "skills"])
@pytest.mark.parametrize("query", ["", "?as_of=2026-01-01"])
def test_a_nul_byte_in_the_slug_is_a_404(client, db, kind, query):
    response = client.get(f"/api/{kind}/a%00b/{query}")
    assert response.status_code == 404
