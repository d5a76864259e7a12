"""Ballot codes of the online channel, and counters of failed code attempts. Ballots themselves
are in the ballot box (tallyroom.ballotbox)."""

from django.db import models


class Delivery(models.TextChoices):
    """How far a code got to its voter, as the mail backend (or the mail-merge file) reports it."""

    QUEUED = "queued", "Queued by the mail service"
    SENT = "sent", "Sent"
    POSTED = "posted", "In a mail-merge file for post"
    FAILED = "failed", "Refused by the mail server"
    BOUNCED = "bounced", "Bounced"


class BallotCode(models.Model):
    """A voter's one-time code for an election, held only as a keyed hash (see codes.py).

    ``delivery`` is how far the code got (``Delivery``); ``sent_at`` when it was handed to the mail
    backend or written to a mail-merge file.

    ``used_at`` is set in the transaction that puts the holder's ballots in the box (which marks
    their roll entries as voted); it is what the online turnout counts.
    """

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="codes")
    member = models.ForeignKey("roll.Member", on_delete=models.PROTECT, related_name="ballot_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.QUEUED)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "member"], name="one_code_per_voter")]
        indexes = [models.Index(fields=["election", "delivery"])]

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
