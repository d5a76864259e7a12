"""The one election builder the tests share (issue 6): ``election()`` makes an election with its
contests and candidates, ``members()`` the people who may vote in it, ``roll()`` their roll
entries. What differs between tests (methods, seats, constraints, colleges, members, state) is a
parameter; the trustees' key and the checklist are the ``trustees_key`` and ``ready_to_open``
fixtures (tests/conftest.py), opening and closing are ``tallyroom.lifecycle``'s verbs."""

import re
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from tallyroom import lifecycle
from tallyroom.ballotbox import box, keys
from tallyroom.ballotbox.symbols import ALPHABET
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


def install_key(election: Election, trustees=("Tina", "Umar", "Vic"), threshold=2) -> list[str]:
    """Install a new trustees' key on ``election`` (in draft); returns the share texts."""
    key, shares = keys.ceremony(trustees, threshold)
    box.install_key(election, key, None)
    return [s.text for s in shares]


def voting_election(slug="board-2026", voters=6, key=False):
    """An open election: ``stv`` (3 seats, 4 candidates + RON), ``block`` (2 of 3), ``chair``
    (plurality). Voter 0 is on the roll of ``chair`` only as a delegate (weight 2.5, college
    'affiliates'); voter 1 is excluded from ``block``; everyone else is on every roll. With
    ``key``, a trustees' key is installed (its shares as ``election.shares``)."""
    london = units("london", "hackney", "camden")
    made = election(
        slug,
        {
            "slug": "stv",
            "name": "Executive",
            "method": "scottish-stv",
            "seats": 3,
            "ron": True,
            "candidates": "Ada Bea Cy Di",
        },
        {"slug": "block", "name": "Auditors", "method": "block", "seats": 2, "candidates": "Eve Fay Gus"},
        {"slug": "chair", "name": "Chair", "method": "plurality", "candidates": "Hal Ivy"},
        state=Election.State.VOTING,
        opens=timezone.now() - timedelta(days=1),
    )
    contests = {c.slug: c for c in made.contests.all()}
    stv, block, chair = contests["stv"], contests["block"], contests["chair"]
    people = members(
        [f"{slug}-{i:04d}" for i in range(voters)],
        lambda i: london[i % 2],
        name=lambda i: f"Voter {i}",
        email=lambda i: f"voter{i}@example.org" if i % 3 else "",
        address=lambda i: f"{i} High Street\nLondon",
    )
    for i, m in enumerate(people):  # one member's entries after another's, as a roll is built
        if i == 0:
            roll(chair, [m], weight=Decimal("2.5"), college="affiliates")
            continue
        for contest in (stv, block, chair):
            lapsed = i == 1 and contest == block
            roll(contest, [m], eligible=not lapsed, reason="lapsed" if lapsed else "")
    if key:
        Election.objects.filter(pk=made.pk).update(state=Election.State.DRAFT)
        made.shares = install_key(made)
        Election.objects.filter(pk=made.pk).update(state=Election.State.VOTING)
    return made, contests, people


def poll(conference, user, title="Motion 1", **fields):
    """A conference poll made as the chair makes one (``polls.create_poll``, whose election it
    is), with a new trustees' key (2 of 3); returns the poll and the share texts."""
    from tallyroom.conference import polls

    key, shares = keys.ceremony(["Tessa", "Umar", "Vera"], 2)
    return polls.create_poll(conference, title, key, user, **fields), [s.text for s in shares]


def code_in(body: str) -> str:
    """The ballot code in a message's text."""
    return re.search(rf"[{ALPHABET}]{{4}}(-[{ALPHABET}]{{4}}){{3}}", body).group(0)
