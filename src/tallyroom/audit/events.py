"""Record an event, and verify the trail in the database."""

from django.db import transaction
from django.utils import timezone

from . import election_keys, published, signing
from .models import Event, SigningKey
from .subjects import election_of
from .trail import GENESIS, Trail, verify_trail

__all__ = ["GENESIS", "SYSTEM", "record", "verify"]
SYSTEM = "system"  # the actor of an event no user made


def record(actor, verb: str, subject: str = "", **data) -> Event:
    """Append a signed event: signed with the key of the election ``subject`` belongs to, or with
    the site's key. ``actor`` is a user (or None for the system); call inside the transaction
    that makes the change, so the change and its event land together."""
    with transaction.atomic():
        election = election_of(subject)
        key = election_keys.key_for(election) if election is not None else None
        return append(actor, verb, subject, data, key)


def append(actor, verb: str, subject: str, data: dict, key: SigningKey | None) -> Event:
    """Append an event signed with the election key ``key``, or the site's key if None."""
    name = getattr(actor, "get_username", lambda: SYSTEM)() if actor is not None else SYSTEM
    with transaction.atomic():
        last = Event.objects.select_for_update().order_by("-seq").first()
        event = Event(
            at=timezone.now(),
            actor=name,
            verb=verb,
            subject=subject,
            data=data,
            prev_hash=last.hash if last else GENESIS,
            election_pk=key.election_id if key is not None else None,
        )
        event.hash = event.compute_hash()
        if key is None:
            event.signature, event.key_id = signing.sign(event.hash), signing.current_key_id()
        else:
            event.signature = election_keys.private_key(key).sign(event.hash.encode("ascii")).hex()
            event.key_id = key.key_id
        event.save()
    published.recorded()
    return event


def verify(events=None) -> list[str]:
    """Problems found in the trail (an empty list means it verifies): the chain, every event's
    signature (the site's key, or its election's key, certified by the site's), every election
    key in the database against its sealed private half, and every published count against its
    ``contest.publish`` event."""
    from .export import election_key_lines, published_counts

    lines = (
        e.as_line() for e in (events if events is not None else Event.objects.order_by("seq").iterator())
    )
    trail = Trail(
        keys={signing.current_key_id(): signing.public_raw()},
        election_keys=election_key_lines(),
        events=lines,
        counts=published_counts(),
    )
    return election_keys.problems() + verify_trail(trail)
