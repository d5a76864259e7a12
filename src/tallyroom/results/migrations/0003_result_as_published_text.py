from django.db import migrations, models


class Migration(migrations.Migration):
    """Keep the result as the published JSON text (PostgreSQL's jsonb reorders keys)."""

    dependencies = [
        ("results", "0002_count_groups"),
    ]

    operations = [
        migrations.RemoveField(model_name="count", name="result"),
        migrations.AddField(
            model_name="count",
            name="result_json",
            field=models.TextField(
                default="{}", help_text="the engine's result as published: JSON, byte for byte"
            ),
            preserve_default=False,
        ),
    ]
