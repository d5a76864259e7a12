"""Counts whose results carry notes and ties, for the tests of how they are shown (count/notes.py)."""

from tallyroom.count import Ballots, count


def ballots(names: str, rows) -> Ballots:
    return Ballots.from_rankings(list(names), rows)


def noted_results():
    """Counts whose stages carry notes or ties: an ERS97 quota reduction, an ERS97 election by the
    active vote, a Meek surplus, RON elected, a tie settled by lot, IRV's doomed exclusion."""
    return [
        count(ballots("ABC", [((0,), 4), ((1,), 3), ((2,), 2)]), "ers97", seats=1),
        count(
            ballots("ABCD", [((0, 1), 6), ((0, 2), 4), ((1,), 5), ((2,), 4), ((3, 2), 1)]), "ers97", seats=2
        ),
        count(ballots("ABC", [((0, 1), 60), ((1,), 20), ((2,), 30)]), "meek", seats=2),
        count(ballots(["Ann", "Bob", "RON"], [((2,), 3), ((0,), 1), ((1,), 1)]), "plurality", 1, ron="RON"),
        count(
            ballots(["Ann", "Bob", "Cat"], [((0,), 2), ((1,), 2), ((2,), 1)]), "plurality", 1, tie_seed="s"
        ),
        count(
            ballots(["Ann", "Bob", "Cat", "Dan", "Eve"], [((0,), 3), ((1, 2), 6), ((2,), 2), ((3, 4), 5)]),
            "irv",
            constraints=["woman>=1"],
            groups={"Ann": ["woman"], "Cat": ["woman"], "Eve": ["woman"]},
        ),
    ]
