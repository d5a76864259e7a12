"""WSGI entry point: ``gunicorn tallyroom.web.wsgi`` or any WSGI server."""

import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tallyroom.web.settings")
application = get_wsgi_application()
# Every view is imported as the worker starts (about 0.4 s of CPU), not in its first request,
# which would otherwise wait for it (and a bench would count it as that request's cost).
import_module(settings.ROOT_URLCONF)
