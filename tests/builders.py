"""The one election builder the tests share (issue 6): ``election()`` makes an election with its
contests and candidates, ``members()`` the people who may vote in it, ``roll()`` their roll
entries. What differs between tests (methods, seats, constraints, colleges, members, state) is a
parameter; the trustees' key and the checklist are the ``trustees_key`` and ``ready_to_open``
fixtures (tests/conftest.py), opening and closing are ``tallyroom.lifecycle``'s verbs."""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.utils import timezone

from tallyroom import lifecycle
from tallyroom.elections.models import Candidate, Contest, Election
from tallyroom.organisation.models import Region, Unit
from tallyroom.roll.models import Member, RollEntry

FREEZE = date(2026, 1, 1)
JOINED = date(2020, 1, 1)


def election(
    slug: str = "board-2026",
    *contests: dict,
    name: str | None = None,
    state: str = Election.State.DRAFT,
    opens=None,
    closes=None,
    days: float = 14,
    freeze_date: date = FREEZE,
) -> Election:
    """An election (in draft unless ``state`` says otherwise), voting from ``opens`` (now by
    default) to ``closes`` (``days`` later by default), with one contest per dict of
    ``contests`` (``contest()``'s arguments, positioned in that order)."""
    opens = timezone.now() if opens is None else opens
    made = Election.objects.create(
        slug=slug,
        name=name or f"Election {slug}",
        freeze_date=freeze_date,
        voting_opens=opens,
        voting_closes=opens + timedelta(days=days) if closes is None else closes,
        state=state,
    )
    for position, fields in enumerate(contests, start=1):
        contest(made, **{"position": position, **fields})
    return made


def contest(election: Election, slug: str, candidates: str | Sequence = (), **fields) -> Contest:
    """A contest of ``election`` (FPTP unless ``method`` is given; its name the slug titled)
    with ``candidates`` standing in that order: names separated by spaces, or (name, groups) pairs."""
    fields = {"name": slug.title(), "method": "fptp", **fields}
    made = Contest.objects.create(election=election, slug=slug, **fields)
    pairs = [(n, "") for n in candidates.split()] if isinstance(candidates, str) else candidates
    for i, (candidate, groups) in enumerate(pairs):
        Candidate.objects.create(contest=made, name=candidate, groups=groups, position=i)
    return made


def units(region: str, *codes: str, names: Sequence[str] = ()) -> list[Unit]:
    """Units in the region of that code (named as the codes titled, unless ``names`` are
    given), made if not there yet."""
    place = Region.objects.get_or_create(code=region, defaults={"name": region.title()})[0]
    names = names or [code.title() for code in codes]
    return [
        Unit.objects.get_or_create(code=code, defaults={"name": name, "region": place})[0]
        for code, name in zip(codes, names, strict=True)
    ]


def members(numbers: Iterable[str], unit, **fields) -> list[Member]:
    """A member for each number, in ``unit`` (named ``Member <number>``, joined in 2020, with an
    email address at example.org unless ``fields`` say otherwise). A field given as a function is
    called with the member's index: ``unit=lambda i: units[i % 2]``, ``email=lambda i: ""``."""
    made = []
    for i, number in enumerate(numbers):
        values = {"name": f"Member {number}", "email": f"{number}@example.org", "joined": JOINED}
        values |= {"unit": unit, **fields}
        values = {k: v(i) if callable(v) else v for k, v in values.items()}
        made.append(Member.objects.create(number=number, **values))
    return made


def roll(contest: Contest, people: Iterable[Member], **fields) -> list[RollEntry]:
    """Put ``people`` on ``contest``'s roll (eligible unless ``fields`` say otherwise, e.g. a
    delegate's ``weight`` and ``college``)."""
    fields = {"eligible": True, **fields}
    return [RollEntry.objects.create(contest=contest, member=m, **fields) for m in people]


def opened(election: Election, officer) -> dict[str, str]:
    """Open voting (the job run inline, as ``lifecycle.open_voting`` does for the officer);
    returns the codes sent, by membership number."""
    pairs = []
    lifecycle.open_voting(election, officer, inline=True, keep=pairs.extend)
    return {entry.number: code for entry, code in pairs}
