import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache(db):
    # allauth's rate limits count in the database cache; tests that commit (transaction=True) must not leak them.
    cache.clear()
