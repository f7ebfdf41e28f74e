"""`manage.py prepare_site` (what make run does before it serves) says what it did, once."""

import pytest
from django.core.management import call_command
from django.db import connection

from skills.models import Skill


@pytest.mark.django_db(transaction=True)
def test_a_missing_cache_table_is_created_and_said_so(capsys):
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE django_cache")
    call_command("prepare_site", "fixtures/catalog.json")
    out = capsys.readouterr().out
    assert "Created the cache table django_cache." in out
    assert "already exists" not in out
    assert "Loaded the schema" not in out  # a database with tables is migrated the ordinary way
    assert Skill.objects.exists()

    call_command("prepare_site", "fixtures/catalog.json")
    again = capsys.readouterr().out
    assert "cache table" not in again
    assert "The catalog already has skills; nothing imported." in again
