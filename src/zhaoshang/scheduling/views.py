"""Pages of the scheduling calendar, the round board and the progress reports.

Coordination items and stalled projects are in ``views_items.py``."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Value, When
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core import clock, optimistic
from zhaoshang.core.views import add_form_errors, flash_errors, get_restricted
from zhaoshang.notifications.services import notify_units
from zhaoshang.organization import access
from zhaoshang.projects.choices import Stage

from . import reports as report_services
from . import selectors, services
from .choices import OUTSTANDING, ReportStatus, RoundStatus
from .filtersets import RoundReportFilterSet
from .forms import ConfigForm, MoveRoundForm, OpenRoundForm, PlanMonthForm, ReportForm, ReturnForm
from .models import ProgressReport, SchedulingConfig, SchedulingRound

logger = logging.getLogger(__name__)


def _require_bureau(request) -> None:
    if not access.edits_everything(request.user):
        raise PermissionDenied


# --- settings and the calendar ----------------------------------------------------------------------


@login_required
def config_edit(request):
    _require_bureau(request)
    config = SchedulingConfig.load()
    form = ConfigForm(
        request.POST or None,
        initial={
            "days_of_month": config.days_of_month,
            "stages": config.stages,
            "stalled_after_days": config.stalled_after_days,
            "reminder_offsets": config.reminder_offsets,
            "item_deadline_days": config.item_deadline_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_config(user=request.user, **form.cleaned_data)
            messages.success(request, _("Scheduling settings saved."))
            return redirect("scheduling:round_list")
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "scheduling/config.html", {"form": form, "config": config})


@login_required
def round_list(request):
    config = SchedulingConfig.load()
    round_rows = list(selectors.rounds(user=request.user)[:60])
    counts = selectors.round_counts([r.pk for r in round_rows])
    today = clock.today()
    can_edit = access.edits_everything(request.user)
    next_year, next_month = _next_month(today)
    return render(
        request,
        "scheduling/round_list.html",
        {
            "rounds": [(r, counts[r.pk]) for r in round_rows],
            "config": config,
            "config_stages": [Stage(stage).label for stage in config.stages if stage in Stage.values],
            "today": today,
            "can_edit": can_edit,
            "next_days": services.plan_days(today.year, today.month, config=config)
            + services.plan_days(next_year, next_month, config=config),
            "plan_form": PlanMonthForm(initial={"month": f"{next_year:04d}-{next_month:02d}"}, auto_id="plan_%s"),
            "open_form": OpenRoundForm(initial={"date": today, "stages": config.stages}, auto_id="open_%s"),
        },
    )


def _next_month(today) -> tuple[int, int]:
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


@login_required
@require_POST
def plan_month(request):
    _require_bureau(request)
    form = PlanMonthForm(request.POST)
    if form.is_valid():
        year, month = form.cleaned_data["month"]
        created = services.plan_month(user=request.user, year=year, month=month)
        messages.success(
            request,
            _("%(count)d scheduling days planned for %(month)s.")
            % {"count": len(created), "month": f"{year}-{month:02d}"},
        )
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("scheduling:round_list")


@login_required
@require_POST
def round_open(request):
    """Open a round on a chosen date, for the chosen stages (or add reports to an open one)."""
    _require_bureau(request)
    form = OpenRoundForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("scheduling:round_list")
    try:
        scheduling_round = services.open_round(
            user=request.user, date=form.cleaned_data["date"], stages=form.cleaned_data["stages"]
        )
    except ValidationError as error:
        flash_errors(request, error)
        return redirect("scheduling:round_list")
    messages.success(
        request,
        _("Round of %(date)s open: %(count)d reports due.")
        % {"date": scheduling_round.date.isoformat(), "count": scheduling_round.reports.count()},
    )
    return redirect(scheduling_round)


# --- one round ------------------------------------------------------------------------------------


@login_required
def round_detail(request, pk):
    scheduling_round = get_restricted(SchedulingRound.objects, request.user, pk, "view")
    today = clock.today()
    board = selectors.board(user=request.user, scheduling_round=scheduling_round, today=today)
    visible = selectors.reports(user=request.user).filter(scheduling_round=scheduling_round)
    filterset = RoundReportFilterSet(
        request.GET or None, queryset=visible, unit_ids=[row.unit.pk for row in board.rows]
    )
    report_rows = filterset.qs if filterset.is_bound and filterset.is_valid() else visible
    fillable = ProgressReport.objects.restrict(request.user, "change").filter(
        scheduling_round=scheduling_round, status__in=OUTSTANDING
    )
    fillable_ids = set(fillable.values_list("pk", flat=True)) if scheduling_round.status == RoundStatus.OPEN else set()
    return render(
        request,
        "scheduling/round_board.html",
        {
            "round": scheduling_round,
            "board": board,
            "filter": filterset,
            "reports": _own_first(report_rows, request.user),
            "today": today,
            "can_edit": access.edits_everything(request.user),
            "can_submit_all": scheduling_round.status == RoundStatus.OPEN
            and access.is_reporter(request.user)
            and bool(fillable_ids),
            "fillable_ids": fillable_ids,
            "fillable_count": len(fillable_ids),
            "overdue_items": selectors.overdue_items(user=request.user, today=today)[:50],
            "move_form": MoveRoundForm(initial={"new_date": scheduling_round.date}, auto_id="move_%s"),
            "history": selectors.round_history(scheduling_round),
        },
    )


def _own_first(queryset, user):
    """A reporter's own unit's reports first, then those they only read (co-credited projects)."""
    if not access.is_reporter(user):
        return queryset.order_by("unit__code", "project__code")
    mine = Case(When(unit_id__in=access.unit_ids(user), then=Value(0)), default=Value(1))
    return queryset.annotate(mine=mine).order_by("mine", "unit__code", "project__code")


@login_required
@require_POST
def round_open_planned(request, pk):
    scheduling_round = get_restricted(SchedulingRound.objects, request.user, pk, "change")
    try:
        services.open_round(user=request.user, date=scheduling_round.date)
        messages.success(request, _("Round open."))
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(scheduling_round)


@login_required
@require_POST
def round_move(request, pk):
    scheduling_round = get_restricted(SchedulingRound.objects, request.user, pk, "change")
    form = MoveRoundForm(request.POST)
    if form.is_valid():
        try:
            services.move_round(
                user=request.user,
                scheduling_round=scheduling_round,
                new_date=form.cleaned_data["new_date"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Scheduling day moved."))
        except ValidationError as error:
            flash_errors(request, error)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(scheduling_round)


@login_required
@require_POST
def round_close(request, pk):
    scheduling_round = get_restricted(SchedulingRound.objects, request.user, pk, "change")
    try:
        services.close_round(user=request.user, scheduling_round=scheduling_round)
        messages.success(request, _("Round closed."))
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(scheduling_round)


@login_required
@require_POST
def round_remind(request, pk):
    """One click: remind the units that still owe reports in this round."""
    scheduling_round = get_restricted(SchedulingRound.objects, request.user, pk, "change")
    today = clock.today()
    board = selectors.board(user=request.user, scheduling_round=scheduling_round, today=today)
    unit_ids = board.outstanding_unit_ids
    if not unit_ids:
        messages.info(request, _("Every unit has submitted its reports."))
        return redirect(scheduling_round)
    names = "、".join(row.unit.name for row in board.rows if row.unit.pk in unit_ids)
    notify_units(
        unit_ids=unit_ids,
        title=_("Progress reports of %(date)s still missing") % {"date": scheduling_round.date.isoformat()},
        body=_("Please submit your unit's progress reports for the scheduling day of %(date)s.")
        % {"date": scheduling_round.date.isoformat()},
        url=scheduling_round.get_absolute_url(),
        key=f"scheduling:{scheduling_round.date.isoformat()}:late:{today.isoformat()}",
    )
    messages.success(request, _("Reminder sent to %(units)s.") % {"units": names})
    return redirect(scheduling_round)


@login_required
@require_POST
def round_submit_all(request, pk):
    scheduling_round = get_restricted(SchedulingRound.objects, request.user, pk, "view")
    if not access.is_reporter(request.user):
        # "Submit all" is a unit's button; the bureau submits a unit's report one by one on its behalf.
        raise PermissionDenied
    try:
        submitted = report_services.submit_all(user=request.user, scheduling_round=scheduling_round)
        messages.success(request, _("%(count)d reports submitted.") % {"count": len(submitted)})
    except ValidationError as error:
        messages.error(request, _("Nothing was submitted. Correct these reports first:"))
        flash_errors(request, error)
    return redirect(scheduling_round)


# --- one report -------------------------------------------------------------------------------------


def _report_initial(report: ProgressReport) -> dict:
    initial = {name: getattr(report, name) for name in ReportForm.DATA_FIELDS}
    initial["version"] = report_services.report_version(report)
    return initial


@login_required
def report_detail(request, pk):
    """The report: its content, the form to fill while it is owed, and the bureau's return and accept."""
    report = get_restricted(selectors.reports(user=request.user), request.user, pk, "view")
    can_fill = (
        report.status in OUTSTANDING
        and report.scheduling_round.status == RoundStatus.OPEN
        and ProgressReport.objects.restrict(request.user, "change").filter(pk=report.pk).exists()
    )
    form = ReportForm(request.POST or None, request.FILES or None, initial=_report_initial(report))
    if request.method == "POST":
        if not can_fill:
            raise PermissionDenied
        if form.is_valid():
            outcome = _save_and_maybe_submit(request, report, form)
            if outcome:
                return redirect(report.scheduling_round if request.POST.get("action") == "submit" else report)
    review = access.edits_everything(request.user) and report.status == ReportStatus.SUBMITTED
    return render(
        request,
        "scheduling/report.html",
        {
            "report": report,
            "form": form if can_fill else None,
            "return_form": ReturnForm(auto_id="return_%s") if review else None,
            "can_review": review,
            "late": report.is_late(clock.today()),
            "item": getattr(report, "coordination_item", None),
            "history": selectors.report_history(report),
        },
    )


def _save_and_maybe_submit(request, report: ProgressReport, form: ReportForm) -> bool:
    """Save the draft; then, when asked, submit. A failed submission keeps the draft and shows the errors."""
    try:
        report_services.save_report(
            user=request.user,
            report=report,
            data=form.report_data(),
            evidence=form.cleaned_data.get("evidence"),
            evidence_kind=form.cleaned_data.get("evidence_kind") or "other",
            version=optimistic.posted_version(request),
        )
    except optimistic.StaleEdit as error:
        add_form_errors(form, error)
        # The form keeps what this user typed and now carries the report as saved: saving again overwrites.
        report.refresh_from_db()
        form.data = form.data.copy()
        form.data[optimistic.FIELD] = report_services.report_version(report)
        return False
    except ValidationError as error:
        add_form_errors(form, error)
        return False
    if request.POST.get("action") != "submit":
        messages.success(request, _("Report saved (not submitted yet)."))
        return True
    try:
        with transaction.atomic():
            report_services.submit_report(user=request.user, report=report)
    except ValidationError as error:
        report.refresh_from_db()
        add_form_errors(form, error)
        return False
    messages.success(request, _("Report for %(project)s submitted.") % {"project": report.project.name})
    return True


@login_required
@require_POST
def report_return(request, pk):
    report = get_restricted(ProgressReport.objects, request.user, pk, "change")
    form = ReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say what needs correcting."))
        report_services.return_report(user=request.user, report=report, comment=form.cleaned_data["comment"])
        messages.success(request, _("Report returned to %(unit)s for correction.") % {"unit": report.unit.name})
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(report)


@login_required
@require_POST
def round_review(request, pk):
    """Accept or return the selected reports of a round at once."""
    scheduling_round = get_restricted(SchedulingRound.objects, request.user, pk, "view")
    accept = request.POST.get("action") == "accept"
    try:
        count = report_services.review_many(
            user=request.user,
            report_ids=request.POST.getlist("report"),
            accept=accept,
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        if accept:
            messages.success(request, _("%(count)d reports accepted.") % {"count": count})
        else:
            messages.success(request, _("%(count)d reports returned for correction.") % {"count": count})
    return redirect(scheduling_round)


@login_required
@require_POST
def report_accept(request, pk):
    report = get_restricted(ProgressReport.objects, request.user, pk, "change")
    try:
        report_services.accept_report(user=request.user, report=report)
        messages.success(request, _("Report accepted."))
    except ValidationError as error:
        flash_errors(request, error)
    return redirect(report)
