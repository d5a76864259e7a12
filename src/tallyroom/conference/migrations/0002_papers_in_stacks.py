# Paper ballots in stacks of one weight and college, no longer linked to their delegates: the
# papers of the first design (each tied to its delegate) are dropped with their entries.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("conference", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.DeleteModel(name="PaperEntry"),
        migrations.DeleteModel(name="Paper"),
        migrations.CreateModel(
            name="PaperStack",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField()),
                ("college", models.CharField(max_length=64)),
                ("weight", models.CharField(help_text="the exact weight every paper of the stack carries", max_length=64)),
                ("issued", models.PositiveIntegerField(default=0)),
                ("returned", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "poll",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="stacks", to="conference.poll"
                    ),
                ),
            ],
            options={
                "ordering": ["poll", "number"],
                "constraints": [
                    models.UniqueConstraint(fields=("poll", "number"), name="stack_number_per_poll"),
                    models.UniqueConstraint(fields=("poll", "college", "weight"), name="one_stack_per_weight_per_poll"),
                ],
            },
        ),
        migrations.CreateModel(
            name="Paper",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField()),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("keyed_once", "Awaiting a second entry"),
                            ("disputed", "Entries disagree"),
                            ("in_box", "In the box"),
                        ],
                        default="keyed_once",
                        max_length=16,
                    ),
                ),
                (
                    "stack",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="papers", to="conference.paperstack"
                    ),
                ),
            ],
            options={
                "ordering": ["stack", "number"],
                "constraints": [models.UniqueConstraint(fields=("stack", "number"), name="paper_number_per_stack")],
            },
        ),
        migrations.CreateModel(
            name="PaperEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("choices", models.JSONField(default=list)),
                ("settles", models.BooleanField(default=False, help_text="a third teller's entry settling a disagreement")),
                ("at", models.DateTimeField(auto_now_add=True)),
                (
                    "paper",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="entries", to="conference.paper"
                    ),
                ),
                (
                    "teller",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "ordering": ["paper", "at"],
                "constraints": [models.UniqueConstraint(fields=("paper", "teller"), name="one_entry_per_teller_per_paper")],
            },
        ),
    ]
