"""On PostgreSQL, a trigram index on the members' names in capitals, which is what a name search
(``name__icontains``: ``UPPER(name) LIKE UPPER('%...%')``) reads, so the roll's search by name
does not scan 640,000 members. Nothing on other databases (SQLite scans; its rolls are small)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "roll_member_name_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX} ON roll_member USING gin (UPPER(name) gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("roll", "0005_roll_entry_standing_index")]

    operations = [TrigramExtension(), migrations.RunPython(create, drop)]
