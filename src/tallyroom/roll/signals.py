"""Signals other apps hook into.

``roll_changed(sender=RollEntry, entry=..., decision=...)`` is sent after the transaction that
records a decision on a frozen roll commits (see :func:`tallyroom.roll.decisions.decide`): the
voting app issues a ballot code to a member made eligible, or withdraws one.
"""

from django.dispatch import Signal

roll_changed = Signal()
