"""Writes to bulletins: drafts are created and edited by the bureau; issuing freezes them for good.

``user=None`` stands for the command line (``zhaoshang bulletin --issue``), as in targets.services.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhaoshang.core import clock
from zhaoshang.core.history import as_user
from zhaoshang.organization import access
from zhaoshang.targets.models import Period

from . import compute
from .choices import Status
from .models import AccountabilityFinding, Bulletin, DocumentSettings

DEFAULT_REQUIREMENTS = "\n".join(
    [
        "一要提高思想认识。各单位要把招商引资作为“一把手”工程，主要负责同志亲自研究、亲自部署、亲自推动，"
        "对照目标任务查找差距，确保完成全年任务。",
        "二要紧盯重点项目。对已签约项目，要倒排工期、挂图作战，推动项目早开工、早投产；对在谈项目，"
        "要加大跟踪力度，力争早签约、早落地。",
        "三要强化资金到位。各单位要加强与客商的对接沟通，督促签约项目按合同约定及时足额到位资金，切实提高资金到位率。",
        "四要狠抓问题整改。被通报批评和黄牌警告的单位要认真分析原因，制定整改措施，"
        "于本通报印发之日起10个工作日内向县招商引资工作领导小组办公室书面报告整改情况。",
        "五要严把数据质量。各单位要如实填报项目进展和到位资金，做到“一是一、二是二”，不得虚报、瞒报；"
        "县督查室将对上报数据逐一核实。",
    ]
)


def save_document_settings(*, user, masthead: str, issuer: str, printer: str) -> DocumentSettings:
    """The bureau's masthead, signature and imprint for its documents (an empty field takes its default)."""
    _check_bureau(user)
    row = DocumentSettings.load()
    row.masthead, row.issuer, row.printer = masthead.strip(), issuer.strip(), printer.strip()
    row.full_clean()
    as_user(row, user).save()
    return row


def default_title(month: dt.date) -> str:
    return f"关于{month.year}年{month.month}月全县招商引资工作进展情况的通报"


def default_number(month: dt.date) -> str:
    """招商通〔2026〕12号 for December; when that number is taken (a second draft of the month), the first number
    of the year after the twelve months' own that no bulletin uses yet."""
    prefix = f"招商通〔{month.year}〕"
    used = set(Bulletin.objects.filter(number__startswith=prefix).values_list("number", flat=True))
    serial = month.month
    if f"{prefix}{serial}号" in used:
        serial = 13
        while f"{prefix}{serial}号" in used:
            serial += 1
    return f"{prefix}{serial}号"


def default_as_of(month: dt.date, today: dt.date | None = None) -> dt.date:
    """The last day of the month, or today if that comes first."""
    return min(compute.month_end(month), today or clock.today())


def _check_bureau(user) -> None:
    if user is not None and not access.edits_everything(user):
        raise PermissionDenied


def _check_draft(bulletin: Bulletin) -> None:
    if bulletin.status != Status.DRAFT:
        raise ValidationError(_("An issued bulletin cannot be changed or withdrawn."))


def _validate(bulletin: Bulletin) -> None:
    period = bulletin.period
    errors = []
    month = bulletin.month
    if month > period.end or compute.month_end(month) < period.start:
        errors.append(
            _("The month %(month)s is outside the period %(period)s (%(start)s to %(end)s).")
            % {"month": f"{month:%Y-%m}", "period": period.name, "start": period.start, "end": period.end}
        )
    if bulletin.as_of < month:
        errors.append(
            _("The figures must be as of a day in the month or later, not %(date)s.") % {"date": bulletin.as_of}
        )
    if bulletin.as_of > clock.today():
        errors.append(_("The figures cannot be as of a future date (%(date)s).") % {"date": bulletin.as_of})
    if bulletin.big_project_amount is None or bulletin.big_project_amount <= 0:
        errors.append(_("The big project threshold must be greater than zero."))
    if not bulletin.title.strip():
        errors.append(_("The bulletin needs a title."))
    if bulletin.number:
        taken = Bulletin.objects.filter(number=bulletin.number).exclude(pk=bulletin.pk).order_by("pk").first()
        if taken is not None:
            errors.append(
                _("The document number %(number)s is already used by “%(title)s”.")
                % {"number": bulletin.number, "title": taken.title}
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_draft(
    *,
    user,
    period: Period,
    month: dt.date,
    as_of: dt.date | None = None,
    basis: str | None = None,
    number: str | None = None,
    title: str | None = None,
    date: dt.date | None = None,
    requirements: str | None = None,
    big_project_amount: Decimal | None = None,
) -> Bulletin:
    """A new draft for ``month`` (any day of it) with the usual title, number and requirements."""
    _check_bureau(user)
    month = compute.month_start(month)
    bulletin = Bulletin(
        period=period,
        month=month,
        as_of=as_of or default_as_of(month),
        basis=basis or period.basis,
        number=default_number(month) if number is None else number.strip(),
        title=default_title(month) if title is None else title.strip(),
        date=date or clock.today(),
        requirements=DEFAULT_REQUIREMENTS if requirements is None else requirements.strip(),
        big_project_amount=Decimal("5000") if big_project_amount is None else big_project_amount,
        created_by=user if getattr(user, "pk", None) else None,
    )
    _validate(bulletin)
    bulletin.full_clean(exclude=["snapshot", "detail", "criticised_units"])
    as_user(bulletin, user).save()
    return bulletin


@transaction.atomic
def create_correction(*, user, bulletin: Bulletin) -> Bulletin:
    """A draft correction (更正) of an issued bulletin: the same period, month and figures date, the number and
    title marked （更正）. Issued, it supersedes the bulletin it corrects; both stay frozen and visible. An issued
    bulletin is never changed: a correction is the only way to put a mistake right."""
    _check_bureau(user)
    original = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if not original.is_issued:
        raise ValidationError(_("Only an issued bulletin is corrected; edit the draft instead."))
    if original.superseded_by is not None:
        raise ValidationError(_("This bulletin has already been corrected; correct the correction instead."))
    base = original.number or default_number(original.month)
    number, serial = f"{base}（更正）", 1
    while Bulletin.objects.filter(number=number).exists():
        serial += 1
        number = f"{base}（更正{serial}）"
    draft = Bulletin(
        period=original.period,
        month=original.month,
        as_of=original.as_of,
        basis=original.basis,
        number=number,
        title=original.title if original.title.endswith("（更正）") else f"{original.title}（更正）",
        date=clock.today(),
        requirements=original.requirements,
        big_project_amount=original.big_project_amount,
        introducer_rewards=original.introducer_rewards,
        corrects=original,
        created_by=user if getattr(user, "pk", None) else None,
    )
    _validate(draft)
    draft.full_clean(exclude=["snapshot", "detail", "criticised_units"])
    as_user(draft, user).save()
    return draft


@transaction.atomic
def update_draft(
    *,
    user,
    bulletin: Bulletin,
    requirements: str | None = None,
    number: str | None = None,
    title: str | None = None,
    date: dt.date | None = None,
    as_of: dt.date | None = None,
    big_project_amount: Decimal | None = None,
    introducer_rewards: bool | None = None,
) -> Bulletin:
    """Change what the bureau edits before issuing; arguments left None stay as they are."""
    _check_bureau(user)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    _check_draft(bulletin)
    if requirements is not None:
        bulletin.requirements = requirements.strip()
    if number is not None:
        bulletin.number = number.strip()
    if title is not None:
        bulletin.title = title.strip()
    if date is not None:
        bulletin.date = date
    if as_of is not None:
        bulletin.as_of = as_of
    if big_project_amount is not None:
        bulletin.big_project_amount = big_project_amount
    if introducer_rewards is not None:
        bulletin.introducer_rewards = introducer_rewards
    _validate(bulletin)
    bulletin.full_clean(exclude=["snapshot", "detail", "criticised_units"])
    as_user(bulletin, user).save()
    return bulletin


@transaction.atomic
def delete_draft(*, user, bulletin: Bulletin) -> None:
    _check_bureau(user)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    _check_draft(bulletin)
    as_user(bulletin, user).delete()


def snapshot_for(bulletin: Bulletin, *, detail: bool = True) -> dict:
    """Compute the bulletin's figures now (what a draft shows and what issuing stores); ``detail``: with
    the lookup of the projects and receipts behind them."""
    try:
        snapshot = compute.build_snapshot(
            period=bulletin.period,
            month=bulletin.month,
            as_of=bulletin.as_of,
            basis=bulletin.basis,
            big_project_amount=bulletin.big_project_amount,
            detail=detail,
            introducer_rewards=bulletin.introducer_rewards,
        )
    except NotImplementedError:
        raise ValidationError(
            _("Verified figures need the supervisors' verifications, which are not available yet.")
        ) from None
    return apply_findings(snapshot, bulletin)


def apply_findings(snapshot: dict, bulletin: Bulletin) -> dict:
    """Put the bureau's findings on the candidates for accountability into the snapshot: ``flags
    ["accountability"]`` lists the candidates found accountable (with the reason), the only ones the document
    prints; ``undecided`` the candidates nobody has decided on yet."""
    saved = bulletin.pk is not None  # a draft written by the command without being stored has no findings
    findings = {f.unit_id: f for f in AccountabilityFinding.objects.filter(bulletin=bulletin)} if saved else {}
    held, undecided = [], []
    for unit in snapshot["lists"]["flags"].get("accountability_candidate", []):
        finding = findings.get(unit["id"])
        if finding is None:
            undecided.append(unit)
        else:
            unit["finding"] = {"held": finding.held, "reason": finding.reason}
            if finding.held:
                held.append({**unit, "finding_reason": finding.reason})
    snapshot["lists"]["flags"]["accountability"] = held
    snapshot["lists"]["undecided"] = undecided
    return snapshot


@transaction.atomic
def decide_accountability(*, user, bulletin: Bulletin, unit_id: int, held: bool, reason: str) -> AccountabilityFinding:
    """Record (or change) the bureau's finding on one candidate for accountability of a draft bulletin."""
    _check_bureau(user)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    _check_draft(bulletin)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the finding.")})
    finding = AccountabilityFinding.objects.filter(bulletin=bulletin, unit_id=unit_id).first()
    if finding is None:
        finding = AccountabilityFinding(bulletin=bulletin, unit_id=unit_id)
    finding.held, finding.reason, finding.decided_by = held, reason, user
    finding.full_clean(exclude=["bulletin", "unit", "decided_by"])
    as_user(finding, user).save()
    return finding


@transaction.atomic
def issue(*, user, bulletin: Bulletin) -> Bulletin:
    """Compute and store the snapshot and mark the bulletin issued. There is no way back."""
    _check_bureau(user)
    bulletin = Bulletin.objects.select_for_update().select_related("period").get(pk=bulletin.pk)
    _check_draft(bulletin)
    _validate(bulletin)
    if bulletin.corrects_id is not None:
        if Bulletin.objects.filter(corrects_id=bulletin.corrects_id, status=Status.ISSUED).exists():
            raise ValidationError(_("This bulletin has already been corrected; correct the correction instead."))
    elif Bulletin.objects.filter(
        period=bulletin.period, month=bulletin.month, status=Status.ISSUED, corrects__isnull=True
    ).exists():
        raise ValidationError(
            _("The bulletin for %(month)s has already been issued in this period.")
            % {"month": f"{bulletin.month:%Y-%m}"}
        )
    snapshot = snapshot_for(bulletin)
    if snapshot["lists"]["undecided"]:
        names = "、".join(unit["name"] for unit in snapshot["lists"]["undecided"])
        raise ValidationError(
            _("Decide first whether these candidates for accountability are held accountable: %(units)s.")
            % {"units": names}
        )
    bulletin.detail = snapshot.pop("lookup")
    bulletin.snapshot = snapshot
    bulletin.criticised_units = sorted(unit["id"] for unit in bulletin.snapshot["lists"]["flags"]["criticised"])
    bulletin.status = Status.ISSUED
    bulletin.issued_at = clock.now()
    bulletin.issued_by = user if getattr(user, "pk", None) else None
    try:
        with transaction.atomic():
            as_user(bulletin, user).save()
    except IntegrityError:  # another issue of the same month won the race
        raise ValidationError(
            _("The bulletin for %(month)s has already been issued in this period.")
            % {"month": f"{bulletin.month:%Y-%m}"}
        ) from None
    return bulletin
