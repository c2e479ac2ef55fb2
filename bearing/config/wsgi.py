"""WSGI entry point for gunicorn: `gunicorn bearing.config.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bearing.config.settings")
application = get_wsgi_application()
