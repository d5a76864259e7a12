"""What an event's subject ("contest:6") names, for people reading the trail. The stored subject
is unchanged (the hashes cover it); pages show the name beside it."""

from __future__ import annotations

from collections import defaultdict

from django.apps import apps

# The kinds of object whose names the trail may show; members are named by number only.
NAMED = {
    "election": "elections.Election",
    "contest": "elections.Contest",
    "candidate": "elections.Candidate",
    "slate": "elections.Slate",
    "nomination": "elections.Nomination",
    "region": "organisation.Region",
    "unit": "organisation.Unit",
    "affiliate": "organisation.Affiliate",
    "user": "auth.User",
}


def subject_names(events) -> dict[str, str]:
    """For each "kind:pk" subject among ``events`` whose object still exists (or whose event
    recorded its name), the name to show."""
    wanted: dict[str, set[int]] = defaultdict(set)
    names = {}
    for event in events:
        kind, _, pk = event.subject.partition(":")
        if kind in NAMED and pk.isdigit():
            wanted[kind].add(int(pk))
        if event.data.get("name") and event.subject:
            names.setdefault(event.subject, str(event.data["name"]))
    for kind, pks in wanted.items():
        model = apps.get_model(NAMED[kind])
        for obj in model.objects.filter(pk__in=pks):
            names[f"{kind}:{obj.pk}"] = str(obj)
    return names


# How to find the election a subject belongs to, for signing its events with that election's key.
ELECTION_OF = {
    "contest": ("elections.Contest", "election_id"),
    "candidate": ("elections.Candidate", "contest__election_id"),
    "nomination": ("elections.Nomination", "candidate__contest__election_id"),
    "slate": ("elections.Slate", "election_id"),
    "appeal": ("appeals.Case", "election_id"),
}


def election_of(subject: str) -> int | None:
    """The number of the election ``subject`` ("contest:6") belongs to, or None (the site's own
    events, and objects already deleted)."""
    kind, _, pk = subject.partition(":")
    if not pk.isdigit():
        return None
    if kind == "election":
        found = apps.get_model("elections.Election").objects.filter(pk=int(pk)).exists()
        return int(pk) if found else None
    if kind not in ELECTION_OF:
        return None
    label, field = ELECTION_OF[kind]
    return apps.get_model(label).objects.filter(pk=int(pk)).values_list(field, flat=True).first()
