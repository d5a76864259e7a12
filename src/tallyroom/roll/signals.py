"""Signals other apps hook into.

``roll_changed(sender=RollEntry, entry=..., decision=...)`` is sent after the transaction that
records a decision on a frozen roll commits (see :func:`tallyroom.roll.decisions.decide`): the
voting app issues a ballot code to a member made eligible, or withdraws one.

``roll_changed_in_bulk(sender=RollEntry, contest=..., member_ids=..., eligible=..., user=...)`` is
sent likewise after ``decide_many`` changes many entries of one contest at once.
"""

from django.dispatch import Signal

roll_changed = Signal()
roll_changed_in_bulk = Signal()
