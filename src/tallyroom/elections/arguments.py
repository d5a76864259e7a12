"""Elections named on a command line."""

import argparse

from .models import Election


def election_argument(slug: str) -> Election:
    """The election with this slug, as an argparse ``type=`` (management commands take elections so)."""
    election = Election.objects.filter(slug=slug).first()
    if election is None:
        raise argparse.ArgumentTypeError(f"no election with the slug {slug!r}")
    return election
