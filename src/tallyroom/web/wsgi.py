"""WSGI entry point: ``gunicorn tallyroom.web.wsgi`` or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tallyroom.web.settings")
application = get_wsgi_application()
