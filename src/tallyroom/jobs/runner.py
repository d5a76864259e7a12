"""Start, run and retry jobs. A job is started in the transaction that records the decision to do
the work (its row and the task that runs it are written together, so a worker never sees one
without the other); a worker of the tasks API then calls ``run``. ``run_inline`` runs a job in
the caller's process instead, by the same ``run`` (the demo's load, tests).

Each kind's work is a function ``work(job, progress, **memory) -> dict`` named in ``WORK``:
``progress(done, total, message)`` reports how far it has got (``message``, if given, ``Words`` or
plain text), ``memory`` is what an inline caller hands it that never goes through the queue (e.g.
where to put the codes the demo votes with), and the dict returned is kept as the job's ``result``
(its ``message`` as the job's message). Work that cannot go on raises; the job then fails with
the exception's message (kept as ``Words`` if it was raised with them, so it is shown in the
reader's language), and ``retry`` queues it again (work is written to continue where it stopped).
"""

from __future__ import annotations

import logging
import time

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.utils import load_backend
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_noop

from tallyroom.audit.events import record
from tallyroom.words import Words

from .models import Job

log = logging.getLogger(__name__)

WORK = {
    Job.Kind.OPEN_VOTING: "tallyroom.lifecycle.opening_work",
    Job.Kind.ISSUE_CODES: "tallyroom.lifecycle.issuing_work",
    Job.Kind.COUNT: "tallyroom.lifecycle.counting_work",
    Job.Kind.ANALYSE: "tallyroom.results.analyses.analysing_work",
    Job.Kind.FORECAST: "tallyroom.results.forecasts.forecasting_work",
    Job.Kind.IMPORT_MEMBERS: "tallyroom.roll.importer.importing_work",
    Job.Kind.BUILD_ROLL: "tallyroom.roll.eligibility.building_work",
    Job.Kind.REMIND: "tallyroom.voting.reminders.reminding_work",
}
PROGRESS_EVERY = 0.5  # seconds between progress writes


def active(election, *kinds: str, contest=None) -> Job | None:
    """The election's (or ``contest``'s) queued or running job of one of ``kinds`` (any kind if
    none given)."""
    jobs = Job.objects.filter(election=election, state__in=Job.ACTIVE)
    if contest is not None:
        jobs = jobs.filter(contest=contest)
    return (jobs.filter(kind__in=kinds) if kinds else jobs).first()


def _subject(job: Job) -> str:
    return f"job:{job.pk}"


def enqueue(job: Job) -> None:
    """Queue the task of ``job``, started with ``queue=False`` once what its work reads is stored
    (call inside that transaction)."""
    from .tasks import run_job

    job.task_id = str(run_job.enqueue(job.pk).id)
    Job.objects.filter(pk=job.pk).update(task_id=job.task_id)


def start(kind: str, election, user, *, contest=None, queue: bool = True) -> Job:
    """Create a queued job and (``queue``) queue its task; without ``queue`` the caller runs it
    with ``run_inline`` once its transaction has committed, or queues it with ``enqueue`` once
    what its work reads is stored. ``election`` is None for work on no election (a member
    import). Call inside the transaction that checks the work may start."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, election=election, contest=contest, started_by=user)
        slug = election.slug if election is not None else None
        record(user, "job.start", _subject(job), kind=kind, election=slug, queued=queue)
        if queue:
            enqueue(job)
    return job


def run_inline(job: Job, **memory) -> Job:
    """Run ``job`` here and now, by the worker's own ``run``, handing it ``memory``; the job as it
    ended."""
    run(job.pk, **memory)
    job.refresh_from_db()
    return job


def retry(job: Job, user) -> Job:
    """Queue a failed job again; its work continues from where it stopped."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.state != Job.State.FAILED:
            raise ValueError(f"job {locked.pk} is {locked.get_state_display().lower()}, not failed")
        locked.state, locked.finished_at = Job.State.QUEUED, None
        locked.say("")
        locked.save(update_fields=["state", "message", "words", "finished_at", "updated_at"])
        record(user, "job.retry", _subject(locked), kind=locked.kind, attempts=locked.attempts)
        enqueue(locked)
    return locked


def abandon(job: Job, user) -> Job:
    """Mark a running job whose worker has died as failed (so it can be retried)."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.state != Job.State.RUNNING:
            raise ValueError(f"job {locked.pk} is {locked.get_state_display().lower()}, not running")
        name = user.get_username() if user is not None else Words(gettext_noop("system"))
        locked.state, locked.finished_at = Job.State.FAILED, timezone.now()
        locked.say(Words(gettext_noop("marked failed by %(name)s: its worker stopped"), name=name))
        locked.save(update_fields=["state", "message", "words", "finished_at", "updated_at"])
        record(user, "job.fail", _subject(locked), kind=locked.kind, message=locked.message, done=locked.done)
    return locked


class Progress:
    """``progress(done, total)``: writes the job's progress, at most every ``PROGRESS_EVERY``
    seconds (and always when ``done`` reaches a ``total`` that is not 0, or with a message). Call
    it between transactions: inside one, nobody sees the write until it commits, unless the work
    has called ``own_connection`` first (work that is one long all-or-nothing transaction)."""

    def __init__(self, job: Job, every: float | None = None):
        self.job, self.last = job, 0.0
        self.every = PROGRESS_EVERY if every is None else every
        self.side = None

    def own_connection(self) -> Progress:
        """From now on write the progress on a connection of its own, each write committed at
        once, so that it is seen while the work's transaction is still open. (On SQLite a write
        waits for no lock: while the work's transaction writes, the progress there stands still.)"""
        if self.side is None:
            self.side = side_connection()
        return self

    def __call__(self, done: int, total: int, message: Words | str | None = None) -> None:
        self.job.done, self.job.total = done, total
        now = time.monotonic()
        if (done < total or not total) and message is None and now - self.last < self.every:
            return
        self.last = now
        fields = {"done": done, "total": total, "updated_at": timezone.now()}
        if message is not None:
            self.job.say(message)
            fields["message"], fields["words"] = self.job.message, self.job.words
        if self.side is not None:
            self._write_aside(fields)
        else:
            Job.objects.filter(pk=self.job.pk).update(**fields)

    def _write_aside(self, fields: dict) -> None:
        ops, table = self.side.ops, Job._meta.db_table
        sets = ", ".join(f"{ops.quote_name(Job._meta.get_field(f).column)} = %s" for f in fields)
        values = [Job._meta.get_field(f).get_db_prep_save(v, self.side) for f, v in fields.items()]
        try:
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ops.quote_name(table)} SET {sets} WHERE {ops.quote_name('id')} = %s",
                    [*values, self.job.pk],
                )
        except DatabaseError as e:  # SQLite: the work's transaction holds the lock
            log.debug("job %s: progress not written (%s)", self.job.pk, e)

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def side_connection():
    """A new connection to the default database, outside Django's registry of connections (so
    in autocommit whatever the caller's transaction); on SQLite it never waits for a lock."""
    settings_dict = {**connections[DEFAULT_DB_ALIAS].settings_dict}
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "timeout": 0}
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)


def _claim(job_id: int) -> Job | None:
    """The job, marked running, or None if it is not queued (run already, or by another worker)."""
    with transaction.atomic():
        job = Job.objects.select_for_update(of=("self",)).select_related("election", "contest").get(pk=job_id)
        if job.state != Job.State.QUEUED:
            log.warning("job %s is %s, not queued: not run", job_id, job.state)
            return None
        job.state, job.started_at, job.attempts = Job.State.RUNNING, timezone.now(), job.attempts + 1
        job.save(update_fields=["state", "started_at", "attempts", "updated_at"])
    return job


def _finish(job: Job, state: str, message: Words | str, result: dict | None = None) -> None:
    with transaction.atomic():
        job.state, job.finished_at = state, timezone.now()
        job.say(message)
        job.result = result if result is not None else job.result
        fields = ["state", "message", "words", "finished_at", "result", "done", "total", "updated_at"]
        job.save(update_fields=fields)
        verb = "job.done" if state == Job.State.DONE else "job.fail"
        record(job.started_by, verb, _subject(job), kind=job.kind, message=job.message, done=job.done)


def run(job_id: int, **memory) -> None:
    """Run a queued job to its end: done with its result, or failed saying why."""
    job = _claim(job_id)
    if job is None:
        return
    work = import_string(WORK[job.kind])
    progress = Progress(job)
    try:
        result = dict(work(job, progress, **memory) or {})
    except Exception as e:
        log.exception("job %s failed", job.pk)
        said = e.args[0] if e.args and isinstance(e.args[0], Words) else str(e) or type(e).__name__
        _finish(job, Job.State.FAILED, said)
    else:
        _finish(job, Job.State.DONE, result.pop("message", ""), result)
    finally:
        progress.close()


def recent(election=None, limit: int = 10) -> list[Job]:
    """Jobs to list: every queued or running one, then the newest others, up to ``limit`` in all."""
    jobs = Job.objects.select_related("election", "contest")
    if election is not None:
        jobs = jobs.filter(election=election)
    running = list(jobs.filter(state__in=Job.ACTIVE))
    return running + list(jobs.exclude(state__in=Job.ACTIVE)[: max(limit - len(running), 0)])
