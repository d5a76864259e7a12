"""The roll: each exclusion reason, every reason recorded, areas, rebuilding, freezing."""

from datetime import date

import pytest
from django.utils import translation

from tallyroom.audit.models import Event
from tallyroom.roll.eligibility import RollFrozen, build_roll, exclusion, freeze_rolls
from tallyroom.roll.models import Member, RollEntry

from .conftest import member

pytestmark = pytest.mark.django_db


def standing(contest):
    return {
        e.member.number: e.reason for e in RollEntry.objects.filter(contest=contest).select_related("member")
    }


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"status": "lapsed"}, "status lapsed"),
        ({"status": "suspended"}, "status suspended"),
        ({"status": "expelled"}, "status expelled"),
        ({"category": "registered_supporter"}, "category not allowed"),
        ({"joined": date(2026, 1, 2)}, "joined after freeze date"),
        ({"paid_up_to": date(2026, 2, 27)}, "not paid up"),
        ({"paid_up_to": None}, "not paid up"),
    ],
)
def test_each_exclusion_reason(places, contest, fields, reason):
    contest.categories = ["member"]
    contest.paid_up_on = date(2026, 2, 28)
    contest.save()
    member("ok", places["hackney"], joined=date(2026, 1, 1), paid_up_to=date(2026, 2, 28))
    member("out", places["hackney"], **fields)
    counts = build_roll(contest)
    assert standing(contest) == {"ok": "", "out": reason}
    assert counts == {"eligible": 1, "excluded": 1, reason: 1}
    entry = RollEntry.objects.get(member__number="ok")
    assert entry.eligible and entry.weight == "1" and entry.college == ""
    assert not RollEntry.objects.get(member__number="out").eligible


def test_area_by_region_and_by_unit(places, contest):
    member("h", places["hackney"])
    member("c", places["camden"])
    member("l", places["leeds"])
    contest.regions.set([places["north"]])
    contest.units.set([places["hackney"]])
    build_roll(contest)
    assert standing(contest) == {"h": "", "c": "not in area", "l": ""}


def test_every_reason_is_recorded_in_order(places, contest):
    contest.categories = ["member"]
    contest.paid_up_on = date(2026, 2, 28)
    contest.save()
    contest.units.set([places["camden"]])
    member(
        "x",
        places["hackney"],
        status="lapsed",
        category="registered_supporter",
        joined=date(2026, 2, 1),
        paid_up_to=None,
    )
    counts = build_roll(contest)
    expected = "status lapsed; category not allowed; not in area; joined after freeze date; not paid up"
    assert standing(contest) == {"x": expected}
    assert counts["excluded"] == 1 and counts["not in area"] == 1 and counts["status lapsed"] == 1
    assert exclusion(contest, Member.objects.get(number="x")) == expected


def test_rebuild_follows_member_changes_and_keeps_entries(places, contest):
    m = member("a", places["hackney"], status="lapsed")
    build_roll(contest)
    entry = RollEntry.objects.get(member=m)
    Member.objects.filter(pk=m.pk).update(status="active")
    member("b", places["camden"])
    assert build_roll(contest) == {"eligible": 2, "excluded": 0}
    entry.refresh_from_db()
    assert entry.eligible and entry.reason == ""
    assert RollEntry.objects.filter(contest=contest).count() == 2
    assert Event.objects.filter(verb="roll.build").count() == 2


def test_freeze_builds_freezes_and_records(places, contest, officer):
    member("a", places["hackney"])
    member("b", places["hackney"], status="expelled")
    frozen = freeze_rolls(contest.election, officer)
    assert frozen == {"chair": {"eligible": 1, "excluded": 1, "status expelled": 1}}
    contest.refresh_from_db()
    assert contest.roll_is_frozen
    event = Event.objects.get(verb="roll.freeze")
    assert event.actor == "ro" and event.subject == f"contest:{contest.pk}" and event.data["eligible"] == 1
    assert freeze_rolls(contest.election, officer) == {}  # already frozen: nothing to do


def test_build_refused_after_freeze(places, contest, officer):
    member("a", places["hackney"], status="lapsed")
    freeze_rolls(contest.election, officer)
    Member.objects.update(status="active")
    with pytest.raises(RollFrozen) as frozen:
        build_roll(contest)
    assert standing(contest) == {"a": "status lapsed"}
    with translation.override("cy"):  # a job's refusal, read where it is shown
        assert str(frozen.value) == (
            f"mae cofrestr {contest} wedi'i rhewi; dim ond drwy benderfyniad wedi'i gofnodi y mae'n newid"
        )
