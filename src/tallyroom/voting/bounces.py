"""What the mail service reports after it took a code's message: bounced, rejected or failed.

Each code's email carries its election and member in django-anymail's ``metadata``, which the
services echo in their tracking webhooks (``/anymail/<service>/tracking/``, e.g.
``/anymail/postmark/tracking/``, authenticated by HTTP basic auth with
``TALLYROOM_ANYMAIL_WEBHOOK_SECRET``; unset, every request is refused). A report of a bounce,
a rejection or a failure marks that voter's unused code ``bounced`` or ``failed`` (an audit
event), so staff see it on the codes page and can send a new code another way. The metadata
names the voter, not the code: a report about a code already replaced marks the new one.
"""

from __future__ import annotations

from anymail.signals import tracking
from django.db import transaction
from django.dispatch import receiver

from tallyroom.audit.events import record

from .models import BallotCode, Delivery

ELECTION, MEMBER = "tallyroom_election", "tallyroom_member"
STATES = {"bounced": Delivery.BOUNCED, "rejected": Delivery.FAILED, "failed": Delivery.FAILED}


def metadata(election_id: int, member_id: int) -> dict[str, str]:
    """What a code's email carries for the webhook to find its code by."""
    return {ELECTION: str(election_id), MEMBER: str(member_id)}


@receiver(tracking, dispatch_uid="voting.code_delivery_reported")
def code_delivery_reported(sender, event, esp_name, **kwargs) -> None:
    state = STATES.get(event.event_type)
    data = event.metadata or {}
    if state is None or not str(data.get(ELECTION, "")).isdigit() or not str(data.get(MEMBER, "")).isdigit():
        return
    election_id, member_id = int(data[ELECTION]), int(data[MEMBER])
    with transaction.atomic():
        changed = (
            BallotCode.objects.filter(election_id=election_id, member_id=member_id, used_at__isnull=True)
            .exclude(delivery=state)
            .update(delivery=state)
        )
        if changed:
            record(
                None,
                "voting.code_delivery_reported",
                f"election:{election_id}",
                member_id=member_id,
                delivery=state,
                service=esp_name,
                reason=event.reject_reason or "",
                description=(event.description or "")[:200],
            )
