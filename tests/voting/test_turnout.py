import pytest

from tallyroom.voting.casting import cast
from tallyroom.voting.turnout import turnout

pytestmark = pytest.mark.django_db


def test_turnout_overall_and_by_unit(setup):
    election, contests, members, codes = setup  # voters 0, 2, 4 in Hackney; 1, 3, 5 in Camden
    for i in (0, 2, 3):
        cast(codes[i], {})
    result = turnout(election)
    assert (result.overall.issued, result.overall.voted, result.overall.percent) == (6, 3, "50.0%")
    assert [(t.unit, t.issued, t.voted) for t in result.by_unit] == [("Camden", 3, 1), ("Hackney", 3, 2)]
    assert result.by_unit[1].percent == "66.6%"
