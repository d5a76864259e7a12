"""Electoral colleges: each college scaled exactly to its share, counted by every method, against
counts worked by hand; card-vote weights; the scale; errors; properties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tallyroom.count import Ballots, CollegeError, count, method_names, parse_share, rule_set
from tallyroom.count.colleges import MIN_WEIGHT, combine

HALF = Fraction(1, 2)
FIFTY_FIFTY = {"CLP": HALF, "Affiliates": HALF}


def fptp_conference() -> Ballots:
    """100 CLP delegates (weight 1): 70 Ann, 30 Bob. Three affiliate delegates with card votes:
    400 Ann, 350 and 250 Bob."""
    return Ballots.from_college_rankings(
        ["Ann", "Bob"],
        [((0,), 1, "CLP")] * 70
        + [((1,), 1, "CLP")] * 30
        + [((0,), 400, "Affiliates"), ((1,), 350, "Affiliates"), ((1,), 250, "Affiliates")],
    )


def test_fifty_fifty_changes_the_fptp_winner():
    """Worked by hand. Raw totals: Ann 70 + 400 = 470, Bob 30 + 600 = 630: Bob wins.

    By colleges, 50/50: Ann 0.5 x 70/100 + 0.5 x 400/1000 = 0.55, Bob 0.45: Ann wins.
    Scale: CLP rows 70 and 30 (gcd 10) weigh 1/200 a vote each, so the least whole scale is 20
    (70/200 x 20 = 7); affiliates' rows 400 and 600 (gcd 200) weigh 1/2000: 20 x 200/2000 = 2,
    whole. The lightest row, CLP Bob, counts 30 x 20/200 = 3: times 10**6 to reach a million.
    L = 2 x 10**7: CLP factor 10**5 a delegate, affiliates 10**4 a card vote.
    Ann 7,000,000 + 4,000,000 = 11,000,000; Bob 3,000,000 + 6,000,000 = 9,000,000."""
    ballots = fptp_conference()
    raw = Ballots.from_rankings(ballots.candidates, list(ballots))
    assert count(raw, "plurality").elected == ["Bob"]
    r = count(ballots, "plurality", college_shares=FIFTY_FIFTY)
    assert r.elected == ["Ann"]
    assert r.valid_poll == 20_000_000
    assert r.stages[0].totals == {"Ann": 11_000_000, "Bob": 9_000_000}
    clp, aff = r.colleges
    assert (clp.name, clp.share, clp.valid_poll, clp.factor) == ("CLP", HALF, 100, 100_000)
    assert (aff.name, aff.valid_poll, aff.factor, aff.votes) == (
        "Affiliates",
        1000,
        10_000,
        {"Ann": 400, "Bob": 600},
    )
    assert r.to_dict()["colleges"][0] == {
        "college": "CLP",
        "share": "0.5",
        "valid_poll": "100",
        "empty": "0",
        "factor": "100000",
        "votes": {"Ann": "70", "Bob": "30"},
        "counted": {"Ann": "7000000", "Bob": "3000000"},
    }


@pytest.mark.parametrize("method", method_names())
def test_every_method_counts_the_combination(method):
    """One seat, each ballot ranking one candidate: every method elects Ann with the combined
    first preferences of the hand count above (shown at each method's precision)."""
    r = count(fptp_conference(), method, 1, college_shares=FIFTY_FIFTY)
    assert r.elected == ["Ann"]
    assert r.stages[0].totals == {"Ann": 11_000_000, "Bob": 9_000_000}
    assert r.valid_poll == 20_000_000
    assert "colleges" in r.to_dict()


def stv_conference() -> Ballots:
    """CLP (4 delegates, weight 1): Ann>Bob twice, Cat>Ann, Dan>Cat. Affiliates (card votes):
    two Unite delegates Ann>Cat at 300 each, GMB Bob at 200, Unison Dan>Bob at 200."""
    return Ballots.from_college_rankings(
        ["Ann", "Bob", "Cat", "Dan"],
        [
            ((0, 1), 1, "CLP"),
            ((0, 1), 1, "CLP"),
            ((2, 0), 1, "CLP"),
            ((3, 2), 1, "CLP"),
            ((0, 2), 300, "Affiliates"),
            ((0, 2), 300, "Affiliates"),
            ((1,), 200, "Affiliates"),
            ((3, 1), 200, "Affiliates"),
        ],
    )


def test_two_seat_scottish_stv_by_colleges_equals_the_hand_worked_sheet():
    """Worked by hand, 50/50, two seats, Scottish STV.

    Scale: CLP rows 2, 1, 1 at 1/8 a vote: 8; affiliates' rows 600, 200, 200 (gcd 200) at 1/2000:
    10; lcm 40, lightest row 200 x 40/2000 = 4, times 10**6: L = 40,000,000. A CLP delegate
    counts 5,000,000, a card vote 20,000.

    Stage 1: Ann 10,000,000 + 12,000,000 = 22,000,000; Bob 4,000,000; Cat 5,000,000; Dan
    5,000,000 + 4,000,000 = 9,000,000. Quota floor(40,000,000 / 3) + 1 = 13,333,334: Ann elected.
    Stage 2: Ann's surplus 8,666,666 at 8,666,666 / 22,000,000 = 0.3939393..., truncated 0.39393:
    Bob + 10,000,000 x 0.39393 = 3,939,300 (7,939,300), Cat + 12,000,000 x 0.39393 = 4,727,160
    (9,727,160); loss 8,666,666 - 8,666,460 = 206.
    Stage 3: Bob excluded (lowest): his 4,000,000 and 3,939,300 have no next preference:
    non-transferable 7,939,300.
    Stage 4: Dan excluded: 5,000,000 to Cat (14,727,160), 4,000,000 non-transferable (Bob is out):
    11,939,300; Cat elected.
    """
    r = count(stv_conference(), "scottish-stv", 2, college_shares=FIFTY_FIFTY)
    sheet = [
        ({"Ann": 22_000_000, "Bob": 4_000_000, "Cat": 5_000_000, "Dan": 9_000_000}, 0, 0),
        ({"Ann": 13_333_334, "Bob": 7_939_300, "Cat": 9_727_160, "Dan": 9_000_000}, 0, 206),
        ({"Ann": 13_333_334, "Bob": 0, "Cat": 9_727_160, "Dan": 9_000_000}, 7_939_300, 206),
        ({"Ann": 13_333_334, "Bob": 0, "Cat": 14_727_160, "Dan": 0}, 11_939_300, 206),
    ]
    assert r.quota == 13_333_334
    assert [(s.totals, s.non_transferable, s.loss) for s in r.stages] == sheet
    assert [(s.action, s.subject) for s in r.stages] == [
        ("first", []),
        ("surplus", ["Ann"]),
        ("exclusion", ["Bob"]),
        ("exclusion", ["Dan"]),
    ]
    assert r.stages[1].transfer_value == Fraction(39393, 100000)
    assert r.elected == ["Ann", "Cat"]
    clp, aff = r.colleges
    assert clp.votes == {"Ann": 2, "Bob": 0, "Cat": 1, "Dan": 1} and clp.factor == 5_000_000
    assert aff.votes == {"Ann": 600, "Bob": 200, "Cat": 0, "Dan": 200} and aff.factor == 20_000


def test_weighted_stv_with_card_votes_of_a_third_equals_the_hand_worked_sheet():
    """No colleges: card votes shared among the delegates present. CLP X (1,000 members, three
    delegates present) casts A>B, A>C and B>A at 1000/3 each; CLP Y (600, two present) C>D and
    D>C at 300; CLP Z (250, one present) B>C at 250. Two seats, Scottish STV, worked by hand:

    Valid poll 1,850; quota floor(1850/3) + 1 = 617. Stage 1: A 2000/3 = 666.66666, B 1000/3 +
    250 = 583.33333, C 300, D 300: A elected. Stage 2: A's surplus 2000/3 - 617 = 149/3 moves at
    (149/3) / (2000/3) = 0.07450 exactly: B and C each + 1000/3 x 0.0745 = 149/6; B 3649/6 =
    608.16666, C 1949/6 = 324.83333, no loss. Stage 3: D excluded, 300 to C: 3749/6 = 624.83333,
    elected."""
    third = Fraction(1000, 3)
    ballots = Ballots.from_rankings(
        ["A", "B", "C", "D"],
        [((0, 1), third), ((0, 2), third), ((1, 0), third), ((2, 3), 300), ((3, 2), 300), ((1, 2), 250)],
    )
    r = count(ballots, "scottish-stv", 2)
    assert r.valid_poll == 1850 and r.quota == 617
    assert [s.totals for s in r.stages] == [
        {"A": Fraction(2000, 3), "B": Fraction(1750, 3), "C": 300, "D": 300},
        {"A": 617, "B": Fraction(3649, 6), "C": Fraction(1949, 6), "D": 300},
        {"A": 617, "B": Fraction(3649, 6), "C": Fraction(3749, 6), "D": 0},
    ]
    assert [s.loss for s in r.stages] == [0, 0, 0]
    assert r.stages[1].transfer_value == Fraction(745, 10000)
    assert r.elected == ["A", "C"]
    assert r.to_dict()["stages"][1]["totals"]["B"] == "608.16666"


def test_colleges_already_in_proportion_count_as_cast():
    """Two colleges of three delegates each, 50/50: the scale only multiplies every weight alike,
    so the count is the plain count times 10**6 (the lightest row, 1 at scale 6, made a million)."""
    rows = [
        ((0, 1), 1, "A"),
        ((1,), 1, "A"),
        ((0,), 1, "A"),
        ((0,), 1, "B"),
        ((1, 0), 1, "B"),
        ((2,), 1, "B"),
    ]
    names = ["X", "Y", "Z"]
    shares = {"A": HALF, "B": HALF}
    combined = count(Ballots.from_college_rankings(names, rows), "irv", college_shares=shares)
    plain = count(Ballots.from_rankings(names, [(r, w) for r, w, _ in rows]), "irv")
    assert plain.elected == combined.elected == ["X"] and len(plain.stages) == 2
    assert combined.valid_poll == plain.valid_poll * 10**6
    assert [s.totals for s in combined.stages] == [
        {n: v * 10**6 for n, v in s.totals.items()} for s in plain.stages
    ]


def test_shares_of_one_would_let_ers97_round_a_first_preference_but_the_scale_does_not():
    """Scaled to a total of 1, a CLP of 20 delegates with 17 for Ann would give her
    0.5 x 17/20 = 0.425, which ERS97's two places read as 0.42. The scale makes every weight
    whole, so ERS97's first preferences are the exact shares: 0.425 of the whole."""
    rows = [((0,), 1, "CLP")] * 17 + [((1,), 1, "CLP")] * 3 + [((1,), 7, "Aff"), ((0,), 3, "Aff")]
    r = count(
        Ballots.from_college_rankings(["Ann", "Bob"], rows),
        "ers97",
        1,
        college_shares={"CLP": HALF, "Aff": HALF},
    )
    clp = r.colleges[0]
    assert clp.votes["Ann"] * clp.factor == Fraction(425, 1000) * r.valid_poll
    assert r.stages[0].totals["Ann"] == Fraction(425 + 150, 1000) * r.valid_poll


def test_the_scale_is_whole_and_the_lightest_row_counts_a_million():
    ballots = Ballots.from_college_rankings(
        ["A", "B"], [((0,), Fraction(1000, 3), "U"), ((1,), 7, "C"), ((0, 1), Fraction(1, 2), "C")]
    )
    combination = combine(ballots, {"U": Fraction(1, 3), "C": Fraction(2, 3)})
    counted = combination.ballots
    assert counted.denominator == 1 and not counted.colleges
    assert int(counted.weights.min()) >= MIN_WEIGHT
    assert int(counted.weights.min()) < 10 * MIN_WEIGHT  # the least power of ten that does it
    for college in combination.colleges:
        assert college.valid_poll * college.factor == college.share * counted.valid_poll


def test_shares_count_after_withdrawals():
    """A withdrawn candidate's ballots are empty: the college's share goes to its other votes."""
    rows = [((0,), 3, "A"), ((1,), 1, "A"), ((2,), 1, "B")]
    r = count(
        Ballots.from_college_rankings(["X", "Y", "Z"], rows),
        "plurality",
        withdrawn=["X"],
        tie_seed="s",
        college_shares={"A": HALF, "B": HALF},
    )
    assert r.stages[0].totals["Y"] == r.stages[0].totals["Z"] == r.valid_poll / 2
    assert r.colleges[0].valid_poll == 1 and r.colleges[0].empty == 3


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ({"CLP": HALF}, "college 'Affiliates' has no share"),
        ({"CLP": HALF, "Affiliates": Fraction(1, 3)}, r"add up to 5/6, not 1"),
        ({**FIFTY_FIFTY, "GMB": 0}, "college 'GMB' has share 0: a share must be above 0"),
        ({"CLP": 1, "Affiliates": 0}, "a share must be above 0"),
    ],
)
def test_shares_that_do_not_fit_are_refused(shares, message):
    with pytest.raises(CollegeError, match=message):
        count(fptp_conference(), "plurality", college_shares=shares)


@pytest.mark.parametrize("method", ["plurality", "irv", "scottish-stv", "ers97", "meek"])
def test_a_college_without_valid_votes_gives_its_share_to_the_others_in_proportion(method):
    """CLP 1/2, Unite 1/4, GMB 1/8, Unison 1/8; GMB casts only empty ballots and Unison none:
    CLP's and Unite's votes count 2/3 and 1/3 of the whole."""
    rows = [((0,), 1, "CLP"), ((1,), 2, "CLP"), ((1,), 5, "Unite"), ((), 7, "GMB")]
    ballots = Ballots.from_college_rankings(["A", "B"], rows)
    shares = {"CLP": HALF, "Unite": Fraction(1, 4), "GMB": Fraction(1, 8), "Unison": Fraction(1, 8)}
    r = count(ballots, method, 1, college_shares=shares, tie_seed="s")
    first = r.stages[0].totals
    # by hand: CLP's 3 votes count 2/3 (A 1/3 of it, B 2/3), Unite's 5 count 1/3 (all B)
    assert Fraction(first["A"]) / r.valid_poll == Fraction(2, 9)
    assert Fraction(first["B"]) / r.valid_poll == Fraction(7, 9)
    assert r.elected == ["B"]
    by_name = {c.name: c for c in r.colleges}
    assert {n: c.counted_share for n, c in by_name.items()} == {
        "CLP": Fraction(2, 3),
        "Unite": Fraction(1, 3),
        "GMB": 0,
        "Unison": 0,
    }
    assert by_name["GMB"].empty == 7 and by_name["GMB"].valid_poll == 0 and by_name["Unison"].empty == 0
    for c in r.colleges:
        assert c.valid_poll * c.factor == c.counted_share * r.valid_poll
    published = {c["college"]: c for c in r.to_dict()["colleges"]}
    assert published["CLP"]["share"] == "0.5" and published["CLP"]["counted_share"] == "2/3"
    assert published["GMB"]["counted_share"] == "0"


def test_shares_as_given_when_every_college_has_valid_votes():
    r = count(fptp_conference(), "plurality", college_shares=FIFTY_FIFTY)
    assert all(c.counted_share == c.share for c in r.colleges)
    assert all("counted_share" not in c for c in r.to_dict()["colleges"])


def test_no_college_with_a_valid_vote_and_missing_shares_are_refused():
    empty = Ballots.from_college_rankings(["A"], [((), 1, "X"), ((), 2, "Y")])
    with pytest.raises(CollegeError, match="no college has a valid vote"):
        count(empty, "plurality", college_shares={"X": HALF, "Y": HALF})
    with pytest.raises(CollegeError, match="give each its share"):
        count(fptp_conference(), "plurality")
    with pytest.raises(CollegeError, match="carry no colleges"):
        count(Ballots.from_rankings(["A"], [((0,), 1)]), "plurality", college_shares={"X": 1})


@pytest.mark.parametrize(
    ("text", "share"),
    [("1/2", HALF), ("0.5", HALF), ("50%", HALF), ("33.5%", Fraction(67, 200)), ("1/3", Fraction(1, 3))],
)
def test_shares_are_read_exactly(text, share):
    assert parse_share(text) == share


@pytest.mark.parametrize("text", ["half", "-1/2", "1/0", "", "1e3"])
def test_a_share_that_is_not_a_number_is_refused(text):
    with pytest.raises(ValueError):
        parse_share(text)


# --- properties ---------------------------------------------------------------------------

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SHARES = [(HALF, HALF), (Fraction(1, 3), Fraction(2, 3)), (Fraction(7, 10), Fraction(3, 10))]
WEIGHTS = [1, 2, 5, Fraction(1, 3), Fraction(1000, 3), 250]


@st.composite
def conferences(draw, method):
    """Two colleges with at least one marked ballot each, their shares, and the seats."""
    m = draw(st.integers(1, 5))
    ranking = st.permutations(range(m)).flatmap(lambda p: st.integers(1, m).map(lambda k: tuple(p[:k])))
    rows = []
    for college in ("A", "B"):
        marked = draw(st.lists(st.tuples(ranking, st.sampled_from(WEIGHTS)), min_size=1, max_size=8))
        rows += [(r, w, college) for r, w in marked]
    rows += [((), 1, draw(st.sampled_from("AB")))] * draw(st.integers(0, 1))
    shares = dict(zip("AB", draw(st.sampled_from(SHARES)), strict=True))
    seats = draw(st.integers(1, 1 if rule_set(method).algorithm == "irv" else min(3, m)))
    return [f"C{i}" for i in range(m)], rows, shares, seats


def run(method, names, rows, shares, seats):
    return count(
        Ballots.from_college_rankings(names, rows, colleges=("A", "B")),
        method,
        seats,
        options={"ties": ("order",)},
        tie_order=names,
        college_shares=shares,
    )


def decided(result):
    return (
        result.elected,
        result.valid_poll,
        result.quota,
        [(s.totals, s.non_transferable, s.loss) for s in result.stages],
    )


@pytest.mark.parametrize("method", method_names())
@SETTINGS
@given(data=st.data())
def test_scaling_one_college_changes_nothing(method, data):
    names, rows, shares, seats = data.draw(conferences(method))
    c = data.draw(st.sampled_from([2, 3, Fraction(1, 7), 1000]))
    college = data.draw(st.sampled_from("AB"))
    scaled = [(r, w * c if k == college else w, k) for r, w, k in rows]
    before, after = run(method, names, rows, shares, seats), run(method, names, scaled, shares, seats)
    assert decided(before) == decided(after)
    for b, a in zip(before.colleges, after.colleges, strict=True):
        factor = c if b.name == college else 1
        assert a.valid_poll == b.valid_poll * factor and a.factor * factor == b.factor


@pytest.mark.parametrize("method", method_names())
@SETTINGS
@given(data=st.data())
def test_shares_are_respected_exactly(method, data):
    names, rows, shares, seats = data.draw(conferences(method))
    r = run(method, names, rows, shares, seats)
    first = r.stages[0].totals
    for college in r.colleges:
        assert college.valid_poll * college.factor == shares[college.name] * r.valid_poll
        assert college.valid_poll == sum(Fraction(w) for k, w, c in rows if c == college.name and k)
    assert {n: sum(c.votes[n] * c.factor for c in r.colleges) for n in names} == first
    if getattr(rule_set(method).options, "marks", "first") == "first":
        for college in r.colleges:  # first preferences: the college's votes are its valid poll
            assert sum(college.votes.values()) == college.valid_poll


def test_meek_counts_a_combination_beyond_64_bit_fixed_point():
    """A realistic card vote (1,843,217 affiliate votes against 384,761 CLP votes) needs a scale
    whose total times Meek's 10**9 passes 2**63: Meek counts it in Python ints, exactly."""
    rows = [((0, 1), 384_761 - 150_000, "CLP"), ((1, 2), 150_000, "CLP")]
    rows += [((1, 0), 1_843_217 - 900_001, "Affiliates"), ((2, 0), 900_001, "Affiliates")]
    r = count(Ballots.from_college_rankings(["A", "B", "C"], rows), "meek", 2, college_shares=FIFTY_FIFTY)
    assert r.valid_poll * 10**9 >= 2**63
    for s in r.stages:
        assert sum(s.totals.values()) + s.non_transferable == r.valid_poll
    clp, aff = r.colleges
    assert r.stages[0].totals["B"] == clp.votes["B"] * clp.factor + aff.votes["B"] * aff.factor
    assert len(r.elected) == 2


def test_shares_may_be_text_but_not_floats():
    r = count(fptp_conference(), "plurality", college_shares={"CLP": "50%", "Affiliates": "1/2"})
    assert r.colleges[0].share == HALF
    with pytest.raises(CollegeError, match="give its share as a fraction or text, not 0.5"):
        count(fptp_conference(), "plurality", college_shares={"CLP": 0.5, "Affiliates": HALF})
