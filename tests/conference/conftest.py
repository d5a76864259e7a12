"""A small conference for the web tests: two CLPs (Hackney 1,000 members, Camden 700) and two
affiliates (GMB 9,000 affiliated members, Fabians 300), every delegate named and checked in."""

from datetime import date

import pytest

from tallyroom.conference import delegations, seating
from tallyroom.conference.models import AFFILIATES_COLLEGE, CLP_COLLEGE, Conference, Delegation
from tallyroom.organisation.models import Affiliate, Region, Unit
from tallyroom.roll.models import Member


def _members(prefix, n, unit=None, affiliate=None, start=0):
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
    """The conference with entitlements worked out (Hackney 3 delegates, Camden 1; GMB 3,
    Fabians 1); delegates named: Hackney a woman and a man, Camden a woman plus a substitute,
    GMB three and a substitute, Fabians one. Nobody checked in."""
    region = Region.objects.create(code="london", name="London")
    hackney = Unit.objects.create(code="hackney", name="Hackney", region=region)
    camden = Unit.objects.create(code="camden", name="Camden", region=region)
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
