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
