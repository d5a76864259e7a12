"""The Django project: settings, URLs, WSGI, and the shared page templates and access checks."""
