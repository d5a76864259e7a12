"""An election, its contests (sections), candidates, nominations and slates."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tallyroom.analysis.regions import MINIMUM
from tallyroom.organisation.models import Affiliate, Region, Unit
from tallyroom.roll.models import Member

from .method_options import short_name


class Election(models.Model):
    """An election with its timetable. Its contests are counted and published one by one."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        NOMINATIONS = "nominations", _("Nominations")
        VOTING = "voting", _("Voting open")
        CLOSED = "closed", _("Voting closed")

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    nominations_open = models.DateTimeField(null=True, blank=True)
    nominations_close = models.DateTimeField(null=True, blank=True)
    freeze_date = models.DateField(help_text=_("members must have joined by this date"))
    voting_opens = models.DateTimeField()
    voting_closes = models.DateTimeField()

    class Meta:
        ordering = ["-voting_opens"]

    def __str__(self):
        return self.name

    @property
    def accepts_changes(self) -> bool:
        """Contests, candidates, nominations and slates change only before voting opens."""
        return self.state in (self.State.DRAFT, self.State.NOMINATIONS)


class Contest(models.Model):
    """One section of an election: its seats, counting method and rules, and who may vote."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="contests")
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0, help_text=_("order on the ballot paper"))
    seats = models.PositiveIntegerField(default=1)
    method = models.CharField(
        max_length=32, help_text=_("a rule set of the counting engine, e.g. scottish-stv")
    )
    options = models.JSONField(default=dict, blank=True, help_text=_("overrides of the rule set's options"))
    constraints = models.TextField(
        blank=True, help_text=_("one per line, e.g. 'woman>=1'; groups come from candidates' groups")
    )
    ron = models.BooleanField(_("offer RON (re-open nominations)"), default=False)
    tie_seed = models.CharField(max_length=200, blank=True, help_text=_("published before the count"))
    nomination_threshold = models.PositiveIntegerField(
        default=0, help_text=_("nominations (by units or affiliates) a candidate needs to stand")
    )
    # Who may vote: blank means no restriction on that point.
    regions = models.ManyToManyField(Region, blank=True)
    units = models.ManyToManyField(Unit, blank=True)
    categories = models.JSONField(default=list, blank=True, help_text=_("voter categories allowed"))
    paid_up_on = models.DateField(null=True, blank=True, help_text=_("must be paid up to at least this date"))
    roll_frozen_at = models.DateTimeField(null=True, blank=True)
    college_shares = models.JSONField(
        default=dict,
        blank=True,
        help_text=_('decided by electoral colleges: {"clp": "1/2", "affiliates": "1/2"}'),
    )
    ballots_public = models.BooleanField(
        _("publish the ballots with their weights"),
        default=True,
        help_text=_("off: the weighted ballots go to scrutineers only, the totals stay public"),
    )
    results_by_region = models.BooleanField(
        _("show first preferences and the result by region"),
        default=False,
        help_text=_(
            "each ballot carries its voter's region through the box; regions with fewer "
            "ballots than the minimum are merged when the box is opened (docs/analysis.md)"
        ),
    )
    region_minimum = models.PositiveIntegerField(
        _("smallest region shown (ballots)"),
        default=MINIMUM,
        validators=[
            MinValueValidator(
                MINIMUM,
                _(
                    "at least %(limit_value)s ballots: in a smaller region a few voters' ballots "
                    "could be read off its figures"
                ),
            )
        ],
        help_text=_("regions with fewer ballots are merged with the next smallest"),
    )

    class BallotOrder(models.TextChoices):
        FIXED = "fixed", _("Fixed: by the candidates' positions")
        ALPHABETICAL = "alphabetical", _("Alphabetical by name")
        RANDOM = "random", _("Random: one order for every voter, drawn from the seed")
        ROTATED = "rotated", _("Rotated: each voter's ballot starts at a different candidate")

    ballot_order = models.CharField(
        max_length=16,
        choices=BallotOrder.choices,
        default=BallotOrder.FIXED,
        help_text=_("the order of candidates on the ballot page only; results and counts keep their own"),
    )
    ballot_seed = models.CharField(
        max_length=64, blank=True, help_text=_("draws the random order; blank: chosen at random when saved")
    )

    class Meta:
        ordering = ["election", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["election", "slug"], name="contest_slug_per_election")]

    def __str__(self):
        return f"{self.election}: {self.name}"

    @property
    def roll_is_frozen(self) -> bool:
        return self.roll_frozen_at is not None

    def freeze_roll(self):
        self.roll_frozen_at = timezone.now()
        self.save(update_fields=["roll_frozen_at"])

    @property
    def method_name(self) -> str:
        return short_name(self.method)

    def constraint_lines(self) -> list[str]:
        return [line.strip() for line in self.constraints.splitlines() if line.strip()]

    def candidate_groups(self) -> dict[str, list[str]]:
        """Candidate name -> the groups the constraints may name (candidates in some group)."""
        return {c.name: c.group_list() for c in self.candidates.all() if c.group_list()}


STATEMENT_LIMIT = 2000


class Candidate(models.Model):
    """A candidate in one contest. ``groups`` (comma-separated, e.g. 'woman, bame') are what
    the contest's constraints count."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=200)
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL)
    groups = models.CharField(max_length=200, blank=True)
    statement = models.TextField(blank=True, help_text=f"at most {STATEMENT_LIMIT:,} characters")
    position = models.PositiveIntegerField(default=0, help_text=_("order on the ballot paper"))
    withdrawn = models.BooleanField(default=False)

    class Meta:
        ordering = ["contest", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["contest", "name"], name="candidate_name_per_contest")]

    def __str__(self):
        return self.name

    def group_list(self) -> list[str]:
        return [g.strip() for g in self.groups.split(",") if g.strip()]


class CandidatePhoto(models.Model):
    """A candidate's photo as served: checked and re-encoded on upload (see ``photos.py``), kept in
    the database so every web process serves it. ``digest`` names the version in its URL."""

    candidate = models.OneToOneField(
        Candidate, on_delete=models.CASCADE, primary_key=True, related_name="photo"
    )
    image = models.BinaryField()
    content_type = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)

    def __str__(self):
        return f"photo of {self.candidate}"


class Nomination(models.Model):
    """A nomination of a candidate by a unit or an affiliate."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="nominations")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("nominating unit")
    )
    affiliate = models.ForeignKey(
        Affiliate, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("or nominating affiliate")
    )
    received = models.DateTimeField(_("received on"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["candidate", "unit"], name="one_nomination_per_unit"),
            models.UniqueConstraint(fields=["candidate", "affiliate"], name="one_nomination_per_affiliate"),
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) ^ models.Q(affiliate__isnull=False),
                name="nominated_by_unit_or_affiliate",
                violation_error_message=(
                    "Choose the nominating unit or the nominating affiliate (one, not both)."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.candidate} by {self.unit or self.affiliate}"


class Slate(models.Model):
    """An organised slate: a name and the candidates it endorses across an election's contests."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="slates")
    name = models.CharField(max_length=200)
    colour = models.CharField(max_length=7, default="#555555", help_text=_("for charts, e.g. #c00000"))
    show_on_ballot = models.BooleanField(default=False)
    candidates = models.ManyToManyField(Candidate, blank=True, related_name="slates")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["election", "name"], name="slate_name_per_election")]

    def __str__(self):
        return self.name
