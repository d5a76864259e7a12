"""What the box stores: the election's public key, sealed ballots while voting is open, and after
the trustees open the box, the plaintext ballots for counting and each contest's list of trackers.

Nothing here names a voter. A ``SealedBallot`` is written in the voter's casting transaction (so
on PostgreSQL it shares that transaction's id with the voter's mark), but it holds only a random
tracker and a ciphertext the server cannot open. The plaintext ``Ballot`` rows are written once,
at the opening, in a random order and in one transaction, after which the sealed ones are gone.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a ballot came to the box."""

    ONLINE = "online", _("Online")
    IN_ROOM = "in_room", _("In the room")
    PAPER = "paper", _("Paper")
    PROVISIONAL = "provisional", _("Provisional")


class ElectionKey(models.Model):
    """The public half of the election's key, made at the key ceremony (keys.py): the public key,
    the private key wrapped under a key only k trustees' shares rebuild, and each share's digest."""

    election = models.OneToOneField("elections.Election", on_delete=models.CASCADE, related_name="key")
    public = models.CharField(max_length=64, help_text="X25519 public key, hex")
    wrapped = models.TextField(help_text="the private key, AES-GCM-wrapped under the trustees' key, hex")
    threshold = models.PositiveSmallIntegerField()
    trustees = models.JSONField(help_text="the trustees' names, in share order")
    share_digests = models.JSONField(help_text="SHA-256 of each trustee's share text")
    installed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    installed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"key of {self.election} ({self.threshold} of {len(self.trustees)} trustees)"


class SealedBallot(models.Model):
    """One voter's ballot in one contest, sealed to the election's key, under a random tracker.

    ``mac`` is keyed with a server secret the database does not hold, so a ballot slipped into the
    table by someone holding only the database is found at the opening. A provisional (tendered)
    ballot is kept apart under ``provisional_for`` (the pending case it waits on) until the case is
    decided: admitted, the key is cleared and it joins the box; otherwise it is deleted unread."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contest = models.ForeignKey("elections.Contest", on_delete=models.PROTECT, related_name="sealed_ballots")
    tracker = models.CharField(max_length=32)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    sealed = models.BinaryField()
    mac = models.CharField(max_length=64)
    provisional_for = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contest", "tracker"], name="sealed_tracker_per_contest")
        ]

    def __str__(self):
        return f"sealed ballot {self.tracker} in {self.contest}"


class Ballot(models.Model):
    """A plaintext ballot for counting, written at the opening in random order: no tracker, no
    channel, no time. ``weight`` is exact (an integer, decimal or fraction as text). ``region``:
    for a contest shown by region, the voter's region, or the regions merged with it at the
    opening so that every label the table holds has at least the contest's minimum of ballots."""

    contest = models.ForeignKey("elections.Contest", on_delete=models.PROTECT, related_name="ballots")
    preferences = models.JSONField(default=list, help_text="candidate names, first preference first")
    weight = models.CharField(max_length=64, default="1")
    college = models.CharField(max_length=64, blank=True)
    region = models.CharField(max_length=1000, blank=True)

    def __str__(self):
        return f"ballot in {self.contest}"


class ContestBox(models.Model):
    """One contest's part of the box: what was in it at the close (count and digest), and once
    opened, the sorted list of its trackers (what voters check their receipts against)."""

    contest = models.OneToOneField("elections.Contest", on_delete=models.CASCADE, related_name="box")
    sealed_count = models.PositiveIntegerField()
    sealed_digest = models.CharField(max_length=64, help_text="SHA-256 over trackers, ciphertexts and MACs")
    by_channel = models.JSONField(default=dict, help_text="sealed ballots by channel at the close")
    papers_not_returned = models.PositiveIntegerField(
        default=0, help_text="voters marked as given a paper ballot whose paper is not in the box"
    )
    closed_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    trackers = models.TextField(blank=True, help_text="every tracker opened, sorted, one a line")
    trackers_sha256 = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return f"box of {self.contest}"

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None

    def tracker_list(self) -> list[str]:
        return self.trackers.split("\n") if self.trackers else []
