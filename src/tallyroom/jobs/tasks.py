"""The one task of the tasks API: run a job (``runner.run``). Its only argument is the job's id,
so nothing of the work's inputs but that id is written to the queue."""

from django_tasks import task

from . import runner


@task()
def run_job(job_id: int) -> None:
    runner.run(job_id)
