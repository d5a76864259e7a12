"""Record an event and verify the chain."""

from django.db import transaction
from django.utils import timezone

from .models import Event

GENESIS = "0" * 64


def record(actor, verb: str, subject: str = "", **data) -> Event:
    """Append an event. ``actor`` is a user (or None for the system); call inside the transaction
    that makes the change, so the change and its event land together."""
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
        event.save()
    return event


def verify(events=None) -> list[str]:
    """Problems found in the chain (an empty list means it verifies)."""
    problems = []
    prev = GENESIS
    for event in events if events is not None else Event.objects.order_by("seq").iterator():
        if event.prev_hash != prev:
            problems.append(f"event {event.seq}: prev_hash does not match event before it")
        if event.compute_hash() != event.hash:
            problems.append(f"event {event.seq}: hash does not match its contents")
        prev = event.hash
    return problems
