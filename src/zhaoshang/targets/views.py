from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhaoshang.core.views import add_form_errors
from zhaoshang.organization import access

from . import previews, services
from .choices import SchemeKind, ScoringFunction
from .consequence_rows import RowsRefused, RuleRow, rows_of, rules_of
from .consequences import from_json as consequences_from_json
from .county_views import county_rows
from .forms import (
    ConsequenceFormSet,
    GroupForm,
    IndicatorFormSet,
    PeriodForm,
    PresetForm,
    SchemeForm,
    SchemeItemForm,
    SchemeItemFormSet,
    VetoForm,
)
from .models import Period, Scheme, TargetGroup, Veto


def _require_bureau(request) -> None:
    if not access.edits_everything(request.user):
        raise PermissionDenied


@login_required
def period_list(request):
    return render(
        request,
        "targets/period_list.html",
        {
            "periods": Period.objects.all(),
            "can_edit": access.edits_everything(request.user),
        },
    )


@login_required
def period_detail(request, pk):
    period = get_object_or_404(Period, pk=pk)
    groups = TargetGroup.objects.filter(period=period).select_related("unit").prefetch_related("indicators")
    by_tier, by_unit = defaultdict(list), defaultdict(list)
    for group in groups:
        (by_unit[group.unit] if group.unit_id else by_tier[group.get_tier_display()]).append(group)
    return render(
        request,
        "targets/period_detail.html",
        {
            "period": period,
            "by_tier": sorted(by_tier.items(), key=lambda item: item[1][0].tier),
            "by_unit": sorted(by_unit.items(), key=lambda item: item[0].code),
            "vetoes": period.vetoes.select_related("unit"),
            "scheme": Scheme.objects.filter(period=period, kind=SchemeKind.POINTS).prefetch_related("items").first(),
            "preset_form": PresetForm(),
            "veto_form": VetoForm(),
            "can_edit": access.edits_everything(request.user),
            "county_rows": county_rows(period),
        },
    )


def _period_form(request, period):
    _require_bureau(request)
    form = PeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, **form.rule_counts()}
        try:
            saved = services.save_period(user=request.user, period=period, data=data)
            messages.success(request, _("Period saved."))
            return redirect(saved)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "targets/period_form.html", {"form": form, "period": period})


@login_required
def period_create(request):
    return _period_form(request, None)


@login_required
def period_edit(request, pk):
    return _period_form(request, get_object_or_404(Period, pk=pk))


def _group_form(request, period, group):
    _require_bureau(request)
    if group is None:
        initial, initial_indicators = {"tier": request.GET.get("tier") or None}, [{}]
    else:
        initial = {
            "name": group.name,
            "tier": group.tier,
            "unit": group.unit,
            "weight": group.weight,
            "order": group.order,
        }
        initial_indicators = [
            {
                "kind": i.kind,
                "stage": i.stage,
                "amount_field": i.amount_field,
                "min_amount": i.min_amount,
                "target": i.target,
            }
            for i in group.indicators.all()
        ]
    form = GroupForm(request.POST or None, initial=initial)
    indicators = IndicatorFormSet(request.POST or None, prefix="ind", initial=initial_indicators)
    if request.method == "POST" and form.is_valid() and indicators.is_valid():
        data = form.cleaned_data
        specs = [
            services.IndicatorData(
                kind=f.cleaned_data["kind"],
                stage=f.cleaned_data.get("stage") or "",
                amount_field=f.cleaned_data["amount_field"],
                min_amount=f.cleaned_data.get("min_amount") or 0,
                target=f.cleaned_data["target"],
            )
            for f in indicators.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.save_group(
                user=request.user,
                period=period,
                group=group,
                name=data["name"],
                tier=data.get("tier"),
                unit=data.get("unit"),
                weight=data["weight"],
                order=data["order"],
                indicators=specs,
            )
            messages.success(request, _("Target saved."))
            return redirect(period)
        except ValidationError as error:
            add_form_errors(form, error)
    return render(
        request,
        "targets/group_form.html",
        {
            "form": form,
            "indicators": indicators,
            "period": period,
            "group": group,
        },
    )


@login_required
def group_create(request, pk):
    return _group_form(request, get_object_or_404(Period, pk=pk), None)


@login_required
def group_edit(request, pk):
    group = get_object_or_404(TargetGroup, pk=pk)
    return _group_form(request, group.period, group)


@login_required
@require_POST
def group_delete(request, pk):
    _require_bureau(request)
    group = get_object_or_404(TargetGroup, pk=pk)
    services.delete_group(user=request.user, group=group)
    messages.success(request, _("Target removed."))
    return redirect(group.period)


@login_required
@require_POST
def preset_apply(request, pk):
    _require_bureau(request)
    period = get_object_or_404(Period, pk=pk)
    form = PresetForm(request.POST)
    if form.is_valid():
        count = services.apply_hundred_day_preset(
            user=request.user, period=period, tier_one_funds=form.cleaned_data.get("tier_one_funds")
        )
        messages.success(
            request, _("The 100-day competition table was loaded: %(count)s target groups.") % {"count": count}
        )
        if not form.cleaned_data.get("tier_one_funds"):
            messages.warning(request, _("Tier 1 has no funds-in-place target yet: add it when it is set."))
    return redirect(period)


@login_required
@require_POST
def veto_add(request, pk):
    _require_bureau(request)
    period = get_object_or_404(Period, pk=pk)
    form = VetoForm(request.POST)
    if form.is_valid():
        try:
            services.set_veto(
                user=request.user, period=period, unit=form.cleaned_data["unit"], reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("Veto recorded."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("Choose the unit and give the reason."))
    return redirect(period)


@login_required
@require_POST
def veto_delete(request, pk):
    _require_bureau(request)
    veto = get_object_or_404(Veto, pk=pk)
    services.remove_veto(user=request.user, veto=veto)
    messages.success(request, _("Veto removed."))
    return redirect(veto.period)


# --- the scoring scheme (评分细则) ------------------------------------------------------------------------

FUNCTION_HELP = {
    "ratio": gettext_lazy(
        "actual ÷ task × points, capped at the points (or the cap); without a task: the full points if "
        "the unit has anything."
    ),
    "efficacy": gettext_lazy(
        "60% × points + 40% × points × (x − min) ÷ (max − min) within the ranking group; when every unit "
        "has the same value: the full points above zero, 60% at zero."
    ),
    "step": gettext_lazy(
        "base points for meeting the task, ± points per step for every full step of completion above or below "
        "it, within the most added and the most taken off."
    ),
    "per_count": gettext_lazy(
        "base points for meeting the task, + points per whole project above it, − points per project "
        "below it, within the limits."
    ),
    "banded": gettext_lazy(
        "for each project, the points of the band its amount falls in ([from, below): 以上 includes the "
        "number), times the unit's share, summed and capped."
    ),
    "per_occurrence": gettext_lazy(
        "points per occurrence (a late report, a criticism, a finding, or a project), capped."
    ),
    "threshold": gettext_lazy("the full points when the measure reaches the task, else nothing."),
    "stretch": gettext_lazy(
        "the share for the task (80% unless set) of the points on reaching the task, the full points on reaching "
        "the stretch target (力争, from its own target group), linear in between; below the task actual ÷ task × "
        "that share."
    ),
}


@login_required
def scheme_edit(request, pk):
    """Build the period's points scheme: its fields and its items (formset), saved all or nothing; and its
    consequences (奖惩规则, rows of a second form posted with ``save_consequences``)."""
    _require_bureau(request)
    period = get_object_or_404(Period, pk=pk)
    stored = Scheme.objects.filter(period=period).first()
    scheme = stored if stored is not None and stored.kind == SchemeKind.POINTS else None
    group_names = services.period_group_names(period)
    on_rules = request.method == "POST" and "save_consequences" in request.POST
    posted = request.POST if request.method == "POST" and not on_rules else None
    initial_items = [SchemeItemForm.initial_of(item) for item in scheme.items.all()] if scheme else []
    form = SchemeForm(posted, initial=SchemeForm.initial_of(scheme))
    items = SchemeItemFormSet(posted, prefix="item", initial=initial_items, group_names=group_names)
    rules_initial = [vars(row) for row in rows_of(consequences_from_json(stored.consequences if stored else None))]
    rules = ConsequenceFormSet(request.POST if on_rules else None, prefix="rule", initial=rules_initial)
    if on_rules and rules.is_valid():
        kept = [f for f in rules.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        rows = [
            RuleRow(
                rule=f.cleaned_data["rule"],
                condition=f.cleaned_data["condition"],
                parameter=f.cleaned_data.get("parameter") or "",
                action=f.cleaned_data.get("action") or "",
            )
            for f in kept
        ]
        try:
            services.save_consequences(user=request.user, period=period, rules=rules_of(rows))
            messages.success(request, _("Consequences saved."))
            return redirect("targets:scheme_edit", period.pk)
        except RowsRefused as refused:
            for index, _column, message in refused.refusals:
                kept[index].add_error(None, message)
        except services.SchemeRefused as refused:
            for _index, message in refused.refusals:
                rules._non_form_errors.append(message)
    if posted is not None and form.is_valid() and items.is_valid():
        known = items.initial_form_count()
        kept = [
            f
            for index, f in enumerate(items.forms)
            if (index < known or f.has_changed()) and f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.save_scheme(
                user=request.user, period=period, data=form.cleaned_data, items=[f.item_data() for f in kept]
            )
            messages.success(request, _("Scoring scheme saved."))
            return redirect(period)
        except services.SchemeRefused as refused:
            for index, message in refused.refusals:
                (form if index is None else kept[index]).add_error(None, message)
    return render(
        request,
        "targets/scheme_form.html",
        {
            "period": period,
            "scheme": scheme,
            "form": form,
            "items": items,
            "rules": rules,
            "rules_are_default": not (stored and stored.consequences),
            "group_names": group_names,
            "functions": [(label, FUNCTION_HELP[value]) for value, label in ScoringFunction.choices],
            "preview": previews.points_preview(period) if scheme else None,
        },
    )


@login_required
@require_POST
def scheme_delete(request, pk):
    _require_bureau(request)
    period = get_object_or_404(Period, pk=pk)
    services.delete_scheme(user=request.user, period=period)
    messages.success(request, _("The period scores by weighted completion again."))
    return redirect(period)
