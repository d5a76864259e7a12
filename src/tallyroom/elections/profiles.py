"""What voters and readers of results see of each candidate besides the name: the statement and
the photo, fetched for a whole contest in two queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from .models import Candidate, CandidatePhoto


@dataclass(frozen=True)
class Profile:
    name: str
    statement: str
    photo_url: str  # "" when there is no photo

    @property
    def shown(self) -> bool:
        return bool(self.statement or self.photo_url)


def photo_url(candidate_id: int, digest: str) -> str:
    return reverse("elections:photo", args=[candidate_id, digest])


def profiles(contest) -> dict[str, Profile]:
    """Each candidate of ``contest`` by name."""
    digests = dict(
        CandidatePhoto.objects.filter(candidate__contest=contest).values_list("candidate_id", "digest")
    )
    rows = Candidate.objects.filter(contest=contest).values_list("pk", "name", "statement")
    return {
        name: Profile(name, statement, photo_url(pk, digests[pk]) if pk in digests else "")
        for pk, name, statement in rows
    }
