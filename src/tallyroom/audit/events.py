"""Record an event, and verify the trail in the database."""

from django.db import transaction
from django.utils import timezone

from . import published, signing
from .models import Event
from .trail import GENESIS, Trail, verify_trail

__all__ = ["GENESIS", "record", "verify"]


def record(actor, verb: str, subject: str = "", **data) -> Event:
    """Append a signed event. ``actor`` is a user (or None for the system); call inside the
    transaction that makes the change, so the change and its event land together."""
    name = getattr(actor, "get_username", lambda: "system")() if actor is not None else "system"
    with transaction.atomic():
        last = Event.objects.select_for_update().order_by("-seq").first()
        event = Event(
            at=timezone.now(),
            actor=name,
            verb=verb,
            subject=subject,
            data=data,
            prev_hash=last.hash if last else GENESIS,
        )
        event.hash = event.compute_hash()
        event.signature, event.key_id = signing.sign(event.hash), signing.current_key_id()
        event.save()
    published.recorded()
    return event


def verify(events=None) -> list[str]:
    """Problems found in the trail (an empty list means it verifies): the chain, every event's
    signature with the site's key, and every published count against its ``contest.publish``
    event."""
    from .export import published_counts

    lines = (
        e.as_line() for e in (events if events is not None else Event.objects.order_by("seq").iterator())
    )
    trail = Trail(
        keys={signing.current_key_id(): signing.public_raw()}, events=lines, counts=published_counts()
    )
    return verify_trail(trail)
