"""Members, the per-contest roll, and the decisions that change a frozen roll."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tallyroom.organisation.models import Affiliate, Unit


class Member(models.Model):
    """A membership record as imported."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LAPSED = "lapsed", _("Lapsed")
        SUSPENDED = "suspended", _("Suspended")
        EXPELLED = "expelled", _("Expelled")

    class Category(models.TextChoices):
        MEMBER = "member", _("Member")
        REGISTERED_SUPPORTER = "registered_supporter", _("Registered supporter")
        AFFILIATED_SUPPORTER = "affiliated_supporter", _("Affiliated supporter")

    number = models.CharField(_("membership number"), max_length=32, unique=True)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    address = models.TextField(_("postal address"), blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    affiliate = models.ForeignKey(
        Affiliate, null=True, blank=True, on_delete=models.PROTECT, related_name="supporters"
    )
    joined = models.DateField()
    paid_up_to = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    category = models.CharField(max_length=32, choices=Category.choices, default=Category.MEMBER)
    # The language of the member's ballot-code emails and reminders: a code of settings.LANGUAGES,
    # or blank for the site's default (settings.TALLYROOM_MEMBER_LANGUAGE, else LANGUAGE_CODE).
    language = models.CharField(_("preferred language"), max_length=16, blank=True, default="", db_default="")

    class Meta:
        ordering = ["number"]
        indexes = [
            # turnout's grouped count reads each voter's unit and category from this index alone
            models.Index(fields=["id", "unit", "category"], name="member_unit_category"),
            # who a reminder would reach (an unused code and an email) is counted from indexes alone
            models.Index(fields=["id"], condition=~models.Q(email=""), name="member_with_email"),
        ]

    def __str__(self):
        return f"{self.name} ({self.number})"


class RollEntry(models.Model):
    """One member's standing on one contest's roll: eligible, or excluded with the reason.

    ``weight`` and ``college`` carry to the member's ballot: 1 and blank for one member one vote; a
    delegate's share of a card vote and electoral college otherwise. The weight is exact, as text:
    a whole number, a decimal or a fraction (``1000/3``, a card vote shared among three delegates
    present), so no share is rounded. ``voted_at`` and ``channel`` are the
    member's "has voted" mark in this contest, set by the ballot box as it stores their ballot.
    ``unit`` is the member's unit as the roll was built (kept with the entry, so the roll's counts
    by unit are read from its index alone, and a frozen roll's stay as they froze).
    """

    contest = models.ForeignKey("elections.Contest", on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="roll_entries")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    eligible = models.BooleanField()
    reason = models.CharField(max_length=200, blank=True, help_text=_("why excluded (blank if eligible)"))
    weight = models.CharField(max_length=64, default="1", help_text=_("exact: 1, 2.5 or 1000/3"))
    college = models.CharField(max_length=64, blank=True)
    voted_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(
        max_length=16, blank=True, db_default="", help_text=_("how the ballot came (a ballot box channel)")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contest", "member"], name="one_roll_entry_per_member")
        ]
        # the roll page's counts by standing and by reason are read from this index alone
        indexes = [
            models.Index(fields=["contest", "eligible", "reason"], name="roll_entry_standing"),
            models.Index(fields=["contest", "unit", "eligible"], name="roll_entry_unit"),
        ]

    def __str__(self):
        return f"{self.member} on {self.contest}: {'eligible' if self.eligible else self.reason}"


class RollDecision(models.Model):
    """A recorded change to a frozen roll (an appeal upheld, a correction): who, when, why."""

    class Kind(models.TextChoices):
        APPEAL = "appeal", _("Appeal")
        CORRECTION = "correction", _("Correction")

    entry = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.APPEAL)
    eligible_before = models.BooleanField()
    eligible_after = models.BooleanField()
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at"]

    def __str__(self):
        return f"{self.kind} on {self.entry}: {self.eligible_before} -> {self.eligible_after}"


class ContactChange(models.Model):
    """A change to a member's email or postal address, with the values before and after: from a
    member import (``source`` names the file and line) or, once the member is on a frozen roll,
    only from a recorded contact change by staff (``reason`` says why). A code replaced after
    such a change needs a second staff member's approval (voting.reissues)."""

    class Field(models.TextChoices):
        EMAIL = "email", _("Email")
        ADDRESS = "address", _("postal address")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="contact_changes")
    field = models.CharField(max_length=16, choices=Field.choices)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True, help_text=_("file and line, for an import"))
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        indexes = [models.Index(fields=["member", "changed_at"])]

    def __str__(self):
        return f"{self.member}: {self.field} {self.old!r} -> {self.new!r}"
