"""Events: one row for every state change, each carrying the hash of the one before and the
signature of its election's key (or the site's); and each election's signing key."""

from django.db import models

from .trail import canonical, chain_hash


class Event(models.Model):
    """A recorded state change: who did what to which object, when and why.

    ``hash`` is SHA-256 over the previous event's hash and this event's canonical JSON
    (``canonical()``), so altering or removing any event breaks every hash after it; and
    ``signature`` is the Ed25519 signature of ``hash`` by the key of the election the event
    belongs to (``election_pk``; ``election_keys``), or by the site's key (``signing``) for the
    site's own events; neither is in the database unsealed, so that nobody who can only write to
    the database can recompute the chain unnoticed. Votes are never events: an event names a
    voter only for roll decisions, never for a ballot.
    """

    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150, help_text="user name, or 'system'")
    verb = models.CharField(max_length=64, help_text="what happened, e.g. 'contest.publish'")
    subject = models.CharField(max_length=200, blank=True, help_text="what it concerns, e.g. 'contest:12'")
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    signature = models.CharField(max_length=128, blank=True, help_text="Ed25519 signature of hash, hex")
    key_id = models.CharField(max_length=16, blank=True, help_text="which signing key (trail.key_id)")
    election_pk = models.PositiveIntegerField(
        null=True, blank=True, help_text="the election whose key signs it; none: the site's key"
    )

    class Meta:
        ordering = ["seq"]

    def __str__(self):
        return f"#{self.seq} {self.verb} {self.subject}"

    def canonical(self) -> str:
        return canonical(
            self.at.isoformat(), self.actor, self.verb, self.subject, self.data, self.election_pk
        )

    def compute_hash(self) -> str:
        return chain_hash(self.prev_hash, self.canonical())

    def as_line(self) -> dict:
        """The event as a line of an exported trail."""
        return {
            "kind": "event",
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "verb": self.verb,
            "subject": self.subject,
            "data": self.data,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
            "signature": self.signature,
            "key_id": self.key_id,
            "election": self.election_pk,
        }


class SigningKey(models.Model):
    """An election's Ed25519 signing key: the public half, and the private half sealed under the
    site's key (``election_keys``), never in the clear."""

    # Kept when its election is deleted (no constraint, nothing cascades): its events still verify.
    election = models.OneToOneField(
        "elections.Election",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="signing_key",
    )
    key_id = models.CharField(max_length=16, unique=True)
    public_key = models.CharField(max_length=64, help_text="raw Ed25519 public key, hex")
    sealed = models.BinaryField(help_text="the private key, AES-256-GCM under the site key's HKDF")
    sealed_by = models.CharField(max_length=16, help_text="the id of the site key it is sealed under")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"signing key {self.key_id} of election {self.election_id}"
