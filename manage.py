#!/usr/bin/env python
"""Django's command-line utility; the code lives under src/."""

import os
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent
# Any of these in the environment or in .env means the machine is configured: keep its settings.
CONFIGURED_BY = ("DEBUG", "SECRET_KEY", "SECRET_KEY_FILE")


def development_defaults() -> None:
    """A command typed in a fresh clone (the README's `manage.py seed_tasks`) runs with the
    development settings scripts/run uses, instead of stopping at production's demand for a
    secret key. A configured machine (Docker sets DEBUG=0, production has a SECRET_KEY) is
    left alone, so this never turns DEBUG on where someone chose otherwise."""
    from dotenv import dotenv_values

    configured = {**dotenv_values(PROJECT / ".env"), **os.environ}
    if not any(configured.get(name) for name in CONFIGURED_BY):
        os.environ["DEBUG"] = "1"


def main() -> None:
    sys.path.insert(0, str(PROJECT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskmanager.settings")
    development_defaults()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
