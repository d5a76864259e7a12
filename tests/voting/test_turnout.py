import pytest

from tallyroom.voting.casting import cast
from tallyroom.voting.turnout import Turnout, turnout

pytestmark = pytest.mark.django_db


def test_turnout_overall_and_by_unit(setup):
    election, contests, members, codes = setup  # voters 0, 2, 4 in Hackney; 1, 3, 5 in Camden
    for i in (0, 2, 3):
        cast(codes[i], {})
    result = turnout(election)
    assert (result.overall.issued, result.overall.voted, result.overall.percent) == (6, 3, "50.0%")
    assert [(t.unit, t.issued, t.voted) for t in result.by_unit] == [("Camden", 3, 1), ("Hackney", 3, 2)]
    assert result.by_unit[1].percent == "66.7%"  # rounded, not truncated


@pytest.mark.parametrize(
    "voted, issued, shown",
    [
        (20, 46, "43.5%"),  # 43.478...: issue 7 (10) saw 43.4%
        (1, 30294, "<0.1%"),  # not 0.0%: someone voted
        (0, 30294, "0.0%"),
        (30293, 30294, ">99.9%"),  # not 100.0%: someone has not
        (46, 46, "100.0%"),
        (1, 8, "12.5%"),  # half up
        (1, 3, "33.3%"),
        (0, 0, "0.0%"),
    ],
)
def test_percent_is_rounded_and_small_shares_stay_visible(voted, issued, shown):
    assert Turnout("", issued, voted).percent == shown
