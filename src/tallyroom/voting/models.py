"""Ballot codes of the online channel, and counters of failed code attempts. Ballots themselves
are in the ballot box (tallyroom.ballotbox)."""

from django.db import models


class BallotCode(models.Model):
    """A voter's one-time code for an election, held only as a keyed hash (see codes.py).

    ``used_at`` is set in the transaction that puts the holder's ballots in the box (which marks
    their roll entries as voted); it is what the online turnout counts.
    """

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="codes")
    member = models.ForeignKey("roll.Member", on_delete=models.PROTECT, related_name="ballot_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "member"], name="one_code_per_voter")]

    def __str__(self):
        return f"code for {self.member} in {self.election}"

    @property
    def is_used(self) -> bool:
        return self.used_at is not None


class AttemptCounter(models.Model):
    """Failed code attempts by one scope (a client's hashed address, or everyone) in one time window."""

    scope = models.CharField(max_length=80)
    window = models.BigIntegerField(help_text="start of the window, in seconds since the epoch")
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "window"], name="one_counter_per_window")]
        indexes = [models.Index(fields=["window"])]
