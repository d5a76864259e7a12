"""Regions, units and affiliates."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A region, e.g. London."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """A local unit members belong to: a constituency party (CLP) or a branch."""

    class Kind(models.TextChoices):
        CLP = "clp", _("Constituency Labour Party")
        BRANCH = "branch", _("Branch")

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CLP)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="units")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Affiliate(models.Model):
    """An affiliated organisation (a trade union or socialist society) and its affiliated membership,
    which weighs its delegates' card votes."""

    class Kind(models.TextChoices):
        UNION = "union", _("Trade union")
        SOCIETY = "society", _("Socialist society")

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.UNION)
    affiliated_members = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
