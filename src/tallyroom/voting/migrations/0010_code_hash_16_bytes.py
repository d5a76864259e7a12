"""A ballot code's hash kept as the first 16 bytes of its HMAC, binary, instead of all 64 hex
characters (the unique index a quarter of the size): each stored hash cut to its first 32 hex
characters and decoded, so every code already issued goes on working. Reversed (for a
developer's database), each hash is written back as the 32 hex characters of its 16 bytes: codes
issued before then no longer match, since the rest of their HMAC is gone."""

from django.db import migrations, models


def to_bytes(apps, schema_editor):
    connection = schema_editor.connection
    BallotCode = apps.get_model("voting", "BallotCode")
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(BallotCode._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET code_digest = decode(left(code_hash, 32), 'hex')")
        return
    codes = list(BallotCode.objects.only("code_hash"))
    for code in codes:
        code.code_digest = bytes.fromhex(code.code_hash[:32])
    BallotCode.objects.bulk_update(codes, ["code_digest"], batch_size=500)


def to_hex(apps, schema_editor):
    BallotCode = apps.get_model("voting", "BallotCode")
    codes = list(BallotCode.objects.only("code_digest"))
    for code in codes:
        code.code_hash = bytes(code.code_digest).hex()
    BallotCode.objects.bulk_update(codes, ["code_hash"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("voting", "0009_reminder_delivery_pending_choice"),
    ]

    operations = [
        migrations.AddField(
            model_name="ballotcode",
            name="code_digest",
            field=models.BinaryField(max_length=16, null=True),
        ),
        migrations.RunPython(to_bytes, to_hex),
        migrations.RemoveField(model_name="ballotcode", name="code_hash"),
        migrations.RenameField(model_name="ballotcode", old_name="code_digest", new_name="code_hash"),
        migrations.AlterField(
            model_name="ballotcode",
            name="code_hash",
            field=models.BinaryField(max_length=16, unique=True),
        ),
    ]
