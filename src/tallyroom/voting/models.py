"""Ballot codes, voters' marks and secret ballots."""

from django.db import models  # noqa: F401
