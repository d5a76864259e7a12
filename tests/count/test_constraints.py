from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tallyroom.count import Constraint, ConstraintError, Constraints, read_groups

# Ann: woman and BAME; Bea: woman; Cal: BAME; Dan: neither.
NAMES = ["Ann", "Bea", "Cal", "Dan"]
ANN, BEA, CAL, DAN = range(4)
GROUPS = {"Ann": {"woman", "bame"}, "Bea": {"woman"}, "Cal": {"bame"}}


def test_parse_and_print():
    assert Constraint.parse("woman>=1") == Constraint("woman", 1, None)
    assert Constraint.parse(" clp-a <= 2 ") == Constraint("clp-a", 0, 2)
    assert Constraint.parse("bame=1") == Constraint("bame", 1, 1)
    assert [str(Constraint.parse(t)) for t in ("woman>=1", "clp-a<=2", "bame=1")] == [
        "woman>=1",
        "clp-a<=2",
        "bame=1",
    ]
    for bad in ("woman", "woman>1", "woman>=-1", ">=1", "woman>=x"):
        with pytest.raises(ConstraintError, match="not of the form"):
            Constraint.parse(bad)


def test_read_groups(tmp_path):
    path = tmp_path / "groups.csv"
    path.write_text("\ufeffcandidate,group\nAnn,woman\n\n Ann , bame\nCal,bame\n", encoding="utf-8")
    assert read_groups(path) == {"Ann": {"woman", "bame"}, "Cal": {"bame"}}
    path.write_text("Ann,woman\n", encoding="utf-8")
    assert read_groups(path) == {"Ann": {"woman"}}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Ann,woman\nBea\n", ":2: expected 2 columns candidate,group, found 1"),
        (b"candidate,group\nAnn,woman,x\n", ":2: expected 2 columns"),
        (b"Ann,woman\n\nBea, \n", ":3: empty candidate or group"),
        (b"Ann,woman\nB\xe9a,woman\n", ":2: not UTF-8"),
        (b'Ann,woman\n"Bea,woman\n', ":2: expected 2 columns"),
    ],
)
def test_read_groups_errors_name_file_and_line(tmp_path, content, message):
    path = tmp_path / "groups.csv"
    path.write_bytes(content)
    with pytest.raises(ConstraintError) as e:
        read_groups(path)
    assert str(e.value).startswith(str(path))
    assert message in str(e.value)


def test_constraints_refuse_unknown_names():
    with pytest.raises(ConstraintError, match="not standing: Eve"):
        Constraints(NAMES, ["woman>=1"], {**GROUPS, "Eve": {"woman"}})
    with pytest.raises(ConstraintError, match="group 'clp'"):
        Constraints(NAMES, ["clp<=1"], GROUPS)


def test_overlapping_groups_one_seat():
    c = Constraints(NAMES, ["woman>=1", "bame>=1"], GROUPS)
    assert c.feasible([], [ANN, BEA, CAL, DAN], 1)
    assert not c.feasible([], [BEA, CAL, DAN], 1)
    assert c.doomed([], [ANN, BEA, CAL, DAN], 1) == [BEA, CAL, DAN]
    assert c.guarded([], [ANN, BEA, CAL, DAN], 1) == [ANN]


def test_overlapping_groups_two_seats():
    c = Constraints(NAMES, ["woman>=1", "bame>=1", "woman<=1"], GROUPS)
    everyone = [ANN, BEA, CAL, DAN]
    assert c.doomed([], everyone, 2) == []
    # With Bea elected the second seat must go to a BAME man: Cal.
    assert c.doomed([BEA], [ANN, CAL, DAN], 1) == [ANN, DAN]
    assert c.guarded([BEA], [ANN, CAL, DAN], 1) == [CAL]
    assert c.guarded([], [BEA, CAL, DAN], 2) == [BEA, CAL]
    assert not c.feasible([ANN, BEA], [], 0)


def test_seats_must_be_filled_while_candidates_remain():
    c = Constraints(NAMES, ["woman<=0"], GROUPS)
    assert not c.feasible([], [ANN, BEA], 1)
    assert c.feasible([], [ANN, DAN], 1)
    # Fewer candidates than seats: all are taken, so Ann's membership breaks the bound.
    assert not c.feasible([], [ANN, DAN], 3)
    assert c.feasible([], [CAL, DAN], 3)


def test_no_constraints_allow_anything():
    c = Constraints(NAMES, [], {})
    assert not c
    assert c.feasible([], [], 5) and c.doomed([], [ANN], 1) == [] and c.guarded([], [ANN], 1) == []


def brute_feasible(signatures, bounds, elected, continuing, seats_left):
    take = min(seats_left, len(continuing))
    for chosen in combinations(continuing, take):
        counts = [sum(signatures[c][i] for c in [*elected, *chosen]) for i in range(len(bounds))]
        if all(lo <= n and (hi is None or n <= hi) for n, (lo, hi) in zip(counts, bounds, strict=True)):
            return True
    return False


@settings(max_examples=150, deadline=None)
@given(
    memberships=st.lists(st.sets(st.sampled_from(["w", "b", "c"])), min_size=1, max_size=8),
    specs=st.lists(
        st.tuples(st.sampled_from(["w", "b", "c"]), st.sampled_from([">=", "<=", "="]), st.integers(0, 3)),
        min_size=1,
        max_size=3,
    ),
    data=st.data(),
)
def test_feasible_agrees_with_brute_force(memberships, specs, data):
    names = [f"N{i}" for i in range(len(memberships))]
    groups = {n: g for n, g in zip(names, memberships, strict=True) if g}
    known = {g for gs in groups.values() for g in gs}
    specs = [s for s in specs if s[0] in known]
    if not specs:
        return
    c = Constraints(names, [f"{g}{op}{n}" for g, op, n in specs], groups)
    signatures = [[int(g in m) for g, _, _ in specs] for m in memberships]
    bounds = [(n if op != "<=" else 0, n if op != ">=" else None) for _, op, n in specs]
    everyone = list(range(len(names)))
    elected = data.draw(st.lists(st.sampled_from(everyone), unique=True, max_size=2))
    continuing = [x for x in everyone if x not in elected]
    seats_left = data.draw(st.integers(0, 4))
    assert c.feasible(elected, continuing, seats_left) == brute_feasible(
        signatures, bounds, elected, continuing, seats_left
    )
    assert c.doomed(elected, continuing, seats_left) == [
        x
        for x in continuing
        if seats_left > 0
        and not brute_feasible(
            signatures, bounds, [*elected, x], [y for y in continuing if y != x], seats_left - 1
        )
    ]
    assert c.guarded(elected, continuing, seats_left) == [
        x
        for x in continuing
        if not brute_feasible(signatures, bounds, elected, [y for y in continuing if y != x], seats_left)
    ]


# RON elected under woman>=2 for 2 seats (hand-worked). 11 ballots: RON 5 (RON only), "A C" 3,
# B 2, C 1; B and C are women. Droop quota 4: RON is elected at stage 1. The one seat left can no
# longer give two women, so the minimum is lowered by RON's reopened seat: A (a man) is doomed and
# excluded, his papers go to C (1 + 3 = 4), who takes the seat. Before, every candidate was doomed
# and the second seat was left empty. Block: RON 5, C 4 (1 + A's second marks), A 3, B 2: the same.
RON_BALLOTS = [((3,), 5), ((0, 2), 3), ((1,), 2), ((2,), 1)]


@pytest.mark.parametrize("method", ["scottish-stv", "wigm", "ers97", "meek", "block"])
def test_ron_elected_under_a_minimum_leaves_only_its_own_seat_vacant(method):
    from tallyroom.count import Ballots, count

    b = Ballots.from_rankings(["A", "B", "C", "RON"], RON_BALLOTS)
    r = count(
        b, method, seats=2, ron="RON", constraints=["woman>=2"], groups={"B": {"woman"}, "C": {"woman"}}
    )
    assert sorted(r.elected) == ["C", "RON"] and r.seats_reopened == 1
    assert "A" not in r.elected
    (ron_stage,) = [s for s in r.stages if "RON" in s.elected]
    assert "left vacant and nominations reopen" in ron_stage.note
    assert "left vacant" in str(r.to_dict())


def test_ron_lowers_a_minimum_only_when_the_other_seats_cannot_meet_it():
    # woman>=1 for 2 seats, RON wins one: the other seat still gives a woman, so Dan is passed over.
    from tallyroom.count import Ballots, count

    b = Ballots.from_rankings(["Ron", "Dan", "Cat"], [((0,), 5), ((1,), 4), ((2,), 1)])
    for method in ("scottish-stv", "block"):
        r = count(b, method, seats=2, ron="Ron", constraints=["woman>=1"], groups={"Cat": {"woman"}})
        assert sorted(r.elected) == ["Cat", "Ron"]


def test_feasible_with_a_reopened_seat_lowers_each_minimum_by_it():
    rules = Constraints(NAMES, ["woman>=2", "bame>=1", "woman<=2"], GROUPS)
    assert not rules.feasible([], [BEA, DAN], 1)
    assert rules.feasible([], [BEA, DAN], 1, reopened=1)  # Bea: woman 1 (+1 to come), bame 0 (+1)
    assert rules.feasible([ANN, BEA], [DAN], 1, reopened=1)
    # A maximum is not lowered: two women elected break woman<=1 whatever the new election does.
    assert not Constraints(NAMES, ["woman<=1"], GROUPS).feasible([ANN, BEA], [DAN], 1, reopened=1)
