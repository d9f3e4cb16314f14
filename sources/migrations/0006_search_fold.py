"""search_fold(text) on PostgreSQL for the source list's search (sources/search.py; SQLite
gets it as a Python function on every connection). The SQL is frozen here as it was written."""

from django.db import migrations

CREATE = (
    "CREATE OR REPLACE FUNCTION search_fold(t text) RETURNS text "
    "AS $$ SELECT translate(lower(t), 'يىكةۀأإٱё', 'ییکههاااе') $$ "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE"
)
DROP = "DROP FUNCTION IF EXISTS search_fold(text)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("sources", "0005_ingestitem_retryable")]
    operations = [migrations.RunPython(create, drop)]
