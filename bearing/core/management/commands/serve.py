"""Serve the web app: Django's development server in development mode, gunicorn otherwise."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Bearing at http://HOST:PORT (development server when BEARING_DEV=1, gunicorn otherwise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("BEARING_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("BEARING_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))

    def handle(self, *args: object, host: str, port: int, workers: int, **options: object) -> None:
        if settings.IS_DEV:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        os.execvp(
            sys.executable,
            [sys.executable, "-m", "gunicorn", "bearing.config.wsgi", "--bind", f"{host}:{port}", "--workers", str(workers)],
        )
