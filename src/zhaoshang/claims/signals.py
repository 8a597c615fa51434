"""A project created or edited is checked for double claims once its transaction commits (found_by=ENTRY).

The projects app must not import claims, so the check listens to the project's ``post_save``. The projects saved
in one transaction are checked together, once, after it commits; a save that names only fields the check does not
read (a derived column, the leader) is not checked again. A failing check never undoes the save: it is logged.
Imports write with bulk inserts (no ``post_save``) and call ``services.find_pairs`` themselves (found_by=IMPORT).
"""

from __future__ import annotations

import logging
import threading

from django.db import transaction

logger = logging.getLogger(__name__)

# The fields a double claim is judged on; a save naming none of them (update_fields) changes nothing for the check.
CHECKED_FIELDS = frozenset(
    {"name", "investor", "investor_id", "location", "planned_investment", "contract_amount", "code"}
)
_pending = threading.local()


def project_saved(sender, instance, created, raw=False, update_fields=None, **kwargs) -> None:
    if raw:  # loaddata
        return
    if update_fields is not None and not created and not (set(update_fields) & CHECKED_FIELDS):
        return
    # Every save asks for a check after commit; the first callback checks them all, the others find nothing left.
    # An id of a transaction rolled back stays until the next commit, where it is found gone and skipped.
    if getattr(_pending, "ids", None) is None:
        _pending.ids = set()
    _pending.ids.add(instance.pk)
    transaction.on_commit(_check_pending)


def _check_pending() -> None:
    from .choices import FoundBy
    from .services import find_pairs

    ids = getattr(_pending, "ids", None) or set()
    _pending.ids = set()
    if not ids:
        return
    try:
        find_pairs(project_ids=sorted(ids), found_by=FoundBy.ENTRY)
    except Exception:  # the project is saved; the county-wide check finds the pair later
        logger.exception("double-claim check of projects %s failed", sorted(ids))
