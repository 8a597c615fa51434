"""The ``zhaoshang`` command: Django's manage.py with the project's settings preset.

``zhaoshang demo``, ``zhaoshang import FILE.xlsx``, ``zhaoshang serve`` and every Django command
(``migrate``, ``createsuperuser``, ``check --deploy``…) run through it.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zhaoshang", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
