"""A job's page (a progress bar that refreshes itself, with no script), the same as JSON, and retry."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, STAFF, has_role, role_required

from . import runner
from .models import Job

REFRESH_SECONDS = 2
# Kinds of job staff may retry as well as the returning officer (the work staff may start).
STAFF_RETRIES = (Job.Kind.ISSUE_CODES, Job.Kind.IMPORT_MEMBERS, Job.Kind.BUILD_ROLL, Job.Kind.REMIND)


def _job(pk: int) -> Job:
    return get_object_or_404(Job.objects.select_related("election", "contest", "started_by"), pk=pk)


def as_dict(job: Job) -> dict:
    return {
        "id": job.pk,
        "kind": job.kind,
        "election": job.election.slug if job.election else None,
        "contest": job.contest.slug if job.contest else None,
        "started_by": job.started_by.get_username() if job.started_by else None,
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "progress": job.progress_text,
        "message": job.said,
        "result": job.result,
        "attempts": job.attempts,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "outcome_url": job.outcome_url() if job.state == Job.State.DONE else None,
    }


@require_GET
@role_required(RETURNING_OFFICER, STAFF, SCRUTINEER)
def job_page(request, pk):
    job = _job(pk)
    context = {
        "job": job,
        "refresh": REFRESH_SECONDS if job.is_active else None,
        "can_retry": job.state == Job.State.FAILED and has_role(request.user, RETURNING_OFFICER, STAFF),
    }
    return render(request, "jobs/job.html", context)


@require_GET
@role_required(RETURNING_OFFICER, STAFF, SCRUTINEER)
def job_json(request, pk):
    return JsonResponse(as_dict(_job(pk)))


@require_POST
@role_required(RETURNING_OFFICER, STAFF)
def job_retry(request, pk):
    job = _job(pk)
    if job.kind not in STAFF_RETRIES and not has_role(request.user, RETURNING_OFFICER):
        messages.error(request, gettext("Only the returning officer can retry this job."))
        return redirect(job)
    try:
        runner.retry(job, request.user)
    except ValueError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, gettext("The job is queued again: it continues from where it stopped."))
    return redirect(job)
