"""On PostgreSQL, indexes for searching 640,000 members without scanning them: a trigram index on
the names in capitals, which a name search (``name__icontains``: ``UPPER(name) LIKE
UPPER('%...%')``) reads, and the numbers and emails in capitals, which an exact search
(``__iexact``, the admin's ``=number`` and ``=email``) reads. Nothing on other databases."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "roll_member_name_trgm": "gin (UPPER(name) gin_trgm_ops)",
    "roll_member_number_upper": "(UPPER(number))",
    "roll_member_email_upper": "(UPPER(email))",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, how in INDEXES.items():
            using = "USING " if how.startswith("gin") else ""
            schema_editor.execute(f"CREATE INDEX {name} ON roll_member {using}{how}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("roll", "0005_roll_entry_standing_index")]

    operations = [TrigramExtension(), migrations.RunPython(create, drop)]
