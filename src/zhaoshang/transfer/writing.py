"""Writing a planned import: set-based creates and updates that write their history rows.

Called inside the importer's transaction. Every created or changed Unit, Investor, Project,
ProjectCredit, StageEvent and FundsReceipt gets a history row naming the importing user and the
reason "Excel导入" (see fastwrite); the few rows an import deletes (credits and stage dates removed
from the file) are deleted one by one so that simple-history records them the usual way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from zhaoshang.core.history import as_user
from zhaoshang.organization.models import Unit
from zhaoshang.projects.models import FundsReceipt, Investor, InvestorSpelling, Project, ProjectCredit, StageEvent
from zhaoshang.projects.names import company_key
from zhaoshang.projects.services import refresh_funds_totals

from .columns import CHANGE_REASON
from .fastwrite import create_with_history, update_with_history


@dataclass
class Changes:
    new_units: list[Unit] = field(default_factory=list)
    changed_units: list[Unit] = field(default_factory=list)
    reparented: set[str] = field(default_factory=set)
    new_investors: list[Investor] = field(default_factory=list)
    changed_investors: list[Investor] = field(default_factory=list)
    # (investor, a name typed for it other than the register's): written once the investor has its id.
    new_spellings: list[tuple[Investor, str]] = field(default_factory=list)
    new_projects: list = field(default_factory=list)  # NewRow objects (see fastwrite)
    changed_projects: list[Project] = field(default_factory=list)
    project_fields: set[str] = field(default_factory=set)
    new_credits: list = field(default_factory=list)  # NewRow objects (see fastwrite)
    changed_credits: list[ProjectCredit] = field(default_factory=list)
    new_events: list = field(default_factory=list)
    changed_events: list[StageEvent] = field(default_factory=list)
    deleted: list = field(default_factory=list)
    new_receipts: list = field(default_factory=list)


def _create(objs: list, model, user) -> None:
    create_with_history(objs, model, user=user, reason=CHANGE_REASON)


def _update(objs: list, model, fields, user) -> None:
    update_with_history(objs, model, set(fields), user=user, reason=CHANGE_REASON)


def _create_units(units: list[Unit], user) -> None:
    """Create units parents first: a parent may be a unit created by the same file."""
    pending = list(units)
    while pending:
        ready = [unit for unit in pending if unit.parent is None or unit.parent.pk is not None]
        if not ready:  # pragma: no cover - the importer rejects cycles before writing
            raise ValueError("cyclic unit parents")
        _create(ready, Unit, user)
        ready_ids = {id(unit) for unit in ready}
        pending = [unit for unit in pending if id(unit) not in ready_ids]


def write_changes(changes: Changes, *, user, progress=None) -> None:
    """Write the planned changes; ``progress(rows_written, rows_to_write, message)`` (optional) after each step."""
    steps = [
        (changes.new_units, lambda: _create_units(changes.new_units, user)),
        (
            changes.changed_units,
            lambda: _update(changes.changed_units, Unit, {"name", "parent", "category", "tier"}, user),
        ),
        (changes.new_investors, lambda: _create(changes.new_investors, Investor, user)),
        (
            changes.changed_investors,
            lambda: _update(changes.changed_investors, Investor, {"origin", "credit_code"}, user),
        ),
        (changes.new_spellings, lambda: _create_spellings(changes.new_spellings)),
        (changes.new_projects, lambda: _create(changes.new_projects, Project, user)),
        (
            changes.changed_projects,
            lambda: _update(changes.changed_projects, Project, changes.project_fields | {"updated_at"}, user),
        ),
        (changes.deleted, lambda: _delete(changes.deleted, user)),
        (changes.changed_credits, lambda: _update(changes.changed_credits, ProjectCredit, {"share"}, user)),
        (changes.new_credits, lambda: _create(changes.new_credits, ProjectCredit, user)),
        (
            changes.changed_events,
            lambda: _update(changes.changed_events, StageEvent, {"date", "date_precision", "amount"}, user),
        ),
        (changes.new_events, lambda: _create(changes.new_events, StageEvent, user)),
        (changes.new_receipts, lambda: _create(changes.new_receipts, FundsReceipt, user)),
    ]
    total = sum(len(objs) for objs, _step in steps)
    done = 0
    message = _("Writing")
    for objs, step in steps:
        if progress is not None and objs:
            progress(done, total, message)
        step()
        done += len(objs)
    refresh_funds_totals({receipt.project_id for receipt in changes.new_receipts})
    if progress is not None:
        progress(total, total, message)


def _create_spellings(spellings: list[tuple[Investor, str]]) -> None:
    """The names typed for investors other than the register's (no history: kept with their created_at)."""
    InvestorSpelling.objects.bulk_create(
        [InvestorSpelling(investor_id=investor.pk, name=name, key=company_key(name)) for investor, name in spellings],
        ignore_conflicts=True,
        batch_size=1000,
    )


def _delete(objs: list, user) -> None:
    for obj in objs:
        obj._change_reason = CHANGE_REASON
        as_user(obj, user).delete()
