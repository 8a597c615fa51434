"""Writing the liaison ledger: enterprises, their liaison cadres and visits, demands with their progress notes
and the enterprise's answer (``rules.outcome``: 销号 only when satisfied), the escalation of overdue demands, and
the .xlsx imports (all or nothing).

Every write checks the one permission rule (``restrict``), runs in one transaction and names its author in the
history (``as_user``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core import clock
from zhaoshang.core.history import as_user
from zhaoshang.notifications import services as notifications
from zhaoshang.organization import access

from . import rules, xlsx
from .choices import DemandEscalation, DemandStatus
from .models import Demand, DemandUpdate, Enterprise, Liaison, Visit

ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "unit",
    "industry",
    "size",
    "address",
    "latitude",
    "longitude",
    "contact_name",
    "contact_phone",
    "investor",
)
VISIT_FIELDS = ("date", "visitors", "cadre", "raised")
DEMAND_FIELDS = ("category", "description", "department", "visit", "raised_on", "deadline")


# --- who may do what -------------------------------------------------------------------------------------------


def may_record(user) -> bool:
    """The bureau records for every unit, a reporter for their own; leaders and supervisors read."""
    return access.edits_everything(user) or (access.is_reporter(user) and bool(access.unit_ids(user)))


def may_change(user, obj) -> bool:
    return type(obj).objects.restrict(user, "change").filter(pk=obj.pk).exists()


def _check_change(user, obj) -> None:
    if not may_change(user, obj):
        raise PermissionDenied


def _check_unit(user, unit) -> None:
    if not may_record(user):
        raise PermissionDenied
    if not access.edits_everything(user) and (unit is None or unit.pk not in access.unit_ids(user)):
        raise ValidationError(_("You may only record the enterprises of your own unit."))


def _check_future(day: dt.date | None) -> None:
    if day is not None and day > clock.today():
        raise ValidationError(_("The date is in the future."))


def _set(obj, data: dict, names) -> None:
    for name in names:
        if name in data:
            value = data[name]
            setattr(obj, name, value.strip() if isinstance(value, str) else value)


# --- enterprises, liaisons, visits ----------------------------------------------------------------------------


@transaction.atomic
def save_enterprise(*, user, enterprise: Enterprise | None = None, data: dict) -> Enterprise:
    if enterprise is not None:
        _check_change(user, enterprise)
    _check_unit(user, data.get("unit", enterprise.unit if enterprise else None))
    enterprise = enterprise or Enterprise()
    _set(enterprise, data, ENTERPRISE_FIELDS)
    enterprise.full_clean()
    as_user(enterprise, user).save()
    return enterprise


@transaction.atomic
def add_liaison(*, user, enterprise: Enterprise, cadre, since: dt.date) -> Liaison:
    """Assign a cadre to the enterprise (again, when they were assigned before)."""
    _check_change(user, enterprise)
    liaison = Liaison.objects.filter(enterprise=enterprise, cadre=cadre).first() or Liaison(
        enterprise=enterprise, cadre=cadre
    )
    liaison.since, liaison.active = since, True
    liaison.full_clean()
    as_user(liaison, user).save()
    return liaison


@transaction.atomic
def end_liaison(*, user, liaison: Liaison) -> Liaison:
    _check_change(user, liaison)
    liaison.active = False
    as_user(liaison, user).save()
    return liaison


@transaction.atomic
def save_visit(*, user, enterprise: Enterprise, visit: Visit | None = None, data: dict) -> Visit:
    _check_change(user, visit or enterprise)
    visit = visit or Visit(enterprise=enterprise, recorded_by=user)
    _set(visit, data, VISIT_FIELDS)
    _check_future(visit.date)
    visit.full_clean()
    as_user(visit, user).save()
    return visit


# --- demands -----------------------------------------------------------------------------------------------------


def _check_demand(demand: Demand) -> None:
    if demand.visit_id and demand.visit.enterprise_id != demand.enterprise_id:
        raise ValidationError(_("The visit is another enterprise's."))
    if demand.deadline and demand.raised_on and demand.deadline < demand.raised_on:
        raise ValidationError(_("The deadline cannot be before the day the demand was raised."))
    _check_future(demand.raised_on)


@transaction.atomic
def create_demand(*, user, enterprise: Enterprise, data: dict) -> Demand:
    """A demand of the enterprise, assigned to a department: the department's reporters are told at once."""
    _check_change(user, enterprise)
    demand = Demand(enterprise=enterprise, recorded_by=user)
    _set(demand, data, DEMAND_FIELDS)
    _check_demand(demand)
    demand.full_clean()
    as_user(demand, user).save()
    _tell_department(demand)
    return demand


def _tell_department(demand: Demand) -> None:
    notifications.notify_on_commit(
        unit_ids=[demand.department_id],
        title=_("Enterprise demand assigned: %(enterprise)s") % {"enterprise": demand.enterprise.name},
        body=_("%(description)s — deadline %(deadline)s.")
        % {"description": demand.description[:200], "deadline": demand.deadline.isoformat()},
        url=demand.get_absolute_url(),
        key=f"liaison-demand:{demand.pk}:assigned:{demand.department_id}",
    )


def _check_open(demand: Demand) -> None:
    if not rules.is_open(demand):
        raise ValidationError(_("This demand is closed out: it can no longer be changed."))


@transaction.atomic
def update_demand(*, user, demand: Demand, data: dict) -> Demand:
    """Change an open demand; a new deadline starts its escalation again, a new department is told."""
    _check_change(user, demand)
    _check_open(demand)
    deadline, department = demand.deadline, demand.department_id
    _set(demand, data, DEMAND_FIELDS)
    if demand.deadline != deadline:
        demand.escalation, demand.escalated_on = DemandEscalation.NONE, None
    _check_demand(demand)
    demand.full_clean()
    as_user(demand, user).save()
    if demand.department_id != department:
        _tell_department(demand)
    return demand


@transaction.atomic
def add_update(*, user, demand: Demand, date: dt.date, note: str) -> DemandUpdate:
    """A progress note: an open demand is in progress from then on."""
    _check_change(user, demand)
    _check_open(demand)
    _check_future(date)
    update = DemandUpdate(demand=demand, date=date, note=note.strip(), by=user)
    update.full_clean()
    as_user(update, user).save()
    if demand.status == DemandStatus.OPEN:
        demand.status = DemandStatus.IN_PROGRESS
        as_user(demand, user).save()
    return update


@transaction.atomic
def answer(*, user, demand: Demand, satisfaction: str, note: str = "", date: dt.date | None = None) -> Demand:
    """The enterprise's satisfaction answer (``rules.outcome``): satisfied or basically satisfied closes the demand
    out (销号) on ``date``; unsatisfied sends it back to in progress. The answer is kept as a progress note too."""
    _check_change(user, demand)
    _check_open(demand)
    date = date or clock.today()
    _check_future(date)
    status = rules.outcome(satisfaction)
    demand.satisfaction, demand.satisfaction_note = satisfaction, (note or "").strip()
    demand.status = status
    demand.closed_on = date if status == DemandStatus.CLOSED else None
    demand.full_clean()
    as_user(demand, user).save()
    label = str(demand.get_satisfaction_display())
    text = _("Enterprise's answer: %(answer)s.") % {"answer": label}
    if demand.satisfaction_note:
        text += " " + demand.satisfaction_note
    if status == DemandStatus.CLOSED:
        text += " " + _("Closed out.")
    else:
        text += " " + _("Back in progress.")
    as_user(DemandUpdate(demand=demand, date=date, note=text, by=user), user).save()
    return demand


# --- escalation ------------------------------------------------------------------------------------------------


@dataclass
class EscalationRun:
    escalated: dict[int, list[Demand]] = field(default_factory=dict)  # level → demands


def escalate(*, today: dt.date | None = None, dry_run: bool = False) -> EscalationRun:
    """Alert about overdue demands (``rules.to_escalate``), as coordination items are: the department's reporters
    first, then the bureau. Each demand is told once per level and deadline (the notification key)."""
    today = today or clock.today()
    run = EscalationRun()
    for level in reversed(rules.LEVELS):
        demands = list(
            Demand.objects.filter(rules.to_escalate_q(level, today)).select_related("enterprise", "department")
        )
        run.escalated[level] = demands
        if dry_run:
            continue
        for demand in demands:
            _escalate_one(demand, level, today)
    return run


def _escalate_one(demand: Demand, level: int, today: dt.date) -> None:
    late = (today - demand.deadline).days
    message = {
        "title": _("Enterprise demand %(days)s days overdue: %(enterprise)s")
        % {"days": late, "enterprise": demand.enterprise.name},
        "body": _("%(description)s — deadline %(deadline)s, responsible: %(department)s.")
        % {
            "description": demand.description[:200],
            "deadline": demand.deadline.isoformat(),
            "department": demand.department.name,
        },
        "url": demand.get_absolute_url(),
        "key": f"liaison-demand:{demand.pk}:escalation:{level}:{demand.deadline.isoformat()}",
    }
    if level == DemandEscalation.DEPARTMENT:
        notifications.notify_units(unit_ids=[demand.department_id], **message)
    else:
        notifications.notify_units(unit_ids=[demand.department_id], to_bureau=True, **message)
    with transaction.atomic():
        Demand.objects.filter(pk=demand.pk).update(escalation=level, escalated_on=today)


# --- imports -----------------------------------------------------------------------------------------------------


def _recordable_units(user) -> frozenset[int] | None:
    if access.edits_everything(user):
        return None
    if access.is_reporter(user):
        return access.unit_ids(user)
    raise PermissionDenied


def _save_all(user, parsed, build) -> tuple[list, list]:
    """Validate and save every parsed row in one transaction; on any error nothing is written."""
    if parsed.errors:
        return [], parsed.errors
    created, errors = [], []
    with transaction.atomic():
        for number, row in parsed.rows:
            obj = build(row)
            try:
                if isinstance(obj, Demand):
                    _check_demand(obj)
                obj.full_clean()
            except ValidationError as error:
                messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
                for name, texts in messages.items():
                    column = xlsx.column_title(parsed.columns, name)
                    errors.extend(xlsx.RowError(number, column, text) for text in texts)
                continue
            as_user(obj, user).save()
            created.append(obj)
        if errors:
            transaction.set_rollback(True)
            return [], errors
    for obj in created:
        if isinstance(obj, Demand):
            _tell_department(obj)
    return created, []


def import_enterprises(*, user, data: bytes) -> tuple[list[Enterprise], list]:
    parsed = xlsx.read_enterprises(data, unit_ids=_recordable_units(user))
    return _save_all(user, parsed, lambda row: Enterprise(**row))


def import_demands(*, user, data: bytes) -> tuple[list[Demand], list]:
    enterprises = Enterprise.objects.restrict(user, "change")
    parsed = xlsx.read_demands(data, enterprises=enterprises)
    return _save_all(user, parsed, lambda row: Demand(recorded_by=user, **row))
