"""Counts and published results."""

from django.db import models  # noqa: F401
