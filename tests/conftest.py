"""Fixtures shared by the web apps' tests: users holding each role, a trustees' key, and an
election in voting (``setup``) with three contests and voters on their rolls, and a small
conference (``conference``) with its delegates named."""

import functools
from datetime import date

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.utils import translation

import builders as build
from tallyroom.conference import delegations, seating
from tallyroom.conference.models import AFFILIATES_COLLEGE, CLP_COLLEGE, Conference, Delegation
from tallyroom.organisation.models import Affiliate
from tallyroom.roll.models import Member
from tallyroom.voting.codes import issued_codes
from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, STAFF


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """A request activates its language for the rest of the thread (LocaleMiddleware does not
    deactivate it): after each test, back to the default, so a Welsh page does not make the next
    test's messages Welsh."""
    yield
    translation.deactivate()


@pytest.fixture
def user_with(db):
    """Make a signed-up user holding the given roles: ``user_with("ro", RETURNING_OFFICER)``."""

    def make(username: str, *roles: str) -> User:
        user = User.objects.create_user(username, password="pw-for-tests-only")
        for role in roles:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    return make


@pytest.fixture
def officer(user_with):
    return user_with("ro", RETURNING_OFFICER)


@pytest.fixture
def staff(user_with):
    return user_with("clerk", STAFF)


@pytest.fixture
def scrutineer(user_with):
    return user_with("watcher", SCRUTINEER)


@pytest.fixture
def trustees_key(db):
    """``build.install_key`` as a fixture: a new trustees' key (2 of 3 by default) on an
    election; returns the share texts."""
    return build.install_key


@pytest.fixture
def ready_to_open(db):
    """Do what the checklist asks before voting opens (elections/checklist.py): build each
    contest's roll and send the officer a test email."""
    from tallyroom.elections import checklist
    from tallyroom.roll.eligibility import build_roll

    def ready(election, officer) -> None:
        for contest in election.contests.all():
            build_roll(contest, user=officer)
        if not officer.email:
            officer.email = f"{officer.get_username()}@example.org"
            officer.save(update_fields=["email"])
        checklist.send_test_mail(election, officer)
        mail.outbox.clear()  # the tests count the codes' messages

    return ready


@pytest.fixture
def voting_election(db):
    """``build.voting_election`` as a fixture, for tests that build their own; the election has
    a trustees' key (its shares as ``election.shares``)."""
    return functools.partial(build.voting_election, key=True)


@pytest.fixture
def setup(voting_election):
    election, contests, members = voting_election()
    codes = {r.number: code for r, code in issued_codes(election)}
    mail.outbox.clear()  # the codes' own emails: each test sees only the mail it causes
    return election, contests, members, [codes[m.number] for m in members]


@pytest.fixture
def flaky(settings):
    """The mail backend made to fail as a mail server can (tests/mailbackends.py): set its
    ``down_after``, ``blips`` or ``refuse``."""
    from mailbackends import Flaky

    settings.EMAIL_BACKEND = f"{Flaky.__module__}.Flaky"
    Flaky.reset()
    yield Flaky
    Flaky.reset()


# --- a small conference (tests/conference, tests/browser) ---


def _members(prefix, n, unit=None, affiliate=None, start=0):
    """``n`` members at once (``bulk_create``: the conference has 1,700 and ``build.members``
    saves one at a time), in a unit or, as affiliated supporters, an affiliate."""
    Member.objects.bulk_create(
        Member(
            number=f"{prefix}{start + i:05d}",
            name=f"{prefix.title()} Member {start + i}",
            unit=unit,
            affiliate=affiliate,
            joined=date(2020, 1, 1),
            category=Member.Category.AFFILIATED_SUPPORTER if affiliate else Member.Category.MEMBER,
        )
        for i in range(n)
    )
    return list(Member.objects.filter(number__startswith=prefix).order_by("number"))


@pytest.fixture
def conference(db, staff):
    """A London conference: two CLPs (Hackney 1,000 members, Camden 700) and two affiliates (GMB
    9,000 affiliated members, Fabians 300), entitlements worked out (Hackney 3 delegates, Camden
    1; GMB 3, Fabians 1); delegates named: Hackney a woman and a man, Camden a woman plus a substitute,
    GMB three and a substitute, Fabians one. Nobody checked in."""
    hackney, camden = build.units("london", "hackney", "camden")
    gmb = Affiliate.objects.create(code="gmb", name="GMB", affiliated_members=9000)
    fabians = Affiliate.objects.create(code="fabians", name="Fabians", kind="society", affiliated_members=300)
    conf = Conference.objects.create(
        slug="london-2026",
        name="London Regional Conference",
        held_on=date(2026, 3, 7),
        counted_as_at=date(2025, 12, 31),
    )
    h = Delegation.objects.create(
        conference=conf, kind="clp", unit=hackney, name="Hackney CLP", college=CLP_COLLEGE
    )
    c = Delegation.objects.create(
        conference=conf, kind="clp", unit=camden, name="Camden CLP", college=CLP_COLLEGE
    )
    g = Delegation.objects.create(
        conference=conf,
        kind="affiliate",
        affiliate=gmb,
        name="GMB",
        college=AFFILIATES_COLLEGE,
        declared_members=9000,
        delegates_allowed=3,
    )
    f = Delegation.objects.create(
        conference=conf,
        kind="affiliate",
        affiliate=fabians,
        name="Fabians",
        college=AFFILIATES_COLLEGE,
        declared_members=300,
        delegates_allowed=1,
    )
    hm = _members("hk", 1000, unit=hackney)
    cm = _members("cm", 700, unit=camden)
    gm = _members("gm", 4, affiliate=gmb)
    fm = _members("fb", 1, affiliate=fabians)
    delegations.compute_entitlements(conf, staff)
    for d in (h, c, g, f):
        d.refresh_from_db()
    delegations.name_delegate(h, hm[0], staff, woman=True)
    delegations.name_delegate(h, hm[1], staff)
    delegations.name_delegate(c, cm[0], staff, woman=True)
    delegations.name_delegate(c, cm[1], staff, woman=True, substitute=True)
    for m in gm[:3]:
        delegations.name_delegate(g, m, staff)
    delegations.name_delegate(g, gm[3], staff, substitute=True)
    delegations.name_delegate(f, fm[0], staff, woman=True)
    return conf


@pytest.fixture
def check_in_all(staff):
    def run(conf):
        for d in conf.delegations.all():
            for p in d.delegates.filter(substitute=False):
                seating.check(p, True, staff)

    return run


@pytest.fixture
def secretary(user_with):
    """``secretary(delegation)``: a user who is that delegation's secretary (no other role)."""

    def make(delegation):
        user = user_with(f"secretary-{delegation.pk}")
        delegation.secretaries.add(user)
        return user

    return make
