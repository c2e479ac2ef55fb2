#!/usr/bin/env python
"""Django's manage.py for development; the `bearing` command is the user-facing front."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bearing.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
