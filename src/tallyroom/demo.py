"""The demo: a fictional regional board election, loaded through the same functions staff use.

Thames Region (fictional, modelled on a London regional board) has six CLPs in two sub-regions and
two organised slates. The election has four contests: a two-seat CLP section for each sub-region
with at least one woman (``woman>=1``), a three-seat region-wide section counted by WIGM, and a
regional chair by the alternative vote with RON. Members are imported from a CSV, voting is opened
(rolls frozen, codes issued and "emailed" to ``var/mail``), and about two thirds of the voters have
voted through ``cast()``, so a count can be run at once. A few unused codes are kept in
``var/demo/codes.txt`` for a newcomer to vote with. Members barred from voting have appealed, and
the panel has decided some of their appeals (``tallyroom.appeals.demo``).

``load()`` is idempotent: run again, it leaves the election as it is, resets the demo logins and
makes sure a few unused codes are on hand while voting is open.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from tallyroom import lifecycle
from tallyroom.appeals import demo as appeals_demo
from tallyroom.ballotbox import box, keys
from tallyroom.elections import checklist
from tallyroom.elections.ballot import RON_NAME
from tallyroom.elections.models import Candidate, Contest, Election, Slate
from tallyroom.organisation.models import Region, Unit
from tallyroom.roll.eligibility import build_roll
from tallyroom.roll.importer import import_members
from tallyroom.roll.models import RollEntry
from tallyroom.voting.casting import cast
from tallyroom.voting.codes import Recipient, code_hash, reissue_code
from tallyroom.voting.models import BallotCode
from tallyroom.web.access import APPEALS_PANEL, RETURNING_OFFICER, SCRUTINEER, STAFF
from tallyroom.web.twofactor import enrol, secret_of

SLUG = "thames-board-2025"
SEED = 2025
MEMBERS_PER_CLP = 48
TURNOUT = 0.65
CROSSOVER = 0.25
SPARE_CODES = 5

LOGINS = {  # user name -> (password, role)
    "ro": ("demo-returning-officer", RETURNING_OFFICER),
    "staff": ("demo-staff-member", STAFF),
    "scrutineer": ("demo-scrutineer", SCRUTINEER),
    "panel1": ("demo-appeals-panel-1", APPEALS_PANEL),
    "panel2": ("demo-appeals-panel-2", APPEALS_PANEL),
}

NORTH = {"northgate-ashby": "Northgate and Ashby", "hollowmere": "Hollowmere", "kingsbury": "Kingsbury Vale"}
SOUTH = {
    "riverside-south": "Riverside South",
    "marsh-green": "Marsh Green",
    "fenwick": "Fenwick and Oldbridge",
}

FORWARD, GRASSROOTS = "Forward Together", "Grassroots Voice"
SLATE_COLOURS = {FORWARD: "#b3261e", GRASSROOTS: "#1f5fa8"}


@dataclass(frozen=True)
class Standing:
    """A candidate in the demo: name, slate (or none), groups, and how popular (a relative weight)."""

    name: str
    slate: str | None
    groups: str
    pull: float


@dataclass
class Section:
    slug: str
    name: str
    seats: int
    method: str
    candidates: list[Standing]
    units: dict[str, str] = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    constraints: str = ""
    ron: bool = False


SECTIONS = [
    Section(
        "clp-north",
        "CLP section: North",
        2,
        "scottish-stv",
        [
            Standing("Tom Whitlock", FORWARD, "", 1.6),
            Standing("Amira Haddad", FORWARD, "woman", 0.6),
            Standing("Daniel Price", GRASSROOTS, "", 1.6),
            Standing("Grace Okafor", GRASSROOTS, "woman", 0.6),
            Standing("Peter Lindqvist", None, "", 0.5),
        ],
        units=NORTH,
        constraints="woman>=1",
    ),
    Section(
        "clp-south",
        "CLP section: South",
        2,
        "scottish-stv",
        [
            Standing("Helen Marsh", FORWARD, "woman", 1.1),
            Standing("Marcus Bell", FORWARD, "", 0.9),
            Standing("Sunil Rao", GRASSROOTS, "", 1.2),
            Standing("Joanna Kowalska", GRASSROOTS, "woman", 0.9),
        ],
        units=SOUTH,
        constraints="woman>=1",
    ),
    Section(
        "regional",
        "Regional section",
        3,
        "wigm",
        [
            Standing("Fatima Begum", FORWARD, "woman", 1.2),
            Standing("Oliver Grant", FORWARD, "", 1.0),
            Standing("Chloe Adeyemi", FORWARD, "woman", 0.8),
            Standing("Rhys Morgan", GRASSROOTS, "", 1.1),
            Standing("Nadia Rahman", GRASSROOTS, "woman", 1.0),
            Standing("Liam Doherty", GRASSROOTS, "", 0.7),
            Standing("Beatrice Hale", None, "woman", 0.6),
        ],
        options={"places": 4},
    ),
    Section(
        "chair",
        "Regional chair",
        1,
        "irv",
        [
            Standing("Samuel Achebe", FORWARD, "", 1.0),
            Standing("Ruth Ellison", GRASSROOTS, "woman", 1.0),
            Standing("Imran Qureshi", None, "", 0.6),
        ],
        ron=True,
    ),
]

FIRST = (  # noqa: SIM905
    "Aisha Ben Chloe Dev Ella Farid Gwen Hugo Iris Jamal Kate Leon "
    "Maya Nikhil Orla Pavel Rosa Sam Tara Uche Vera Will Yusuf Zoe"
).split()
LAST = (  # noqa: SIM905
    "Ahmed Brown Clarke Davies Evans Fischer Green Hughes Ibrahim Jones Khan "
    "Lewis Murphy Nowak Owen Patel Quinn Roberts Singh Taylor Walsh Young"
).split()


def demo_dir() -> Path:
    return Path(settings.VAR_DIR) / "demo"


def codes_file() -> Path:
    return demo_dir() / "codes.txt"


TRUSTEES = ("Tessa Trustee", "Umar Trustee", "Vera Trustee")
TRUSTEES_NEEDED = 2


def share_files() -> list[Path]:
    return [demo_dir() / f"trustee-{i}-share.txt" for i in range(1, len(TRUSTEES) + 1)]


def _trustees(election: Election, ro: User) -> None:
    """The key ceremony, done here for the demo only (in a real election it is done off the
    server): the public half installed, each trustee's share written under var/demo/."""
    key, shares = keys.ceremony(TRUSTEES, TRUSTEES_NEEDED)
    box.install_key(election, key, ro)
    demo_dir().mkdir(parents=True, exist_ok=True)
    for path, share in zip(share_files(), shares, strict=True):
        path.touch(mode=0o600)
        path.write_text(f"{share.text}\n")


def _checked(election: Election, ro: User) -> None:
    """What the officer does on the checklist page: build each roll and send a test email."""
    for contest in election.contests.all():
        build_roll(contest, user=ro)
    checklist.send_test_mail(election, ro)


def make_logins(logins: dict[str, tuple[str, str]]) -> None:
    """Demo logins, ``{user name: (password, role)}``; passwords are reset on every load."""
    for username, (password, role) in logins.items():
        user, _ = User.objects.get_or_create(username=username)
        user.email = f"{username}@tallyroom.invalid"
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get_or_create(name=role)[0])


def _users() -> User:
    """The demo logins; returns the returning officer."""
    make_logins(LOGINS)
    return User.objects.get(username="ro")


def totp_file() -> Path:
    return demo_dir() / "totp.txt"


def _second_factors() -> None:
    """A TOTP device for each demo login (kept across loads); the keys, for an authenticator app
    or ``manage demo_code``, go to ``var/demo/totp.txt``, readable by its owner only."""
    lines = []
    for username in LOGINS:
        device = enrol(User.objects.get(username=username))
        lines.append(f"{username} {secret_of(device)} {device.config_url}\n")
    totp_file().parent.mkdir(parents=True, exist_ok=True)
    totp_file().touch(mode=0o600)
    totp_file().write_text("".join(lines))


def _members_csv(rng: random.Random, units: dict[str, str], freeze) -> Path:
    """Write the demo's membership list: mostly eligible members, a few lapsed or too recent."""
    path = demo_dir() / "members.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["number", "name", "email", "unit", "joined", "status", "category"])
        number = 1000
        for code in units:
            for i in range(MEMBERS_PER_CLP):
                number += 1
                first, last = rng.choice(FIRST), rng.choice(LAST)
                joined = freeze - timedelta(days=rng.randint(40, 3000))
                status = "active"
                if i == 0:
                    status = "lapsed"
                elif i == 1:
                    joined = freeze + timedelta(days=3)
                email = "" if i % 10 == 5 else f"{first}.{last}.{number}@example.org".lower()
                out.writerow(
                    [f"T{number}", f"{first} {last}", email, code, joined.isoformat(), status, "member"]
                )
        for number, name, code, joined, status in _APPELLANTS:  # excluded: the appeals demo's cases
            email = f"{name.replace(' ', '.')}.{number}@example.org".lower()
            out.writerow([number, name, email, code, (freeze + joined).isoformat(), status, "member"])
    return path


_APPELLANTS = (  # number, name, unit, joined relative to the freeze date, status
    ("T9001", "Wendy Achterberg", "hollowmere", -timedelta(days=900), "suspended"),
    ("T9002", "Kofi Mensah", "fenwick", -timedelta(days=400), "suspended"),
    ("T9003", "Priya Natarajan", "kingsbury", timedelta(days=20), "active"),
    ("T9004", "Callum Reid", "marsh-green", timedelta(days=22), "active"),
)


def _create(ro: User, rng: random.Random) -> Election:
    """The region, members, election, contests, candidates and slates (voting not yet open)."""
    now = timezone.now()
    freeze = (now - timedelta(days=30)).date()
    region = Region.objects.get_or_create(code="thames", defaults={"name": "Thames Region"})[0]
    units = {**NORTH, **SOUTH}
    for code, name in units.items():
        Unit.objects.get_or_create(code=code, defaults={"name": name, "region": region})
    import_members(_members_csv(rng, units, freeze), user=ro)
    election = Election.objects.create(
        slug=SLUG,
        name="Thames Regional Board 2025",
        description="A fictional regional board election: the tallyroom demo.",
        freeze_date=freeze,
        voting_opens=now - timedelta(days=2),
        voting_closes=now + timedelta(days=5),
    )
    slates = {
        name: Slate.objects.create(election=election, name=name, colour=colour, show_on_ballot=True)
        for name, colour in SLATE_COLOURS.items()
    }
    for position, section in enumerate(SECTIONS):
        contest = Contest.objects.create(
            election=election,
            slug=section.slug,
            name=section.name,
            position=position,
            seats=section.seats,
            method=section.method,
            options=section.options,
            constraints=section.constraints,
            ron=section.ron,
            tie_seed=f"{SLUG}/{section.slug}/7Q2K",
        )
        if section.units:
            contest.units.set(Unit.objects.filter(code__in=section.units))
        else:
            contest.regions.add(region)
        for i, s in enumerate(section.candidates):
            candidate = Candidate.objects.create(
                contest=contest, name=s.name, groups=s.groups, position=i, statement=_statement(s, section)
            )
            if s.slate:
                slates[s.slate].candidates.add(candidate)
    return election


def _statement(s: Standing, section: Section) -> str:
    """A short statement, so the demo's ballot and results show one under each candidate."""
    who = f"the {s.slate} slate" if s.slate else "no slate"
    return (
        f"I am {s.name}, standing in {section.name} with {who}.\n\n"
        "I will report back to every unit after each meeting and answer every member who writes."
    )


def _preferences(rng: random.Random, section: Section, leaning: str | None) -> list[str]:
    """A plausible ballot: the voter's own slate first (popular candidates likelier first), then
    perhaps some others; one voter in twenty abstains in a contest."""
    if rng.random() < 0.05:
        return []

    def by_pull(standing: list[Standing]) -> list[str]:
        keyed = sorted(standing, key=lambda s: rng.random() ** (1 / s.pull), reverse=True)
        return [s.name for s in keyed]

    own = [s for s in section.candidates if leaning and s.slate == leaning]
    rest = [s for s in section.candidates if s not in own]
    others = by_pull(rest)
    ranking = by_pull(own) + others[: rng.randint(0 if own else 1, len(rest))]
    if own and others and rng.random() < CROSSOVER:  # a slate voter who puts another candidate first
        ranking = [others[0], *(name for name in ranking if name != others[0])]
    if section.ron and rng.random() < 0.1:
        ranking.append(RON_NAME)
    return ranking


def _vote(election: Election, pairs: list[tuple[Recipient, str]], rng: random.Random) -> list[str]:
    """Cast ballots for about TURNOUT of the voters; return the codes left unused."""
    contests = {c.slug: c for c in election.contests.all()}
    unused = []
    for member, code in pairs:
        if rng.random() >= TURNOUT:
            unused.append(code)
            continue
        leaning = rng.choices([FORWARD, GRASSROOTS, None], weights=[45, 42, 13])[0]
        entries = RollEntry.objects.filter(member_id=member.pk, eligible=True)
        eligible = set(entries.values_list("contest__slug", flat=True))
        choices = {contests[s.slug]: _preferences(rng, s, leaning) for s in SECTIONS if s.slug in eligible}
        cast(code, choices)
    return unused


def _spare_codes(election: Election, ro: User, fresh: list[str]) -> list[str]:
    """Unused codes for a newcomer: those already in the codes file (or just issued) that are still
    unused, topped up by reissuing codes of voters who have not voted."""
    known = fresh or (codes_file().read_text().split() if codes_file().exists() else [])
    codes = [
        c for c in known if BallotCode.objects.filter(code_hash=code_hash(c), used_at__isnull=True).exists()
    ]
    codes = codes[:SPARE_CODES]
    if len(codes) < SPARE_CODES and election.state == Election.State.VOTING:
        hashes = [code_hash(c) for c in codes]
        waiting = BallotCode.objects.filter(election=election, used_at__isnull=True).exclude(
            code_hash__in=hashes
        )
        for entry in waiting.select_related("member").order_by("member__number")[: SPARE_CODES - len(codes)]:
            codes.append(reissue_code(election, entry.member, user=ro))
    codes_file().parent.mkdir(parents=True, exist_ok=True)
    codes_file().write_text("".join(f"{c}\n" for c in codes))
    return codes


def load() -> tuple[Election, list[str]]:
    """Load the demo (or leave it as it is) and return the election and a few unused codes."""
    rng = random.Random(SEED)
    ro = _users()
    _second_factors()
    fresh: list[str] = []
    election = Election.objects.filter(slug=SLUG).first()
    if election is None:
        with transaction.atomic():
            election = _create(ro, rng)
        _trustees(election, ro)
        _checked(election, ro)
        pairs: list[tuple[Recipient, str]] = []
        job = lifecycle.open_voting(election, ro, inline=True, keep=pairs.extend)
        if job.state != job.State.DONE:
            raise RuntimeError(f"opening the demo's voting failed: {job.message}")
        election.refresh_from_db()  # the job opened it through its own copy
        unused = _vote(election, pairs, rng)
        fresh = unused[:SPARE_CODES]
    appeals_demo.load(
        election, ro, [User.objects.get(username=n) for n in LOGINS if LOGINS[n][1] == APPEALS_PANEL]
    )
    return election, _spare_codes(election, ro, fresh)
