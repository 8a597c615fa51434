"""Writing the project library: proposals (reporters for their unit, the bureau for any) and the bureau's
transitions proposed → published → in talks → landed (or withdrawn), each in history with its author."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhaoshang.core import clock
from zhaoshang.core.history import as_user
from zhaoshang.organization import access

from .choices import OpportunityStatus as S
from .models import Opportunity

OPPORTUNITY_FIELDS = (
    "title",
    "industry",
    "industry_chain",
    "investment",
    "land_area",
    "site",
    "description",
    "conditions",
    "contact_name",
    "contact_phone",
    "unit",
)
CODE_PREFIX = "ZS"

# transition → (the statuses it starts from, the status it leads to)
TRANSITIONS = {
    "publish": ((S.PROPOSED, S.WITHDRAWN), S.PUBLISHED),
    "in_talks": ((S.PUBLISHED,), S.IN_TALKS),
    "landed": ((S.PUBLISHED, S.IN_TALKS), S.LANDED),
    "withdraw": ((S.PROPOSED, S.PUBLISHED, S.IN_TALKS), S.WITHDRAWN),
}


def may_propose(user) -> bool:
    return access.edits_everything(user) or (access.is_reporter(user) and bool(access.unit_ids(user)))


def may_change(user, opportunity: Opportunity) -> bool:
    return Opportunity.objects.restrict(user, "change").filter(pk=opportunity.pk).exists()


def unit_errors(user, unit) -> list[str]:
    if unit is not None and not access.edits_everything(user) and unit.pk not in access.unit_ids(user):
        return [_("A reporter may only propose opportunities for their own unit.")]
    return []


@transaction.atomic
def save_opportunity(*, user, opportunity: Opportunity | None = None, data: dict) -> Opportunity:
    """Propose an opportunity (status proposed) or change one: a reporter only their unit's proposals, the
    bureau any opportunity."""
    if opportunity is None and not may_propose(user):
        raise PermissionDenied
    if opportunity is not None and not may_change(user, opportunity):
        raise PermissionDenied
    errors = unit_errors(user, data.get("unit"))
    if errors:
        raise ValidationError(errors)
    if opportunity is None:
        opportunity = Opportunity(status=S.PROPOSED, proposed_by=user)
    for name in OPPORTUNITY_FIELDS:
        if name in data:
            value = data[name]
            setattr(opportunity, name, value.strip() if isinstance(value, str) else value)
    opportunity.full_clean()
    as_user(opportunity, user).save()
    return opportunity


def next_code(year: int) -> str:
    """The next catalogue number of the year: ZS2026-001, ZS2026-002, …"""
    prefix = f"{CODE_PREFIX}{year}-"
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    numbers = [
        int(match[1])
        for code in Opportunity.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if (match := pattern.match(code))
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _transition(user, opportunity: Opportunity, name: str) -> Opportunity:
    if not access.edits_everything(user):
        raise PermissionDenied
    # Read again, locked: two clicks at once do not both number the same opportunity.
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    sources, target = TRANSITIONS[name]
    if opportunity.status not in sources:
        raise ValidationError(
            _("An opportunity that is “%(status)s” cannot become “%(target)s”; allowed from: %(sources)s.")
            % {
                "status": opportunity.get_status_display(),
                "target": S(target).label,
                "sources": "、".join(str(S(source).label) for source in sources),
            }
        )
    opportunity.status = target
    return opportunity


@transaction.atomic
def publish(*, user, opportunity: Opportunity) -> Opportunity:
    """Publish into the catalogue: the next catalogue number of the year when it has none, and the date."""
    opportunity = _transition(user, opportunity, "publish")
    today = clock.today()
    if not opportunity.code:
        opportunity.code = next_code(today.year)
    opportunity.published_on = today
    as_user(opportunity, user).save()
    return opportunity


@transaction.atomic
def mark_in_talks(*, user, opportunity: Opportunity) -> Opportunity:
    opportunity = _transition(user, opportunity, "in_talks")
    as_user(opportunity, user).save()
    return opportunity


@transaction.atomic
def mark_landed(*, user, opportunity: Opportunity, project) -> Opportunity:
    """Landed: linked to the project it became, which must be one the user sees."""
    from zhaoshang.projects.models import Project

    if project is None:
        raise ValidationError(_("Choose the project the opportunity became: it is required for landed."))
    opportunity = _transition(user, opportunity, "landed")
    if not Project.objects.restrict(user).filter(pk=project.pk).exists():
        raise ValidationError(_("You cannot see this project."))
    opportunity.project = project
    as_user(opportunity, user).save()
    return opportunity


@transaction.atomic
def withdraw(*, user, opportunity: Opportunity) -> Opportunity:
    opportunity = _transition(user, opportunity, "withdraw")
    as_user(opportunity, user).save()
    return opportunity


ACTIONS = {"publish": publish, "in_talks": mark_in_talks, "withdraw": withdraw}


def allowed_actions(opportunity: Opportunity) -> list[str]:
    """The transitions open from the opportunity's status, in the order the page shows them."""
    return [name for name, (sources, _target) in TRANSITIONS.items() if opportunity.status in sources]
