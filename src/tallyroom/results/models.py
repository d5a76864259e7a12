"""Counts of contests and their publication."""

import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property


class ContestCount(models.Model):
    """One count of a contest by the engine: the result as published JSON, the anonymised ballots
    it counted (BLT text) with their SHA-256, and the tie seed, so anyone can recount it. Both
    are kept as text, so the downloads are byte for byte what was counted and published.

    A contest may be counted more than once before publication (after a correction); the newest
    count is the one reviewed, and at most one count of a contest is ever published.
    """

    contest = models.ForeignKey("elections.Contest", on_delete=models.PROTECT, related_name="counts")
    result_json = models.TextField(help_text="the engine's result as published: JSON, byte for byte")
    ballots_blt = models.TextField(help_text="the anonymised ballots counted, as BLT")
    ballots_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the BLT text (UTF-8)")
    tie_seed = models.CharField(max_length=200, blank=True)
    groups = models.JSONField(default=dict, blank=True, help_text="candidate -> groups the constraints count")
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    counted_at = models.DateTimeField(default=timezone.now)
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-counted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest"], condition=models.Q(published=True), name="one_published_count_per_contest"
            )
        ]

    def __str__(self):
        return f"count of {self.contest} at {self.counted_at:%Y-%m-%d %H:%M}"

    @cached_property
    def result(self) -> dict:
        """The published result as a dict (docs/result-format.md)."""
        return json.loads(self.result_json)

    @property
    def elected(self) -> list[str]:
        return list(self.result["elected"])


class ContestAnalysis(models.Model):
    """What ``tallyroom.analysis`` says of a published count, computed once (results/analyses.py):
    ``data`` as JSON (slates and transfers, the flow chart's shapes, pivotal delegations and
    power, regions); ``flow_svg``: the flow chart as SVG in English, kept by analyses made before
    the chart was kept in ``data["flow"]`` (blank since)."""

    count = models.OneToOneField(ContestCount, on_delete=models.CASCADE, related_name="analysis")
    data = models.JSONField()
    flow_svg = models.TextField()
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"analysis of {self.count}"


class Forecast(models.Model):
    """A forecast of a contest from canvass returns (docs/analysis.md), run as a job: the returns
    as uploaded, the model's cohesion, the simulations and the seed, the bloc moved for the
    sensitivity (if any), and what the job found."""

    contest = models.ForeignKey("elections.Contest", on_delete=models.CASCADE, related_name="forecasts")
    canvass = models.TextField(help_text="the canvass returns as uploaded (CSV)")
    canvass_name = models.CharField(max_length=200)
    cohesion = models.FloatField()
    simulations = models.PositiveIntegerField()
    seed = models.PositiveBigIntegerField()
    shift_from = models.CharField(
        max_length=200, blank=True, help_text="sensitivity: the bloc moved in steps to shift_to (blank: none)"
    )
    shift_to = models.CharField(max_length=200, blank=True)
    job = models.OneToOneField(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="forecast"
    )
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"forecast of {self.contest} (seed {self.seed})"
