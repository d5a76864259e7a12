"""The stored ballots of a contest as the counting engine's ``Ballots``."""

from __future__ import annotations

from fractions import Fraction

from tallyroom.count import Ballots
from tallyroom.elections.ballot import ballot_candidates
from tallyroom.elections.models import Contest

from .models import Ballot


def contest_ballots(contest: Contest) -> Ballots:
    """Every ballot stored for ``contest``, compressed, weights exact (from the ballots' ``weight``).

    Candidates are in ballot order; a name found on stored ballots but no longer on the ballot (a
    candidate withdrawn after voting began) follows, in name order, for the count to pass as
    withdrawn. Abstentions are kept as empty rankings.
    """
    rows = list(Ballot.objects.filter(contest=contest).values_list("preferences", "weight").iterator(2000))
    names = [c.name for c in ballot_candidates(contest)]
    on_ballot = set(names)
    names += sorted({n for prefs, _ in rows for n in prefs} - on_ballot)
    index = {name: i for i, name in enumerate(names)}
    return Ballots.from_rankings(
        names, (([index[n] for n in prefs], Fraction(weight)) for prefs, weight in rows), title=contest.name
    )
