"""Long work run in the background: a ``Job`` row per piece of work (who started it, its state and
progress), run by a worker of Django's tasks API (``django_tasks`` with the database backend:
``manage db_worker``). See docs/jobs.md."""
