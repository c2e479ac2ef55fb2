"""The `bearing` command: the engine's commands (solve, check, ahp, frontier, sufficiency) run
without Django; everything else goes to Django's management commands.

    bearing demo [--no-serve] [--port 8000]   load the demo organisation if missing, then serve
    bearing serve [--port 8000]               serve the web app (runserver in development, gunicorn otherwise)
    bearing migrate | createsuperuser | ...   any management command
    bearing solve problem.json                engine: solve a bearing-problem/1 file
"""

from __future__ import annotations

import os
import sys

__all__ = ["main"]

_DEV_COMMANDS = {"demo"}


def _django(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bearing.config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["bearing", *argv])
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"bearing: configuration error: {exc}\n")
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `bearing` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        sys.stdout.write(__doc__ or "")
        return 0 if args else 2
    command = args[0]

    from bearing.engine.cli import ENGINE_COMMANDS, run

    if command in ENGINE_COMMANDS:
        return run(command, args[1:])
    if command in _DEV_COMMANDS:
        # The demo is the embedded, laptop set-up: a generated local secret and SQLite.
        os.environ.setdefault("BEARING_DEV", "1")
    return _django(args)


if __name__ == "__main__":
    raise SystemExit(main())
