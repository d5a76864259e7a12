"""The demo's regional conference day, beside the OMOV demo (``tallyroom.demo``): *Thames
Regional Conference 2025*, about 70 fictional CLPs and 8 fictional affiliates with card votes.

Entitlements are worked out from the roll (the CLPs' members are generated), delegates are named
by the rules and checked in, and the day so far is:

1. the **CLP section** (2 seats, at least one woman, Scottish STV) elected by CLP delegates only:
   declared;
2. the **regional section** (3 seats, Scottish STV) decided 50/50 by colleges, where one union's
   delegation (the Riverside and Transport Workers) decides the last seat: declared. The CLP
   delegates split about 3:1 for Grassroots; the affiliates' card votes go Forward but for that
   union's 36,000 of 120,000. So Grassroots has 3/8 + 3/20 = 52.5% of the combined vote and two
   of the three seats; with that union's ballots for Forward it would have 37.5% and one
   (tests/conference/test_demo.py recounts it so);
3. **Motion 1** (a people's railway) by card vote with colleges: declared;
4. **Motion 2** (conference thanks the stewards) by a show of hands: recorded;
5. the **regional chair** (the alternative vote), open now: most delegates have voted; the badge
   codes printed by ``load_demo`` vote in it.

Each poll has its own trustees' key (docs/conference.md); the shares of the open poll are
written under ``var/demo/conference/``. Everything is fictional.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction

from tallyroom.ballotbox import keys
from tallyroom.demo import make_logins
from tallyroom.elections.models import Slate
from tallyroom.organisation.models import Affiliate, Region, Unit
from tallyroom.roll.models import Member
from tallyroom.web.access import CHAIR, REGISTRATION_DESK, TELLER

from . import delegations, polls, seating
from .models import AFFILIATES_COLLEGE, CLP_COLLEGE, Conference, Delegate, Delegation, Poll

SLUG = "thames-conference-2025"
SEED = 2026
LOGINS = {  # user name -> (password, role)
    "chair": ("demo-conference-chair", CHAIR),
    "desk": ("demo-registration-desk", REGISTRATION_DESK),
    "teller1": ("demo-teller-one", TELLER),
    "teller2": ("demo-teller-two", TELLER),
    "teller3": ("demo-teller-three", TELLER),
}
TRUSTEES = ("Tessa Trustee", "Umar Trustee", "Vera Trustee")
SPARE_BADGES = 5
FORWARD, GRASSROOTS = "Forward Together", "Grassroots Voice"
DECIDING_UNION = "Riverside and Transport Workers"
AFFILIATES = [  # name, affiliated members, delegates, leaning (the share of its card vote's bloc)
    ("General Allied Workers", 41_000, 8, FORWARD),
    (DECIDING_UNION, 36_000, 6, GRASSROOTS),
    ("Union of Public Service Staff", 22_000, 6, FORWARD),
    ("Shopworkers and Distributive Union", 9_500, 4, FORWARD),
    ("Communication and Media Guild", 6_000, 3, FORWARD),
    ("Fire and Rescue Crews Union", 3_500, 2, FORWARD),
    ("Fabian Circle of the Thames", 1_200, 1, FORWARD),
    ("Co-operative Socialist Society", 800, 1, FORWARD),
]
PLACES = (  # noqa: SIM905
    "Ashby Ayle Barrow Bexmoor Bramley Calder Carrow Claybury Coldharbour Cressing Dunmere Eastwick "
    "Elmbridge Fairlop Fenmoor Garrow Gilston Greywell Hadley Harrowden Hatherleigh Holloway Hurst "
    "Inchmore Kelsey Kingsmere Lambourne Larkhill Lowmoor Marden Merrow Millbank Netherby Northolt "
    "Oakhurst Orwell Padmore Penhallow Quarrydale Radley Redbourne Ringmer Rookwood Saltash Selwood "
    "Shenley Stanmoor Stowford Thornbury Tidmarsh Uffold Upwell Varley Walbrook Wansted Westmoor "
    "Whitmore Wickham Winslow Wrexby Yarrow Yelding Ashcombe Brockley Chalkwell Dorrington Edgecote "
    "Foxley Glenfield Hartwell"
).split()
FIRST = [
    "Alex",
    "Sam",
    "Jo",
    "Chris",
    "Priya",
    "Omar",
    "Ruth",
    "Kofi",
    "Lena",
    "Ivan",
    "Maya",
    "Dev",
    "Nora",
    "Femi",
    "Kit",
    "Rosa",
    "Hugo",
    "Anya",
    "Tariq",
    "Bea",
]
LAST = "Adeyemi Brook Cole Doyle Evans Fisher Gill Ibrahim Jones Khan Lowe Mensah Nair Patel".split()  # noqa: SIM905


@dataclass(frozen=True)
class Demo:
    conference: Conference
    badges: list[str]  # unused badge codes, for voting in the open poll


def demo_dir() -> Path:
    return Path(settings.VAR_DIR) / "demo" / "conference"


def share_files() -> list[Path]:
    """The trustees' shares of the open poll's key."""
    return [demo_dir() / f"open-poll-trustee-{i}-share.txt" for i in range(1, len(TRUSTEES) + 1)]


def _users() -> User:
    make_logins(LOGINS)
    return User.objects.get(username="chair")


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _delegations(conf: Conference, rng: random.Random, staff) -> None:
    region = Region.objects.get_or_create(code="thames", defaults={"name": "Thames"})[0]
    members = []
    for i, place in enumerate(PLACES):
        unit = Unit.objects.create(code=f"demo-clp-{i:02d}", name=f"{place} CLP", region=region)
        size = rng.choice([rng.randint(150, 740), rng.randint(750, 1700)])
        d = Delegation.objects.create(
            conference=conf, kind="clp", unit=unit, name=unit.name, college=CLP_COLLEGE,
            women_members=int(size * rng.uniform(0.05, 0.5)),
            young_members=int(size * rng.uniform(0.0, 0.06)),
        )  # fmt: skip
        members += [
            Member(number=f"TC{i:02d}{k:05d}", name=_name(rng), unit=unit, joined=date(2019, 5, 1))
            for k in range(size)
        ]
    for j, (name, size, seats, _) in enumerate(AFFILIATES):
        aff = Affiliate.objects.create(code=f"demo-aff-{j}", name=name, affiliated_members=size)
        Delegation.objects.create(
            conference=conf, kind="affiliate", affiliate=aff, name=name, college=AFFILIATES_COLLEGE,
            declared_members=size, delegates_allowed=seats,
        )  # fmt: skip
        members += [
            Member(
                number=f"TA{j}{k:03d}",
                name=_name(rng),
                affiliate=aff,
                joined=date(2019, 5, 1),
                category=Member.Category.AFFILIATED_SUPPORTER,
            )  # fmt: skip
            for k in range(seats + 1)
        ]
    Member.objects.bulk_create(members, batch_size=5000)
    delegations.compute_entitlements(conf, staff)
    for d in conf.delegations.all():
        pool = list(d.unit.members.all()[:12] if d.unit_id else d.affiliate.supporters.all())
        women = d.women_at_least + (1 if d.entitled > 1 else 0)
        for k in range(min(d.entitled, len(pool))):
            young = k == d.entitled - 1 and d.young_at_least > 0
            delegations.name_delegate(d, pool[k], staff, woman=k < women, young=young)
        if len(pool) > d.entitled:
            delegations.name_delegate(d, pool[d.entitled], staff, woman=True, substitute=True)
    for p in Delegate.objects.filter(delegation__conference=conf, substitute=False):
        seating.check(p, True, staff)


def _leaning(d: Delegation, clp_leaning: dict[int, str]) -> str:
    if d.kind == Delegation.Kind.CLP:
        return clp_leaning[d.pk]
    return next(lean for name, _, _, lean in AFFILIATES if name == d.name)


def _vote(poll: Poll, ballot, turnout: float, rng: random.Random) -> None:
    """Each delegate present votes ``ballot(delegate, rng)``, or does not (1 - ``turnout``)."""
    for entry in poll.contest.roll.select_related("member"):
        person = Delegate.objects.select_related("delegation").get(
            member=entry.member, delegation__conference=poll.conference
        )
        if rng.random() < turnout:
            polls.vote(poll, person, ballot(person, rng))


def _slates(poll: Poll, sides: dict[str, list[str]]) -> None:
    contest = poll.contest
    for name, candidates in sides.items():
        slate = Slate.objects.create(
            election=poll.election, name=name, colour="#b3261e" if name == FORWARD else "#1f5fa8"
        )
        slate.candidates.set(contest.candidates.filter(name__in=candidates))


def _poll(conf, chair, title, **kw) -> tuple[Poll, list[str]]:
    key, shares = keys.ceremony(TRUSTEES, 2)
    return polls.create_poll(conf, title, key, chair, **kw), [s.text for s in shares]


def _clp_leanings(conf: Conference, rng: random.Random, grassroots: float = 0.75) -> dict[int, str]:
    """Each CLP's slate, CLPs taken in a random order: Grassroots until they hold ``grassroots``
    of the CLP delegates, Forward after (so the CLP college splits about 3:1 whatever the seed)."""
    clps = list(conf.delegations.filter(kind="clp"))
    rng.shuffle(clps)
    total, held, leaning = sum(d.entitled for d in clps), 0, {}
    for d in clps:
        leaning[d.pk] = GRASSROOTS if held < grassroots * total else FORWARD
        held += d.entitled if leaning[d.pk] == GRASSROOTS else 0
    return leaning


def _day(conf: Conference, chair, rng: random.Random) -> None:
    leaning = _clp_leanings(conf, rng)

    def side(person):
        return _leaning(person.delegation, leaning)

    clp = {FORWARD: ["Amira Haddad", "Tom Whitlock"], GRASSROOTS: ["Grace Okafor", "Daniel Price"]}
    poll, shares = _poll(
        conf, chair, "CLP section", candidates=[*clp[FORWARD], *clp[GRASSROOTS], "Peter Lindqvist"],
        method="scottish-stv", seats=2, college=CLP_COLLEGE, constraints="woman>=1",
        groups={"Amira Haddad": "woman", "Grace Okafor": "woman"},
    )  # fmt: skip
    _slates(poll, clp)
    polls.open_poll(poll, chair)
    _vote(poll, lambda p, r: r.sample(clp[side(p)], 2) + ["Peter Lindqvist"] * (r.random() < 0.3), 0.95, rng)
    polls.declare(poll, chair, shares[:2])

    regional = {
        FORWARD: ["Helen Marsh", "Marcus Bell", "Sara Quinn"],
        GRASSROOTS: ["Sunil Rao", "Joanna Kowalska", "Leo Hart"],
    }
    poll, shares = _poll(
        conf, chair, "Regional section", candidates=[*regional[FORWARD], *regional[GRASSROOTS]],
        method="scottish-stv", seats=3, college_shares={"clp": "1/2", "affiliates": "1/2"},
    )  # fmt: skip
    _slates(poll, regional)
    polls.open_poll(poll, chair)
    _vote(poll, lambda p, r: regional[side(p)], 1.0, rng)
    polls.declare(poll, chair, shares[:2])

    poll, shares = _poll(
        conf, chair, "Motion 1: a people's railway", college_shares={"clp": "1/2", "affiliates": "1/2"}
    )
    polls.open_poll(poll, chair)
    _vote(
        poll, lambda p, r: [] if r.random() < 0.05 else ["For" if r.random() < 0.7 else "Against"], 0.9, rng
    )
    polls.declare(poll, chair, shares[1:])

    poll, _ = _poll(conf, chair, "Motion 2: conference thanks the stewards")
    polls.show_of_hands(poll, chair, {"For": 212, "Against": 0, "Abstain": 3})

    chair_candidates = ["Ruth Ellison", "Imran Qureshi", "Beatrice Nwosu"]
    poll, shares = _poll(conf, chair, "Regional chair", candidates=chair_candidates, method="irv")
    polls.open_poll(poll, chair)
    _vote(poll, lambda p, r: r.sample(chair_candidates, r.randint(1, 3)), 0.8, rng)
    demo_dir().mkdir(parents=True, exist_ok=True)
    for path, share in zip(share_files(), shares, strict=True):
        path.touch(mode=0o600)
        path.write_text(f"{share}\n")


def _spare_badges(conf: Conference, chair) -> list[str]:
    """Fresh badges for a few delegates who have not voted in the open poll (their old codes stop
    working), written to var/demo/conference/badges.txt."""
    poll = conf.polls.filter(state=Poll.State.OPEN).first()
    if poll is None:
        return []
    waiting = poll.contest.roll.filter(voted_at__isnull=True).values_list("member_id", flat=True)
    people = Delegate.objects.filter(delegation__conference=conf, member_id__in=list(waiting)).order_by("pk")
    badges = seating.issue_badges(people[:SPARE_BADGES], str, chair)
    demo_dir().mkdir(parents=True, exist_ok=True)
    (demo_dir() / "badges.txt").write_text("".join(f"{b.code}  {b.delegate}\n" for b in badges))
    return [b.code for b in badges]


def load() -> Demo:
    """Load the conference demo (or leave it as it is) and return it with a few unused badges."""
    chair = _users()
    conf = Conference.objects.filter(slug=SLUG).first()
    if conf is None:
        rng = random.Random(SEED)
        with transaction.atomic():
            conf = Conference.objects.create(
                slug=SLUG, name="Thames Regional Conference 2025", held_on=date(2025, 3, 8),
                counted_as_at=date(2024, 12, 31),
            )  # fmt: skip
            _delegations(conf, rng, chair)
        _day(conf, chair, rng)
    return Demo(conf, _spare_badges(conf, chair))


def summary(demo: Demo, url: str) -> str:
    """What ``load_demo`` prints of the conference: its pages, logins, shares and badge codes."""
    base = f"{url}/conference/{demo.conference.slug}"
    lines = [
        "",
        f"Demo conference: {demo.conference.name}",
        f"  Conference (staff):   {base}/",
        f"  Registration desk:    {base}/desk/",
        f"  Chair:                {base}/chair/",
        f"  Projector:            {base}/projector/",
        f"  Vote (kiosk):         {base}/vote/",
        "Logins (sign in at /accounts/login/):",
        *(f"  {name:<11} password {pw:<24} ({role})" for name, (pw, role) in LOGINS.items()),
        "Trustees' shares of the open poll's key (2 of 3 declare it):",
        *(f"  {name:<14} {path}" for name, path in zip(TRUSTEES, share_files(), strict=True)),
    ]
    if demo.badges:
        lines += [
            "Unused badge codes for the open poll (each a delegate's):",
            *(f"  {c}" for c in demo.badges),
        ]
    return "\n".join(lines)
