"""Run a module's ``check_*`` functions against one demo county.

Building the county takes 5–20 s (it writes everything through the services, history included), and the checks
only read it: one build serves them all, each check called with the arguments it names."""

from __future__ import annotations

import inspect


def run_checks(namespace: dict, **available) -> list[str]:
    """Call every ``check_*`` function of ``namespace`` in the order the module defines them; return their names."""
    ran = []
    for name, check in list(namespace.items()):
        if name.startswith("check_") and callable(check):
            check(**{parameter: available[parameter] for parameter in inspect.signature(check).parameters})
            ran.append(name)
    return ran
