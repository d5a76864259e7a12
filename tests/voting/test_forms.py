"""Reading the ballot form: rankings 1..k with no gaps or repeats; marks within the limit."""

import pytest
from django.http import QueryDict

from tallyroom.ballotbox.marking import ANY, ONE, RANK, UP_TO, marking
from tallyroom.voting.forms import empty_form, read_form

pytestmark = pytest.mark.django_db


def post(**fields):
    q = QueryDict(mutable=True)
    for k, v in fields.items():
        for item in v if isinstance(v, list) else [v]:
            q.appendlist(k, item)
    return q


def ranked(contests, **ranks):
    c = contests["stv"]
    names = marking(c).candidates
    return read_form(c, marking(c), post(**{f"c{c.pk}-{names.index(n)}": r for n, r in ranks.items()}))


def test_method_decides_the_marking(setup):
    election, contests, members, codes = setup
    assert marking(contests["stv"]).kind == RANK
    assert (marking(contests["block"]).kind, marking(contests["block"]).limit) == (UP_TO, 2)
    assert marking(contests["chair"]).kind == ONE
    contests["chair"].method = "approval"
    assert (marking(contests["chair"]).kind, marking(contests["chair"]).limit) == (ANY, 2)


def test_ranking_is_read_in_order(setup):
    form, names = ranked(setup[1], Cy="1", Ada=" 2 ", Di="3", Bea="")
    assert names == ["Cy", "Ada", "Di"] and not form.has_errors


def test_empty_ranking_abstains(setup):
    form, names = ranked(setup[1])
    assert names == [] and form.abstaining


def test_gap_is_rejected_with_a_message(setup):
    form, names = ranked(setup[1], Ada="1", Bea="3")
    assert names is None
    assert form.errors == [
        "Your numbers must run 1, 2, 3 and so on with no gaps: there is no 2. You used 1, 3."
    ]
    assert [r.value for r in form.rows][:2] == ["1", "3"]  # shown again as typed


def test_repeat_is_rejected_at_each_field(setup):
    form, names = ranked(setup[1], Ada="1", Bea="1", Cy="2")
    assert names is None
    assert [bool(r.error) for r in form.rows] == [True, True, False, False, False]
    assert "1 to more than one candidate" in form.rows[0].error


@pytest.mark.parametrize("bad", ["x", "0", "6", "-1", "1.5"])
def test_out_of_range_rank_is_rejected(setup, bad):
    form, names = ranked(setup[1], Ada=bad)
    assert names is None and form.rows[0].error == "Enter a whole number from 1 to 5, or leave it blank."


def test_block_allows_up_to_the_seats(setup):
    c = setup[1]["block"]
    form, names = read_form(c, marking(c), post(**{f"c{c.pk}": ["2", "0"]}))
    assert names == ["Eve", "Gus"]
    form, names = read_form(c, marking(c), post(**{f"c{c.pk}": ["2", "0", "1"]}))
    assert names is None and form.errors == ["You chose 3 candidates: choose no more than 2."]


def test_plurality_radio_with_no_vote(setup):
    c = setup[1]["chair"]
    assert read_form(c, marking(c), post(**{f"c{c.pk}": "1"}))[1] == ["Ivy"]
    assert read_form(c, marking(c), post(**{f"c{c.pk}": ""}))[1] == []
    form, names = read_form(c, marking(c), post(**{f"c{c.pk}": "7"}))
    assert names is None and form.errors == ["Choose from the candidates listed."]


def test_form_is_filled_in_again_from_choices(setup):
    c = setup[1]["stv"]
    form = empty_form(c, marking(c), ["Di", "Ada"])
    assert [r.value for r in form.rows] == ["2", "", "", "1", ""]
