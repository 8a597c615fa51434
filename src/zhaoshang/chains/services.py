"""Writing the chain plan (the bureau) and the contacts with target enterprises (the unit approaching them)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core.history import as_user
from zhaoshang.leads import services as lead_services
from zhaoshang.organization import access

from .choices import ContactStatus
from .models import ChainLink, IndustryChain, LocalEnterprise, TargetEnterprise


def _check_bureau(user) -> None:
    if not access.edits_everything(user):
        raise PermissionDenied


def _save(instance, user, data: dict, fields: tuple[str, ...]):
    for name in fields:
        if name in data:
            setattr(instance, name, data[name])
    instance.full_clean()
    as_user(instance, user).save()
    return instance


@transaction.atomic
def save_chain(*, user, chain: IndustryChain | None = None, data: dict) -> IndustryChain:
    _check_bureau(user)
    return _save(chain or IndustryChain(), user, data, ("name", "description", "unit", "order", "active"))


@transaction.atomic
def save_link(*, user, link: ChainLink, data: dict) -> ChainLink:
    _check_bureau(user)
    return _save(link, user, data, ("name", "position", "order", "note"))


@transaction.atomic
def save_local_enterprise(*, user, enterprise: LocalEnterprise, data: dict) -> LocalEnterprise:
    _check_bureau(user)
    return _save(enterprise, user, data, ("name", "investor", "note"))


@transaction.atomic
def delete_local_enterprise(*, user, enterprise: LocalEnterprise) -> None:
    _check_bureau(user)
    as_user(enterprise, user).delete()


@transaction.atomic
def save_target(*, user, target: TargetEnterprise, data: dict) -> TargetEnterprise:
    """The bureau adds a target to a link and may give it to a unit to approach."""
    _check_bureau(user)
    target.updated_by = user
    return _save(target, user, data, ("name", "location", "reason", "unit", "status", "contact_note"))


def may_contact(user, target: TargetEnterprise) -> bool:
    return TargetEnterprise.objects.restrict(user, "change").filter(pk=target.pk).exists()


@transaction.atomic
def record_contact(*, user, target: TargetEnterprise, status: str, note: str) -> TargetEnterprise:
    """The unit approaching a target (or the bureau) records how far the contact has gone."""
    if not may_contact(user, target):
        raise PermissionDenied
    if status not in ContactStatus.values:
        raise ValidationError(_("Choose a contact status from the list."))
    target.status, target.contact_note, target.updated_by = status, note.strip()[:500], user
    as_user(target, user).save()
    return target


@transaction.atomic
def to_lead(*, user, target: TargetEnterprise):
    """The target becomes a lead of the unit approaching it (the bureau's to triage without one), in one step; the
    lead says which link it is for, and the target points at it."""
    if not may_contact(user, target):
        raise PermissionDenied
    if target.lead_id:
        raise ValidationError(_("This target is a lead already."))
    link = target.link
    data = {
        "company": target.name,
        "description": _("Industry chain %(chain)s, link %(link)s: %(reason)s")
        % {"chain": link.chain.name, "link": link.name, "reason": target.reason or "—"},
    }
    if target.unit_id and access.edits_everything(user):
        data["unit"] = target.unit
    lead = lead_services.create_lead(user=user, data=data)
    target.lead = lead
    if target.status == ContactStatus.NOT_CONTACTED:
        target.status = ContactStatus.CONTACTED
    target.updated_by = user
    as_user(target, user).save()
    return lead
