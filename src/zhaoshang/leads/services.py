"""Writing leads: staff entry, the public intake, triage, follow-ups, merging, closing, conversion into a project,
escalation of overdue follow-ups, and the bureau's lists (channels, intake links).

Every write checks the one permission rule (``Lead.objects.restrict``), runs in one transaction and names its
author in the history (``as_user``)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from zhaoshang.core import clock
from zhaoshang.core.history import as_user
from zhaoshang.notifications import services as notifications
from zhaoshang.organization import access
from zhaoshang.organization.models import Unit, User
from zhaoshang.organization.selectors import subtree_ids
from zhaoshang.projects import services as project_services
from zhaoshang.projects.models import Project

from . import rules
from .choices import OPEN_STATUSES, Escalation, LeadSource, LeadStatus
from .models import Channel, FollowUp, IntakeLink, Lead

LEAD_FIELDS = (
    "company",
    "contact_name",
    "contact_phone",
    "industry",
    "estimated_amount",
    "description",
    "channel",
    "introducer_name",
    "introducer",
    "event",
    "received_on",
)
INTAKE_FIELDS = (
    "company",
    "contact_name",
    "contact_phone",
    "industry",
    "estimated_amount",
    "description",
    "channel",
    "introducer_name",
)
# A new lead's owner follows it up within this many days unless a date is given.
FIRST_FOLLOW_UP_DAYS = 7


# --- who may do what -------------------------------------------------------------------------------------------


def may_add(user) -> bool:
    """Anyone with an account may pass on a lead (全民招商): the bureau for any unit, a reporter for their own, a
    leader or a supervisor to the bureau for triage."""
    return access.is_active(user)


def may_change(user, lead: Lead) -> bool:
    return Lead.objects.restrict(user, "change").filter(pk=lead.pk).exists()


def _check_change(user, lead: Lead) -> None:
    if not may_change(user, lead):
        raise PermissionDenied


def _check_bureau(user) -> None:
    if not access.edits_everything(user):
        raise PermissionDenied


def _check_open(lead: Lead) -> None:
    if lead.status not in OPEN_STATUSES:
        status = lead.get_status_display()
        raise ValidationError(_("This lead is %(status)s: it can no longer be changed.") % {"status": status})


def owner_errors(unit: Unit | None, owner: User | None) -> list[str]:
    """An owner follows a lead of their own unit (or is the bureau's)."""
    if owner is None:
        return []
    if not owner.is_active:
        return [_("%(user)s's account is switched off.") % {"user": owner}]
    if access.edits_everything(owner):
        return []
    if unit is None or owner.unit_id not in subtree_ids(unit.pk):
        return [_("%(user)s does not belong to the lead's unit.") % {"user": owner}]
    return []


def _reset_follow_up(lead: Lead, follow_up_on: dt.date | None) -> None:
    if follow_up_on != lead.follow_up_on:
        lead.escalation, lead.escalated_on = Escalation.NONE, None
    lead.follow_up_on = follow_up_on


# --- entering leads -----------------------------------------------------------------------------------------------


@transaction.atomic
def create_lead(*, user, data: dict, source: str = LeadSource.STAFF) -> Lead:
    """A lead entered by staff. A reporter's lead is their unit's, followed by them; the bureau may assign it at
    once (a unit, an owner) or leave it new for triage."""
    if not may_add(user):
        raise PermissionDenied
    today = clock.today()
    unit, owner = data.get("unit"), data.get("owner")
    if access.is_reporter(user):
        if unit is None:
            unit = user.unit
        if unit is None or unit.pk not in access.unit_ids(user):
            raise ValidationError(_("A reporter may only enter the leads of their own unit."))
        owner = owner or user
    elif not access.edits_everything(user):
        unit = owner = None  # a leader's or a supervisor's lead goes to the bureau for triage
    errors = owner_errors(unit, owner)
    if errors:
        raise ValidationError(errors)
    lead = Lead(source=source, submitted_by=user, unit=unit, owner=owner)
    for name in LEAD_FIELDS:
        if name in data and data[name] is not None:
            setattr(lead, name, data[name])
    lead.received_on = data.get("received_on") or today
    if lead.received_on > today:
        raise ValidationError(_("The date received is in the future."))
    if unit is not None and owner is not None:
        lead.status = LeadStatus.FOLLOWING
        lead.follow_up_on = data.get("follow_up_on") or today + dt.timedelta(days=FIRST_FOLLOW_UP_DAYS)
    lead.full_clean()
    as_user(lead, user).save()
    if owner is None:
        _tell_new(lead)
    return lead


@transaction.atomic
def update_lead(*, user, lead: Lead, data: dict) -> Lead:
    _check_change(user, lead)
    _check_open(lead)
    for name in LEAD_FIELDS:
        if name in data:
            setattr(lead, name, data[name])
    if lead.received_on and lead.received_on > clock.today():
        raise ValidationError(_("The date received is in the future."))
    lead.full_clean()
    as_user(lead, user).save()
    return lead


def client_address(request) -> str:
    """The sender's address: behind the county's proxy (``BEHIND_PROXY``), the last one it appended."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def intake_limit_reached(address: str) -> bool:
    """Whether this address sent ``LEAD_INTAKE_PER_HOUR`` leads in the last hour (counted in the database, so every
    web process agrees)."""
    since = clock.now() - dt.timedelta(hours=1)
    sent = Lead.objects.filter(submitted_from=address, created_at__gte=since).count()
    return sent >= settings.LEAD_INTAKE_PER_HOUR


class IntakeLimit(Exception):
    pass


@transaction.atomic
def submit_public(*, link: IntakeLink, data: dict, address: str) -> Lead:
    """A lead sent through the public intake page (no account): new, the link's unit's (the bureau's without one)."""
    if not link.active:
        raise PermissionDenied
    if intake_limit_reached(address):
        raise IntakeLimit
    lead = Lead(source=LeadSource.PUBLIC, unit=link.unit, intake_link=link, submitted_from=address)
    for name in INTAKE_FIELDS:
        if data.get(name) is not None:
            setattr(lead, name, data[name])
    lead.full_clean()
    lead.save()
    _tell_new(lead)
    return lead


def _tell_new(lead: Lead) -> None:
    """A lead nobody follows yet is announced to its unit (or, without one, to the bureau) for triage."""
    notifications.notify_on_commit(
        unit_ids=[lead.unit_id] if lead.unit_id else [],
        to_bureau=lead.unit_id is None,
        title=_("New lead: %(company)s") % {"company": lead.company},
        body=_("A lead is waiting for an owner and a follow-up date."),
        url=reverse("leads:detail", args=[lead.pk]),
        key=f"lead:{lead.pk}:new",
    )


# --- triage, follow-ups, merge, close ------------------------------------------------------------------------------


@transaction.atomic
def assign(*, user, lead: Lead, unit: Unit | None, owner: User | None, follow_up_on: dt.date | None) -> Lead:
    """Triage: the unit and the owner who follow the lead, and when it is next followed up. The bureau assigns any
    unit; a reporter only gives their unit's lead an owner of their unit."""
    _check_change(user, lead)
    _check_open(lead)
    if not access.edits_everything(user) and (unit is None or unit.pk != lead.unit_id):
        raise PermissionDenied
    errors = owner_errors(unit, owner)
    if unit is None or owner is None or follow_up_on is None:
        errors.append(_("Give the unit, the owner and the next follow-up date."))
    elif follow_up_on < clock.today() and follow_up_on != lead.follow_up_on:
        errors.append(_("The next follow-up date is in the past."))
    if errors:
        raise ValidationError(errors)
    lead.unit, lead.owner = unit, owner
    _reset_follow_up(lead, follow_up_on)
    lead.status = LeadStatus.FOLLOWING
    as_user(lead, user).save()
    if owner.pk != user.pk:
        notifications.notify_on_commit(
            unit_ids=[],
            user_ids=[owner.pk],
            title=_("Lead assigned to you: %(company)s") % {"company": lead.company},
            body=_("Next follow-up due %(date)s.") % {"date": follow_up_on},
            url=reverse("leads:detail", args=[lead.pk]),
            key=f"lead:{lead.pk}:owner:{owner.pk}:{follow_up_on}",
        )
    return lead


@transaction.atomic
def add_follow_up(*, user, lead: Lead, date: dt.date, note: str, next_follow_up_on: dt.date | None) -> FollowUp:
    """Log a follow-up; the lead's next follow-up date becomes the one given and its escalation starts again."""
    _check_change(user, lead)
    _check_open(lead)
    today = clock.today()
    errors = []
    if date > today:
        errors.append(_("The follow-up date is in the future."))
    if not note.strip():
        errors.append(_("Say what happened."))
    if next_follow_up_on is not None and next_follow_up_on < date:
        errors.append(_("The next follow-up is before this one."))
    if errors:
        raise ValidationError(errors)
    follow_up = FollowUp(lead=lead, date=date, note=note.strip(), next_follow_up_on=next_follow_up_on, recorded_by=user)
    as_user(follow_up, user).save()
    lead.last_follow_up_on = max(filter(None, [lead.last_follow_up_on, date]))
    _reset_follow_up(lead, next_follow_up_on)
    if lead.status == LeadStatus.NEW and lead.unit_id:
        lead.status = LeadStatus.FOLLOWING
        lead.owner = lead.owner or user
    as_user(lead, user).save()
    return follow_up


@transaction.atomic
def merge(*, user, lead: Lead, into: Lead) -> Lead:
    """A duplicate is merged into the lead kept: its follow-ups and receptions move there, what the kept lead lacks
    (contact, introducer, amount) is taken from it, and it is kept as merged, pointing at the lead kept."""
    _check_bureau(user)
    _check_open(lead)
    _check_open(into)
    if lead.pk == into.pk:
        raise ValidationError(_("A lead cannot be merged into itself."))
    for name in ("contact_name", "contact_phone", "industry", "estimated_amount", "introducer_name", "description"):
        if not getattr(into, name) and getattr(lead, name):
            setattr(into, name, getattr(lead, name))
    for name in ("channel", "introducer", "event"):
        if getattr(into, f"{name}_id") is None and getattr(lead, f"{name}_id") is not None:
            setattr(into, f"{name}_id", getattr(lead, f"{name}_id"))
    as_user(into, user).save()
    for follow_up in lead.follow_ups.all():
        follow_up.lead = into
        as_user(follow_up, user).save()
    for reception in lead.receptions.all():
        reception.leads.add(into)
    lead.receptions.clear()
    lead.status, lead.merged_into, lead.closed_on = LeadStatus.MERGED, into, clock.today()
    lead.closed_reason = _("Duplicate of lead %(id)s") % {"id": into.pk}
    as_user(lead, user).save()
    return into


@transaction.atomic
def close(*, user, lead: Lead, reason: str) -> Lead:
    _check_change(user, lead)
    _check_open(lead)
    if not reason.strip():
        raise ValidationError(_("Give the reason the lead is closed."))
    lead.status, lead.closed_reason, lead.closed_on = LeadStatus.CLOSED, reason.strip(), clock.today()
    as_user(lead, user).save()
    return lead


@transaction.atomic
def reopen(*, user, lead: Lead) -> Lead:
    """The bureau takes a closed lead up again (a closed one only: a merged or converted lead stays as it is)."""
    _check_bureau(user)
    if lead.status != LeadStatus.CLOSED:
        raise ValidationError(_("Only a closed lead can be reopened."))
    lead.status = LeadStatus.FOLLOWING if lead.unit_id and lead.owner_id else LeadStatus.NEW
    lead.closed_on, lead.closed_reason = None, ""
    _reset_follow_up(lead, clock.today() + dt.timedelta(days=FIRST_FOLLOW_UP_DAYS))
    as_user(lead, user).save()
    return lead


# --- conversion ----------------------------------------------------------------------------------------------------


@transaction.atomic
def convert(*, user, lead: Lead, data: dict) -> Project:
    """The lead becomes a project of its unit, through the ledger's own service: the project keeps the lead's
    investor, contact, introducer (as typed, and the register's person with the whole share) and event; the lead
    keeps its follow-ups and points at the project."""
    _check_change(user, lead)
    _check_open(lead)
    if lead.unit_id is None:
        raise ValidationError(_("Assign the lead to a unit before converting it."))
    introducer = lead.introducer_name or (lead.introducer.name if lead.introducer_id else "")
    project_data = {
        "code": data["code"],
        "name": data["name"],
        "industry": data.get("industry") or lead.industry,
        "planned_investment": data.get("planned_investment", lead.estimated_amount),
        "contact_person": lead.contact_name,
        "contact_phone": lead.contact_phone,
        "introducer": introducer[:100],
    }
    if project_data["planned_investment"] is None:
        raise ValidationError(_("Give the project's planned investment."))
    if Project.objects.filter(code=project_data["code"]).exists():
        raise ValidationError(_("A project with the code %(code)s exists already.") % {"code": project_data["code"]})
    investor = project_services.get_or_create_investor(name=lead.company, user=user)
    project = project_services.create_project(
        user=user, data=project_data, credits=[(lead.unit, Decimal("100"))], investor=investor
    )
    if lead.event_id:
        project.event_id = lead.event_id
        as_user(project, user).save()
    if lead.introducer_id:
        introducers = [(lead.introducer, Decimal("100"))]
        project_services.set_project_persons(user=user, project=project, introducers=introducers)
    lead.status, lead.project, lead.converted_on = LeadStatus.CONVERTED, project, clock.today()
    as_user(lead, user).save()
    return project


# --- escalation ----------------------------------------------------------------------------------------------------


@dataclass
class EscalationRun:
    escalated: dict[int, list[Lead]] = field(default_factory=dict)  # level → leads


def escalate(*, today: dt.date | None = None, dry_run: bool = False) -> EscalationRun:
    """Alert about overdue follow-ups (``rules.to_escalate``): at the first step the owner, then the unit's
    reporters (its head's account among them), then the bureau. Each lead is told once per level and follow-up
    date (the notification key), so a second run the same day sends nothing."""
    today = today or clock.today()
    run = EscalationRun()
    for level in reversed(rules.LEVELS):
        leads = list(Lead.objects.filter(rules.to_escalate_q(level, today)).select_related("unit", "owner"))
        run.escalated[level] = leads
        if dry_run:
            continue
        for lead in leads:
            _escalate_one(lead, level, today)
    return run


def _escalate_one(lead: Lead, level: int, today: dt.date) -> None:
    late = (today - lead.follow_up_on).days
    owner = lead.owner or "—"
    message = {
        "title": _("Lead follow-up %(days)s days overdue: %(company)s") % {"days": late, "company": lead.company},
        "body": _("Owner: %(owner)s; follow-up was due %(date)s.") % {"owner": owner, "date": lead.follow_up_on},
        "url": reverse("leads:detail", args=[lead.pk]),
        "key": f"lead:{lead.pk}:escalation:{level}:{lead.follow_up_on}",
    }
    if level == Escalation.OWNER and lead.owner_id:
        notifications.notify_units(unit_ids=[], user_ids=[lead.owner_id], **message)
    elif level in (Escalation.OWNER, Escalation.UNIT_HEAD) and lead.unit_id:
        notifications.notify_units(unit_ids=[lead.unit_id], **message)
    else:
        notifications.notify_units(unit_ids=[], to_bureau=True, **message)
    with transaction.atomic():
        Lead.objects.filter(pk=lead.pk).update(escalation=level, escalated_on=today)


# --- the bureau's lists --------------------------------------------------------------------------------------------


@transaction.atomic
def save_channel(*, user, channel: Channel | None, data: dict) -> Channel:
    _check_bureau(user)
    channel = channel or Channel()
    for name in ("name", "order", "active"):
        if name in data:
            setattr(channel, name, data[name])
    channel.full_clean()
    as_user(channel, user).save()
    return channel


@transaction.atomic
def create_intake_link(*, user, unit: Unit | None) -> IntakeLink:
    _check_bureau(user)
    link = IntakeLink(unit=unit, token=secrets.token_urlsafe(24))
    as_user(link, user).save()
    return link


@transaction.atomic
def set_intake_link_active(*, user, link: IntakeLink, active: bool) -> IntakeLink:
    _check_bureau(user)
    link.active = active
    as_user(link, user).save()
    return link
