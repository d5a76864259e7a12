"""Card votes shared among the delegates present, their line items, and the weights that would
identify a delegation's ballots."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tallyroom.conference.card_votes import Delegation, identifying_weights, line_items_csv
from tallyroom.count import Ballots, count


def test_a_card_vote_is_shared_equally_among_the_delegates_present():
    """One of four Unite delegates absent: each of the three carries a third of 1,000."""
    unite = Delegation("Unite", "Affiliates", card_vote=1000, present=3)
    assert unite.weight == Fraction(1000, 3)
    assert unite.weight * unite.present == unite.card_vote
    assert Delegation("GMB", "Affiliates", 500, 0).weight is None


def test_line_items_list_every_delegation_exactly():
    items = [Delegation("Unite", "Affiliates", 1000, 3), Delegation("GMB", "Affiliates", 500, 0)]
    assert line_items_csv(items) == (
        "delegation,college,card_vote,present,weight_per_delegate\n"
        "Unite,Affiliates,1000,3,1000/3\n"
        "GMB,Affiliates,500,0,\n"
    )


def test_the_line_items_give_the_weights_the_count_used():
    """Ballots weighted from the line items count each delegation's whole card vote."""
    delegations = [Delegation("Unite", "Affiliates", 1000, 3), Delegation("Ash CLP", "CLP", 1, 1)]
    ballots = Ballots.from_college_rankings(
        ["A", "B"],
        [((0,), delegations[0].weight, "Affiliates")] * 2
        + [((1,), delegations[0].weight, "Affiliates"), ((1,), delegations[1].weight, "CLP")],
    )
    r = count(ballots, "plurality", college_shares={"Affiliates": "1/2", "CLP": "1/2"})
    assert r.colleges[0].votes == {"A": Fraction(2000, 3), "B": Fraction(1000, 3)}
    assert r.colleges[0].valid_poll == 1000


def test_weights_unique_to_one_delegation_are_found():
    delegations = [
        Delegation("Unite", "Affiliates", 1000, 3),
        Delegation("GMB", "Affiliates", 600, 2),
        Delegation("Unison", "Affiliates", 300, 1),
        Delegation("Ash CLP", "CLP", 1, 1),
        Delegation("Elm CLP", "CLP", 1, 1),
    ]
    assert identifying_weights(delegations) == {Fraction(1000, 3): "Unite"}


def test_impossible_figures_are_refused():
    with pytest.raises(ValueError, match="Unite: present must be a whole number, not -1"):
        Delegation("Unite", "Affiliates", 1000, -1)
