"""A piece of long work and how far it has got."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tallyroom.words import Words, read


class Job(models.Model):
    """One run of a kind of work on an election (or one of its contests), or on no election (a
    member import, whose file is a ``JobFile``).

    ``done`` of ``total`` is its progress in the work's own units (codes, steps); ``message`` says
    what it is doing, why it failed, or what it did, in English (as the audit trail records it);
    ``words`` keeps the same message as ``Words`` when the work gave it so, for ``said`` to show in
    the reader's language; ``result`` holds what the work returned (for a count, the stored
    count's id).
    """

    class Kind(models.TextChoices):
        OPEN_VOTING = "open_voting", _("Opening voting")
        ISSUE_CODES = "issue_codes", _("Issuing ballot codes")
        COUNT = "count", _("Counting")
        ANALYSE = "analyse", _("Analysing a result")
        FORECAST = "forecast", _("Forecasting")
        IMPORT_MEMBERS = "import_members", _("Importing members")
        BUILD_ROLL = "build_roll", _("Building a roll")
        REMIND = "remind", _("Sending a reminder")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    ACTIVE = (State.QUEUED, State.RUNNING)

    kind = models.CharField(max_length=20, choices=Kind.choices)
    election = models.ForeignKey(
        "elections.Election", null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    contest = models.ForeignKey(
        "elections.Contest", null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    message = models.TextField(blank=True)
    words = models.JSONField(null=True, blank=True, help_text="the message as Words.stored(), if given so")
    result = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True, help_text="the django_tasks result id")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["election", "state"])]

    def __str__(self):
        what = f"{self.get_kind_display()}: {self.subject}"
        return f"job {self.pk} ({what}, {self.get_state_display().lower()})"

    @property
    def subject(self) -> str:
        """What the job works on: its contest, its election, or a member import's file name."""
        if self.contest_id or self.election_id:
            return str(self.contest or self.election)
        upload = JobFile.objects.filter(job=self).values_list("name", flat=True).first()
        return upload or "members"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE

    @property
    def percent(self) -> int:
        return 100 if self.state == self.State.DONE else (100 * self.done // self.total if self.total else 0)

    @property
    def progress_text(self) -> str:
        """``done of total (percent)``; while the total is not known yet (0), ``done so far``."""
        if not self.total and self.state == self.State.RUNNING:
            return gettext("%(done)s so far") % {"done": f"{self.done:,}"}
        return gettext("%(done)s of %(total)s (%(percent)s%%)") % {
            "done": f"{self.done:,}",
            "total": f"{self.total:,}",
            "percent": self.percent,
        }

    @property
    def said(self) -> str:
        """The message in the active language (a message given as plain text, or kept before
        ``words`` was, as it stands)."""
        return read(self.words) if self.words else self.message

    def say(self, message: Words | str) -> None:
        """Set the message (not saved): ``Words`` kept in ``words`` and written in English in
        ``message``; plain text in ``message`` alone."""
        if isinstance(message, Words):
            self.message, self.words = message.recorded(), message.stored()
        else:
            self.message, self.words = message, None

    def get_absolute_url(self) -> str:
        return reverse("jobs:job", args=[self.pk])

    def outcome_url(self) -> str:
        """Where to go once the job is done: the count's review page, the analysed result, the
        forecast, the election's codes or reminders, the roll, or the election's dashboard."""
        if self.kind == self.Kind.COUNT:
            return reverse("results:review", args=[self.election.slug, self.contest.slug])
        if self.kind == self.Kind.ANALYSE:
            return reverse("results:contest", args=[self.election.slug, self.contest.slug])
        if self.kind == self.Kind.FORECAST:
            return reverse("results:forecast", args=[self.election.slug, self.forecast.pk])
        if self.kind == self.Kind.ISSUE_CODES:
            return reverse("voting:codes", args=[self.election.slug])
        if self.kind == self.Kind.IMPORT_MEMBERS:
            return reverse("roll:index")
        if self.kind == self.Kind.BUILD_ROLL:
            return reverse("roll:contest", args=[self.contest.pk])
        if self.kind == self.Kind.REMIND:
            return reverse("voting:reminders", args=[self.election.slug])
        return reverse("results:election", args=[self.election.slug])


class JobFile(models.Model):
    """A file a job's work reads (a member import's upload), stored once in the database in
    ``JobFileChunk`` rows, so any worker on any machine reads it; deleted when the work is done."""

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="file")
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name} ({self.size:,} bytes) for job {self.job_id}"


class JobFileChunk(models.Model):
    """``seq``-th piece of a ``JobFile`` (every piece but the last ``files.CHUNK`` bytes long)."""

    file = models.ForeignKey(JobFile, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "seq"], name="one_chunk_per_place")]
