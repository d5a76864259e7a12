"""Events: one row for every state change, each carrying the hash of the one before."""

import hashlib
import json

from django.db import models


class Event(models.Model):
    """A recorded state change: who did what to which object, when and why.

    ``hash`` is SHA-256 over the previous event's hash and this event's canonical JSON
    (``canonical()``), so altering or removing any event breaks every hash after it. Votes are
    never events: an event names a voter only for roll decisions, never for a ballot.
    """

    seq = models.BigAutoField(primary_key=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150, help_text="user name, or 'system'")
    verb = models.CharField(max_length=64, help_text="what happened, e.g. 'contest.publish'")
    subject = models.CharField(max_length=200, blank=True, help_text="what it concerns, e.g. 'contest:12'")
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]

    def __str__(self):
        return f"#{self.seq} {self.verb} {self.subject}"

    def canonical(self) -> str:
        return json.dumps(
            {
                "at": self.at.isoformat(),
                "actor": self.actor,
                "verb": self.verb,
                "subject": self.subject,
                "data": self.data,
            },
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.canonical()).encode("utf-8")).hexdigest()
