#!/usr/bin/env python
"""Django's manage.py; the `alur` command is the friendlier entry point (see README)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alur.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
