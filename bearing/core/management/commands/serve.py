"""Serve the web app: Django's development server in development mode, gunicorn otherwise;
optionally with a planning worker process beside it (as `bearing demo` does)."""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def start_worker(stdout) -> subprocess.Popen:
    """Start `bearing worker` as a child process that ends when this process ends."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bearing.cli", "worker"],
        env={**os.environ},
        stdin=subprocess.DEVNULL,
    )
    atexit.register(_stop, process)
    # SIGTERM (a service manager, `kill`) must stop the worker too: turn it into a normal exit
    # so the atexit handler runs.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    stdout.write(f"Planning worker started (pid {process.pid}).")
    return process


def _stop(process: subprocess.Popen) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # already on the way out: a second TERM changes nothing
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


class Command(BaseCommand):
    help = "Serve Bearing at http://HOST:PORT (development server when BEARING_DEV=1, gunicorn otherwise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("BEARING_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("BEARING_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument(
            "--with-worker", action="store_true", help="Also run a planning worker in a child process"
        )

    def handle(self, *args: object, host: str, port: int, workers: int, with_worker: bool, **options: object) -> None:
        if with_worker:
            start_worker(self.stdout)
        if settings.IS_DEV:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        command = [sys.executable, "-m", "gunicorn", "bearing.config.wsgi", "--bind", f"{host}:{port}", "--workers", str(workers)]
        if with_worker:
            # gunicorn replaces nothing here: run it as a child so the worker is stopped with it
            raise SystemExit(subprocess.call(command))
        os.execvp(sys.executable, command)
