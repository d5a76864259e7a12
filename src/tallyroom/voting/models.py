"""Ballot codes (the voter's mark), secret ballots, and counters of failed code attempts.

Secrecy is in the shape of ``Ballot``: it holds the contest, a random tracker, the preferences and
the weight and college copied from the voter's roll entry, under a random UUID key. Nothing on it
names the voter, the code, or when it was cast; the time a voter voted is on their ``BallotCode``
alone. See docs/voting.md for what someone holding the database can and cannot learn.
"""

import uuid

from django.db import models


class BallotCode(models.Model):
    """A voter's one-time code for an election, held only as a keyed hash (see codes.py).

    ``voted_at`` is the voter's "has voted" mark, set in the same transaction that stores their
    ballots; it is what turnout counts.
    """

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="codes")
    member = models.ForeignKey("roll.Member", on_delete=models.PROTECT, related_name="ballot_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    voted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "member"], name="one_code_per_voter")]

    def __str__(self):
        return f"code for {self.member} in {self.election}"

    @property
    def has_voted(self) -> bool:
        return self.voted_at is not None


class Ballot(models.Model):
    """One voter's ballot in one contest. Deliberately unlinked: see the module docstring."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contest = models.ForeignKey("elections.Contest", on_delete=models.PROTECT, related_name="ballots")
    tracker = models.CharField(max_length=32)
    preferences = models.JSONField(default=list, help_text="candidate names, first preference first")
    weight = models.DecimalField(max_digits=14, decimal_places=4, default=1)
    college = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contest", "tracker"], name="tracker_per_contest")]

    def __str__(self):
        return f"ballot {self.tracker} in {self.contest}"


class AttemptCounter(models.Model):
    """Failed code attempts by one scope (a client's hashed address, or everyone) in one time window."""

    scope = models.CharField(max_length=80)
    window = models.BigIntegerField(help_text="start of the window, in seconds since the epoch")
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "window"], name="one_counter_per_window")]
        indexes = [models.Index(fields=["window"])]
