"""What needs reminding today, gathered from the apps that know (scheduling, supervision…).

Each providing app has a ``reminders.py`` with ``def due(today: date) -> Iterable[Reminder]``; the
notifications app's ``zhaoshang remind`` command collects them all and delivers each one once (the
``key`` makes a second run on the same day send nothing new).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps

PROVIDER_MODULE = "reminders"


@dataclass(frozen=True)
class Reminder:
    key: str  # stable and unique for what it is about, e.g. "round:12:before:3d:unit:5"
    title: str
    body: str
    url: str = ""  # a path in the app, e.g. /scheduling/rounds/12/
    unit_id: int | None = None  # the unit to remind (its users and its group robot); None: the bureau
    leader_names: tuple[str, ...] = ()  # county leaders to escalate to (matched to users by display name)
    user_ids: tuple[int, ...] = ()  # accounts to send to as well (a project's county leader, linked in the register)
    to_bureau: bool = False  # copy the bureau as well


def collect(today: dt.date) -> list[Reminder]:
    """Every reminder due on ``today`` from every installed app that provides some."""
    found: list[Reminder] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("zhaoshang."):
            continue
        try:
            module = import_module(f"{config.name}.{PROVIDER_MODULE}")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.{PROVIDER_MODULE}":
                raise
            continue
        due = getattr(module, "due", None)
        if due is not None:
            found.extend(_as_list(due(today)))
    return found


def _as_list(items: Iterable[Reminder]) -> list[Reminder]:
    return list(items)
