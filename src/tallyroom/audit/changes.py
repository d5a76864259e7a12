"""Events for staff edits (pages and admin alike): call inside the transaction that saves."""

from __future__ import annotations

from tallyroom.audit.events import record


def subject(obj) -> str:
    return f"{obj._meta.model_name}:{obj.pk}"


def record_saved(user, obj, *, created: bool, fields=()) -> None:
    verb = f"{obj._meta.model_name}.{'create' if created else 'change'}"
    record(user, verb, subject(obj), name=str(obj), fields=sorted(fields))


def record_deleted(user, obj) -> None:
    record(user, f"{obj._meta.model_name}.delete", subject(obj), name=str(obj))
