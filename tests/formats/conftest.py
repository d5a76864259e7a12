"""The real Scottish ballots, tests/data/scotland (its README gives provenance and licences)."""

from pathlib import Path

SCOTLAND = Path(__file__).resolve().parents[1] / "data" / "scotland"
