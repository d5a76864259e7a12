"""Ballot codes of the online channel, and counters of failed code attempts. Ballots themselves
are in the ballot box (tallyroom.ballotbox)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tallyroom.words import read


class Delivery(models.TextChoices):
    """How far a code got to its voter, as the mail backend (or the mail-merge file) reports it."""

    PENDING = "pending", _("Being handed to the mail backend")
    QUEUED = "queued", _("Queued by the mail service")
    SENT = "sent", _("Sent")
    POSTED = "posted", _("In a mail-merge file for post")
    FAILED = "failed", _("Refused by the mail server")
    BOUNCED = "bounced", _("Bounced")


class BallotCode(models.Model):
    """A voter's one-time code for an election, held only as a keyed hash (see codes.py).

    ``delivery`` is how far the code got (``Delivery``: ``pending`` from its storing until its
    message is handed over); ``sent_at`` when it was handed to the mail backend or written to a
    mail-merge file.

    ``used_at`` is set in the transaction that puts the holder's ballots in the box (which marks
    their roll entries as voted); it is what the online turnout counts.
    """

    # No index of its own: the unique (election, member) index leads with it, and an index of
    # the election alone let a batch's look-up of 1,000 members scan every code of the election.
    election = models.ForeignKey(
        "elections.Election", on_delete=models.CASCADE, related_name="codes", db_index=False
    )
    member = models.ForeignKey("roll.Member", on_delete=models.PROTECT, related_name="ballot_codes")
    code_hash = models.BinaryField(max_length=16, unique=True)  # codes.code_hash: 16 bytes
    issued_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.QUEUED)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "member"], name="one_code_per_voter")]
        # No index on ``delivery`` (nor on ``sent_at``): marking a batch's codes delivered then
        # changes no indexed column, so on PostgreSQL each row's new version is written in place
        # (a HOT update, in the room ``fillfactor`` leaves; migration 0008), without index writes.
        indexes = [
            # turnout's one grouped count reads the election's codes from this index alone
            models.Index(fields=["election", "member", "used_at"], name="code_member_used"),
        ]

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


class CodeReissue(models.Model):
    """A lost code replaced, or a request to replace one that waits for a second staff member's
    approval (the member's contact details changed after the roll froze; see reissues.py)."""

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="reissues")
    member = models.ForeignKey("roll.Member", on_delete=models.PROTECT, related_name="code_reissues")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    needs_approval = models.BooleanField(default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True, help_text="when the new code was made")
    told_old_contact = models.CharField(max_length=300, blank=True, help_text="the old address told of it")
    told_words = models.JSONField(null=True, blank=True, help_text="told_old_contact as Words.stored()")

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"reissue for {self.member} in {self.election}"

    @property
    def pending(self) -> bool:
        return self.done_at is None

    @property
    def told(self) -> str:
        """How the old address was told, in the active language (as stored if kept before
        ``told_words`` was)."""
        return read(self.told_words) if self.told_words else self.told_old_contact


class Reminder(models.Model):
    """A reminder to the members who have not voted online, sent on demand (``send_at`` is when it
    was asked for) or scheduled for ``send_at``: ``tallyroom manage send_reminders`` sends those
    due. ``sent_at`` and ``sent`` say when it went and to how many; ``job`` is the job sending it
    (``ReminderDelivery`` records each member it reached, so a retried job sends nobody twice)."""

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="reminders")
    send_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)
    on_demand = models.BooleanField(default=False, help_text="sent when asked for, not scheduled")
    sent_at = models.DateTimeField(null=True, blank=True)
    sent = models.PositiveIntegerField(default=0)
    job = models.OneToOneField(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="reminder"
    )

    class Meta:
        ordering = ["send_at", "pk"]
        indexes = [models.Index(fields=["sent_at", "send_at"])]

    def __str__(self):
        return f"reminder for {self.election} at {self.send_at:%Y-%m-%d %H:%M}"


class ReminderDelivery(models.Model):
    """One member a reminder was handed to the mail backend for (``delivery`` as it reported):
    the key that keeps a retried reminder job from sending to them again."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="deliveries")
    member = models.ForeignKey("roll.Member", on_delete=models.PROTECT, related_name="+")
    delivery = models.CharField(max_length=8, choices=Delivery.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reminder", "member"], name="one_reminder_per_member")]

    def __str__(self):
        return f"{self.reminder} to member {self.member_id}: {self.delivery}"


class ClosedTurnout(models.Model):
    """One row of turnout's grouped count (``turnout._grouped``), written in the close's
    transaction and deleted in a reopening's: the election's codes issued and used by their
    holders' unit and category, as they stood at the close (no code changes while voting is
    closed), read by every page instead of counting them again."""

    election = models.ForeignKey(
        "elections.Election", on_delete=models.CASCADE, related_name="closed_turnout"
    )
    unit = models.ForeignKey("organisation.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=32)
    issued = models.PositiveIntegerField()
    voted = models.PositiveIntegerField()
