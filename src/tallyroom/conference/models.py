"""A conference: its delegations (CLPs and affiliates), their entitlement and its challenges, the
delegates with their badges and presence, and the in-room polls (each its own election and box)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tallyroom.organisation.models import Affiliate, Unit
from tallyroom.roll.models import Member
from tallyroom.words import read

CLP_COLLEGE, AFFILIATES_COLLEGE = "clp", "affiliates"


class Conference(models.Model):
    """A conference of delegations, with the standing orders that shape its votes."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    held_on = models.DateField()
    rule = models.CharField(max_length=64, default="labour", help_text="entitlement rule (entitlement.toml)")
    counted_as_at = models.DateField(help_text="members are counted as at this date for the entitlement")
    clp_card_votes = models.BooleanField(
        "a CLP's vote is its membership shared among its delegates present", default=False
    )
    proxies_allowed = models.BooleanField("standing orders allow proxies", default=False)
    proxies_per_holder = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["-held_on", "name"]

    def __str__(self):
        return self.name


class Delegation(models.Model):
    """A CLP or an affiliate sending delegates. A CLP's members are counted from the roll; its
    women and young members are declared (the membership list records neither). An affiliate
    declares its affiliated membership, which is its card vote unless the rules set a figure."""

    class Kind(models.TextChoices):
        CLP = "clp", "CLP"
        AFFILIATE = "affiliate", _("Affiliate")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="delegations")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT)
    affiliate = models.ForeignKey(Affiliate, null=True, blank=True, on_delete=models.PROTECT)
    name = models.CharField(max_length=200)
    college = models.CharField(max_length=64)
    declared_members = models.PositiveIntegerField(null=True, blank=True, help_text="affiliated membership")
    card_vote_set = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="a card vote the rules set, in place of the membership"
    )
    delegates_allowed = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="an affiliate's delegates, as the standing orders set"
    )
    women_members = models.PositiveIntegerField(default=0)
    young_members = models.PositiveIntegerField(default=0)
    sole_delegate_last_year_woman = models.BooleanField(null=True, blank=True)
    secretaries = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="delegations")
    # The entitlement as last computed, with its working (entitlement.py: each line a message as
    # tallyroom.words.Words stores it, shown in the reader's language); a challenge upheld
    # replaces the total.
    members_counted = models.PositiveIntegerField(null=True, blank=True)
    entitled = models.PositiveSmallIntegerField(null=True, blank=True)
    women_at_least = models.PositiveSmallIntegerField(default=0)
    young_at_least = models.PositiveSmallIntegerField(default=0)
    working = models.JSONField(default=list, blank=True)
    entitlement_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["conference", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "name"], name="delegation_name_per_conference"),
            models.CheckConstraint(
                condition=models.Q(kind="clp", unit__isnull=False, affiliate__isnull=True)
                | models.Q(kind="affiliate", affiliate__isnull=False, unit__isnull=True),
                name="delegation_clp_unit_or_affiliate",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def card_vote(self) -> int:
        """The delegation's card vote: the figure the rules set, else its membership."""
        if self.card_vote_set is not None:
            return self.card_vote_set
        if self.kind == self.Kind.AFFILIATE:
            return self.declared_members or 0
        return self.members_counted or 0

    @property
    def working_lines(self) -> list[str]:
        """The working in the active language (a line stored as text, before the working was kept
        as messages, as it stands)."""
        return [line if isinstance(line, str) else read(line) for line in self.working]


class EntitlementChallenge(models.Model):
    """A recorded challenge to a delegation's entitlement and its decision."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="challenges")
    grounds = models.TextField()
    claimed = models.PositiveSmallIntegerField(null=True, blank=True, help_text="the entitlement claimed")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    decision = models.TextField(blank=True)
    entitled_before = models.PositiveSmallIntegerField(null=True, blank=True)
    entitled_after = models.PositiveSmallIntegerField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at"]

    def __str__(self):
        return f"challenge to {self.delegation}'s entitlement ({self.state})"


class Delegate(models.Model):
    """A member named to a delegation, or a substitute. ``credential_hash`` is the keyed hash of
    the code on their badge (only the badge holds the code). A substitute takes a seat by
    ``seated_for`` (the delegate they replace, who is then not counted present); a proxy is held
    by ``proxy_holder``, a delegate of the same delegation, where standing orders allow."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="delegates")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="delegate_places")
    woman = models.BooleanField(default=False)
    young = models.BooleanField(default=False)
    substitute = models.BooleanField(default=False)
    seated_for = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="seated_substitute"
    )
    proxy_holder = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="proxies_held"
    )
    credential_hash = models.CharField(max_length=64, blank=True, db_index=True)
    checked_in = models.BooleanField(default=False)

    class Meta:
        ordering = ["delegation", "substitute", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "member"], name="one_place_per_member_per_delegation"
            )
        ]

    def __str__(self):
        return f"{self.member.name} ({'substitute, ' if self.substitute else ''}{self.delegation})"


class Kiosk(models.Model):
    """A voting terminal in the hall. The machine is identified by a token in a cookie, set once
    from a one-time setup address (only the token's keyed hash is kept); a steward unlocks it for
    one delegate at a time (``delegate``), and casting that delegate's ballot locks it again.
    ``unlocks`` counts the unlockings, so a ballot page shown before a new unlocking casts
    nothing."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="kiosks")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    set_up = models.BooleanField(default=False)
    delegate = models.ForeignKey(
        Delegate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="unlocked for"
    )
    unlocks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["conference", "name"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "name"], name="kiosk_name_per_conference")
        ]

    def __str__(self):
        return self.name


class Poll(models.Model):
    """An in-room poll: one contest or motion, held as its own election with its own trustees'
    key (docs/conference.md: why one key per poll). Its roll is the delegates present when the
    chair opens it, each with their share of the card vote; ``line_items`` keeps those raw figures."""

    class Kind(models.TextChoices):
        CONTEST = "contest", _("Contest")
        MOTION = "motion", _("Motion")

    class State(models.TextChoices):
        READY = "ready", _("Ready")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        DECLARED = "declared", _("Declared")

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="polls")
    election = models.OneToOneField("elections.Election", on_delete=models.PROTECT, related_name="poll")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CONTEST)
    college = models.CharField(
        max_length=64, blank=True, help_text="only this college's delegations vote (blank: every delegation)"
    )
    position = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=16, choices=State.choices, default=State.READY)
    line_items = models.JSONField(default=list, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    show_of_hands = models.JSONField(null=True, blank=True, help_text="the chair's count of a show of hands")

    HANDS = ("For", "Against", "Abstain")  # a show of hands' counts, in the order shown

    class Meta:
        ordering = ["conference", "position", "pk"]

    def __str__(self):
        return self.election.name

    @property
    def hands(self) -> list[tuple[str, int]]:
        """The show of hands' counts in ``HANDS`` order (PostgreSQL's JSON keeps no key order)."""
        rank = {name: i for i, name in enumerate(self.HANDS)}
        return sorted((self.show_of_hands or {}).items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))

    @property
    def contest(self):
        return self.election.contests.get()


class PaperStack(models.Model):
    """A poll's paper ballots of one weight and college: the tellers hand each delegate given a
    paper one from the stack of their weight and college, and record no more than that the
    stack's ``issued`` count went up; the papers are numbered within the stack, so a paper names
    its stack, never its delegate. ``returned``: the stack's papers found in the ballot box,
    counted by the tellers before the close."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="stacks")
    number = models.PositiveIntegerField()
    college = models.CharField(max_length=64)
    weight = models.CharField(max_length=64, help_text="the exact weight every paper of the stack carries")
    issued = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["poll", "number"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "number"], name="stack_number_per_poll"),
            models.UniqueConstraint(
                fields=["poll", "college", "weight"], name="one_stack_per_weight_per_poll"
            ),
        ]

    def __str__(self):
        return f"stack {self.number} of {self.poll}"


class Paper(models.Model):
    """A numbered paper of a stack, returned from the ballot box and keyed in by two tellers (a
    third settles a disagreement) before it goes into the box."""

    class State(models.TextChoices):
        KEYED_ONCE = "keyed_once", _("Awaiting a second entry")
        DISPUTED = "disputed", _("Entries disagree")
        IN_BOX = "in_box", _("In the box")

    stack = models.ForeignKey(PaperStack, on_delete=models.CASCADE, related_name="papers")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.KEYED_ONCE)

    class Meta:
        ordering = ["stack", "number"]
        constraints = [models.UniqueConstraint(fields=["stack", "number"], name="paper_number_per_stack")]

    def __str__(self):
        return f"paper {self.number} of {self.stack}"


class PaperEntry(models.Model):
    """One teller's keying of a paper: the names marked, first preference first."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="entries")
    teller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choices = models.JSONField(default=list)
    settles = models.BooleanField(default=False, help_text="a third teller's entry settling a disagreement")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paper", "at"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "teller"], name="one_entry_per_teller_per_paper")
        ]
