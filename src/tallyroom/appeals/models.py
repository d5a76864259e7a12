"""Appeals against exclusion from a roll: each election's appeal rules, the panel, cases with their
evidence, class decisions, and the one-time links by which members see their standing.

An election's appeal deadline and quorum live here (``AppealRules``), not on the election, so the
elections app's model stays as it is; an election without rules takes no appeals.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .reasons import named

# How the reason of a case a class decision settled starts, as stored (in English).
CLASS_DECIDED = "Class decision {n}: "


class AppealRules(models.Model):
    """How an election hears appeals: until when they are taken, how many panel members decide,
    how many days the panel has for each case, and how many evidence files of what size it takes."""

    election = models.OneToOneField(
        "elections.Election", on_delete=models.CASCADE, related_name="appeal_rules"
    )
    appeals_close = models.DateTimeField(help_text="no appeal is lodged after this")
    quorum = models.PositiveSmallIntegerField(default=2, help_text="panel members who must sit on a decision")
    days_to_decide = models.PositiveSmallIntegerField(default=7, help_text="a case is overdue after this")
    max_files = models.PositiveSmallIntegerField(default=5, help_text="evidence files an appeal may bring")
    max_file_bytes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="each evidence file at most this many bytes (blank: the deployment's limit)",
    )

    def __str__(self):
        return f"appeal rules of {self.election}"


class Panellist(models.Model):
    """A panel member's own membership record, if they are a member: what excludes them from a
    case (a candidate in the election, or in the appellant's unit)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panellist")
    member = models.ForeignKey("roll.Member", null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self):
        return f"panellist {self.user}"


class Outcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Case(models.Model):
    """One member's appeal against their exclusion from some contests of an election.

    ``snapshot`` is the member's record and roll standing as they were when the appeal was lodged
    (the roll being frozen, the standing is the one at the freeze). ``roll_decisions`` are the
    decisions an upheld case made on the roll."""

    election = models.ForeignKey("elections.Election", on_delete=models.PROTECT, related_name="appeal_cases")
    member = models.ForeignKey("roll.Member", on_delete=models.PROTECT, related_name="appeal_cases")
    contests = models.ManyToManyField("elections.Contest", related_name="appeal_cases")
    grounds = models.TextField()
    evidence = models.TextField(blank=True)
    snapshot = models.JSONField(default=dict)
    source = models.CharField(
        max_length=200, default="web", help_text="web, or the file it was imported from"
    )
    lodged_at = models.DateTimeField()
    due_by = models.DateTimeField()
    staff_notes = models.TextField(blank=True)
    hearing_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    panel = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="appeal_panels")
    class_decision = models.ForeignKey(
        "ClassDecision", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    roll_decisions = models.ManyToManyField("roll.RollDecision", blank=True, related_name="appeal_cases")

    class Meta:
        ordering = ["lodged_at", "pk"]
        indexes = [models.Index(fields=["election", "outcome"])]

    def __str__(self):
        return f"appeal {self.pk} of {self.member} in {self.election}"

    @property
    def provisional_key(self) -> str:
        """What the ballot box files this case's provisional ballots under."""
        return f"appeal:{self.pk}"

    @property
    def reason_given(self) -> str:
        """The decision's reason with its "Class decision n:" (stored in English when a class
        decision settled the case) in the active language; the panel's words as they stand."""
        prefix = CLASS_DECIDED.format(n=self.class_decision_id)
        if self.class_decision_id is None or not self.decision_reason.startswith(prefix):
            return self.decision_reason
        return gettext("Class decision %(n)s: %(reason)s") % {
            "n": self.class_decision_id,
            "reason": self.decision_reason.removeprefix(prefix),
        }


class EvidenceFile(models.Model):
    """A file sent with an appeal, kept in the database (the web tier keeps no files)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    data = models.BinaryField()

    def __str__(self):
        return f"{self.name} ({self.size} bytes)"


class ClassDecision(models.Model):
    """One decision for everyone excluded from a contest by the same rule: the recorded reason,
    and for joining dates a window (``joined_from``..``joined_to``). ``touched`` is how many roll
    entries it changed; the members are those of ``decisions`` (roll decisions it made)."""

    election = models.ForeignKey(
        "elections.Election", on_delete=models.PROTECT, related_name="class_decisions"
    )
    contests = models.ManyToManyField("elections.Contest", related_name="class_decisions")
    rule = models.CharField(max_length=200, help_text="the recorded exclusion reason it covers")
    joined_from = models.DateField(null=True, blank=True)
    joined_to = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.TextField()
    touched = models.PositiveIntegerField(default=0)
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    panel = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="class_panels")
    first_decision = models.PositiveBigIntegerField(null=True, blank=True)
    last_decision = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="the roll decisions it made are those with ids in this range"
    )

    class Meta:
        ordering = ["decided_at"]

    def __str__(self):
        return f"class decision {self.pk}: {self.rule} {self.outcome}"

    @property
    def rule_named(self) -> str:
        """The rule (a recorded reason) in the active language."""
        return named(self.rule)


class AccessLink(models.Model):
    """A one-time link (or, by post, a code) that shows a member their standing. Only its keyed
    hash is kept; it expires, and works once."""

    member = models.ForeignKey("roll.Member", on_delete=models.CASCADE, related_name="appeal_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"access link for {self.member}"
