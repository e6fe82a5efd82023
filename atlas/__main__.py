"""The `atlas` command: Django's manage.py for this project."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlas.settings")
    if sys.argv[1:2] == ["worker"]:  # settings differ per process (e.g. SQLite's busy timeout)
        os.environ.setdefault("ATLAS_PROCESS", "worker")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
