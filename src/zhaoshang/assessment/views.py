"""The assessment of a period, by category, the drill-down of a unit's figures to their rows, and the 水分
report (the reported assessment minus the verified one)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhaoshang.core import clock
from zhaoshang.core.views import get_restricted
from zhaoshang.jobs import stored as stored_results
from zhaoshang.organization import access
from zhaoshang.organization.choices import Category
from zhaoshang.organization.models import Unit
from zhaoshang.projects import rules
from zhaoshang.projects.models import FundsReceipt, Project
from zhaoshang.supervision.models import SupervisionBatch
from zhaoshang.targets import consequences as rulebook
from zhaoshang.targets.choices import MeasureKind, Section
from zhaoshang.targets.consequence_rows import parameter_text
from zhaoshang.targets.forms import ACTION_CHOICES, CONDITION_CHOICES, AssessForm
from zhaoshang.targets.models import Period, Scheme
from zhaoshang.targets.scoring import OCCURRENCE_MEASURES, SUMMED_MEASURES, SchemeError
from zhaoshang.transfer.views import xlsx_response

from . import county, engine, selectors, stored, water
from .forms import WaterForm
from .labels import FLAG_COLOURS, FLAG_LABELS

ZERO = Decimal("0")
CATEGORY_ORDER = ["township", "department", "vertical", "park", "office"]
# The rows behind an occurrence measure, read through the app registry: the assessment does not import the
# bulletins app (it depends on the assessment).
OCCURRENCE_MODELS = {
    ("late_reports", "missing_reports"): "scheduling.ProgressReport",
    ("criticisms",): "bulletins.Bulletin",
    ("findings",): "supervision.Verification",
    # Not a unit's row: every county role and the unit's own reporter read the decision (the page shows a reporter
    # only the date and the unit's own project merged away).
    ("double_claims",): "claims.ClaimPair",
}


def _parameters(request, period: Period):
    default_as_of = min(clock.today(), period.end)
    form = AssessForm(request.GET or None, initial={"as_of": default_as_of, "basis": period.basis})
    as_of, basis = default_as_of, period.basis
    if form.is_bound and form.is_valid():
        as_of, basis = form.cleaned_data["as_of"], form.cleaned_data["basis"]
    return form, as_of, basis


def _assess(period, as_of, basis):
    """The assessment, or a scheme that cannot be computed: an empty one and the reason in the user's language
    (``scoring.SchemeError``: the scheme editor refuses such a scheme; one stored otherwise must not break the
    page)."""
    try:
        return selectors.assess_period(period, as_of, basis=basis), ""
    except SchemeError as error:
        return engine.Assessment(period.start, period.end, as_of, ZERO, []), gettext(error.message) % error.params


def _flags(result):
    return [(flag, FLAG_LABELS[flag], FLAG_COLOURS[flag]) for flag in result.flags]


def _points_tables(assessment) -> list[dict]:
    """Under a points scheme, one table per ranking group (categories first, in their usual order), ranked by
    points, with each item's points; the units scored but in no ranking group last, unranked."""
    by_group: dict[str, list] = defaultdict(list)
    for result in assessment.units:
        if result.points is not None:
            by_group[result.ranking_group or ""].append(result)
    names = _unit_names(assessment)
    sections = sorted((k for k in by_group if engine.section_parent(k) is not None), key=lambda k: names.get(k, ""))
    keys = [c for c in CATEGORY_ORDER if c in by_group]
    keys += sorted(k for k in by_group if k and k not in CATEGORY_ORDER and k not in sections)
    keys += sections
    keys += [""] if "" in by_group else []
    tables = []
    for index, key in enumerate(keys):
        if key in Category.values:
            code, label = key, Category(key).label
        elif key in sections:
            code, label = f"group-{index}", _section_label(key, names)
        elif key == "all":
            code, label = key, _("All units")
        elif key:
            code, label = f"group-{index}", key
        else:
            code, label = "unranked", _("Not ranked")
        ranked = sorted(by_group[key], key=lambda r: (r.order or 0, -r.points, r.unit.code))
        items = [(item.code, item.name) for item in ranked[0].items]
        rows = [{"result": r, "scheme_items": r.items, "flags": _flags(r)} for r in ranked]
        tables.append(
            {"code": code, "label": label, "group_names": [], "item_names": items, "rows": rows, "points": True}
        )
    return tables


def _unit_names(assessment) -> dict[str, str]:
    """Ranking group of sections → the code and name of the unit they belong to, to order and name the tables."""
    by_id = {result.unit.id: result.unit for result in assessment.units}
    found = {}
    for result in assessment.units:
        key = engine.ranking_key(result.unit)
        parent = engine.section_parent(key)
        if parent is not None and key not in found:
            unit = by_id.get(parent)
            found[key] = f"{unit.code} {unit.name}" if unit else str(Unit.objects.filter(pk=parent).first() or "")
    return found


def _section_label(key: str, names: dict[str, str]) -> str:
    name = names.get(key, "").partition(" ")[2] or names.get(key, "")
    return gettext("Sections of %(unit)s") % {"unit": name}


@login_required
def period_assessment(request, pk):
    """The period's ranking tables, from the stored assessment (``assessment.stored``, computed by a background
    job): the page says when it was computed, that the data changed, or that it is computing (and polls)."""
    period = get_object_or_404(Period, pk=pk)
    form, as_of, basis = _parameters(request, period)
    found = stored_results.fetch(stored.PERIOD_RESULT, stored.params(period, as_of, basis))
    if found.data is None:
        assessment, scheme_error = engine.Assessment(period.start, period.end, as_of, ZERO, []), ""
    else:
        assessment, scheme_error = stored.revive(found.data)
    state = found.page_state()
    points_scheme = any(result.points is not None for result in assessment.units)
    categories = _points_tables(assessment) if points_scheme else []
    by_key = defaultdict(list)
    for result in assessment.units:
        if result.score is not None:
            by_key[engine.ranking_key(result.unit)].append(result)
    names_by_key = _unit_names(assessment)
    sections = sorted((k for k in by_key if engine.section_parent(k) is not None), key=names_by_key.get)
    for category in [] if points_scheme else [*CATEGORY_ORDER, *sections]:
        ranked = sorted(by_key.get(category, ()), key=lambda u: u.order)
        if not ranked:
            continue
        names = []
        for result in ranked:
            for group in result.groups:
                if group.spec.name not in names:
                    names.append(group.spec.name)
        rows = [
            {
                "result": result,
                "groups": [next((g for g in result.groups if g.spec.name == name), None) for name in names],
                "flags": _flags(result),
            }
            for result in ranked
        ]
        label = Category(category).label if category in Category.values else _section_label(category, names_by_key)
        code = category if category in Category.values else f"sections-{engine.section_parent(category)}"
        categories.append({"code": code, "label": label, "group_names": names, "rows": rows})
    return render(
        request,
        "assessment/period.html",
        {
            "period": period,
            "form": form,
            "as_of": as_of,
            "basis": basis,
            "progress": assessment.schedule_progress,
            "categories": categories,
            "points_scheme": points_scheme,
            "scheme_error": scheme_error,
            "own_rules": _own_rules(period),
            "query": f"as_of={as_of.isoformat()}&basis={basis}",
            "county": county.county_completion(period, as_of, basis=basis),
            "state": state,
            # 已报无佐证 beside the gated figures, per unit the user may see; the rows are the 水分 page's.
            "no_evidence": (
                stored.no_evidence_of(found.data, access.visible_unit_ids(request.user))
                if period.evidence_gate
                else None
            ),
        },
    )


def _own_rules(period: Period) -> list[str]:
    """The period's own consequences in words, one line a rule (empty: the default rules)."""
    stored = Scheme.objects.filter(period=period).values_list("consequences", flat=True).first()
    try:
        book = rulebook.from_json(stored)
    except rulebook.RuleError:
        return []
    if rulebook.is_default(book):
        return []
    conditions, actions = dict(CONDITION_CHOICES), dict(ACTION_CHOICES)
    lines = []
    for rule in book:
        parts = [f"{conditions[c.kind]} {parameter_text(c)}".strip() for c in rule.conditions]
        lines.append(f"{'、'.join(parts)} → {actions[rule.action]}")
    return lines


@login_required
def unit_assessment(request, pk, unit_pk):
    period = get_object_or_404(Period, pk=pk)
    unit = get_restricted(Unit.objects, request.user, unit_pk, "view")
    form, as_of, basis = _parameters(request, period)
    assessment, scheme_error = _assess(period, as_of, basis)
    result = next((u for u in assessment.units if u.unit.id == unit.pk), None)
    groups = []
    if result is not None:
        selectors.read_drill_downs(period, assessment, unit_ids={unit.pk})  # the page lists every figure's rows
        project_ids = {pid for g in result.groups for i in g.indicators for pid in i.project_ids}
        receipt_ids = {rid for g in result.groups for i in g.indicators for rid in i.receipt_ids}
        projects = Project.objects.restrict(request.user, "view").in_bulk(project_ids)
        # The unit's shares rolled up (its own and its sections'), as percentages, as the figures counted them.
        shares = selectors.unit_shares(period, project_ids, unit.pk)
        receipts = FundsReceipt.objects.restrict(request.user, "view").select_related("project").in_bulk(receipt_ids)
        if basis == "verified":
            selectors.show_verified(projects, receipts)
        for group in result.groups:
            rows = []
            for indicator in group.indicators:
                share = {pid: rules.share_fraction(shares.get(pid) or ZERO) for pid in indicator.project_ids}
                rows.append(
                    {
                        "indicator": indicator,
                        "projects": [(projects[pid], share[pid]) for pid in indicator.project_ids if pid in projects],
                        "receipts": sorted(
                            (
                                (receipts[rid], rules.share_fraction(shares.get(receipts[rid].project_id) or ZERO))
                                for rid in indicator.receipt_ids
                                if rid in receipts
                            ),
                            key=lambda item: (item[0].date, item[0].pk),
                        ),
                    }
                )
            groups.append({"group": group, "indicators": rows})
    items = _item_rows(request.user, period, unit, result) if result is not None and result.points is not None else []
    return render(
        request,
        "assessment/unit.html",
        {
            "period": period,
            "unit": unit,
            "result": result,
            "groups": groups,
            "items": items,
            "scheme_error": scheme_error,
            "form": form,
            "as_of": as_of,
            "basis": basis,
            "progress": assessment.schedule_progress,
            "flags": _flags(result) if result else [],
        },
    )


def _item_rows(user, period, unit, result) -> list[dict]:
    """A points scheme's items of one unit, each with the rows behind its measure, as the user may see them:
    projects (with the unit's share) and receipts for a ledger measure, the late or missing scheduling reports,
    the criticising bulletins or the verifications that found a figure inflated for an occurrence."""
    project_ids = {pid for item in result.items for pid in item.project_ids}
    receipt_ids = {rid for item in result.items for rid in item.receipt_ids}
    projects = Project.objects.restrict(user, "view").in_bulk(project_ids)
    shares = selectors.unit_shares(period, project_ids, unit.pk)  # rolled up, as the figures count them
    receipts = FundsReceipt.objects.restrict(user, "view").select_related("project").in_bulk(receipt_ids)
    occurrences = {}
    for what, model in OCCURRENCE_MODELS.items():
        ids = {oid for item in result.items if item.measure.what in what for oid in item.occurrence_ids}
        if ids:
            manager = apps.get_model(model).objects
            readable = manager.restrict(user, "view") if hasattr(manager, "restrict") else manager.all()
            occurrences[what] = readable.in_bulk(ids)
    rows = []
    for item in result.items:
        what = item.measure.what
        found = next((found for kinds, found in occurrences.items() if what in kinds), {})
        share = {pid: rules.share_fraction(shares.get(pid) or ZERO) for pid in item.project_ids}
        rows.append(
            {
                "item": item,
                "what": what,
                "section": Section(item.section).label,
                "measure": MeasureKind(what).label,
                "occurrence": what in OCCURRENCE_MEASURES,
                "projects": [(projects[pid], share[pid]) for pid in item.project_ids if pid in projects],
                "receipts": sorted(
                    (
                        (receipts[rid], rules.share_fraction(shares.get(receipts[rid].project_id) or ZERO))
                        for rid in item.receipt_ids
                        if rid in receipts
                    ),
                    key=lambda row: (row[0].date, row[0].pk),
                ),
                "occurrences": [found[oid] for oid in item.occurrence_ids if oid in found],
                **_summed_rows(user, item),
            }
        )
    return rows


def _summed_rows(user, item) -> dict:
    """A summed measure's rows as the user may see them: (receipt or scheduling report, the unit's share, the
    amount credited to the unit), and their total (the figure, when every row may be seen)."""
    if item.measure.what not in SUMMED_MEASURES:
        return {"summed": False, "summed_rows": []}
    model = "projects.FundsReceipt" if item.measure.what == "foreign_received" else "scheduling.ProgressReport"
    related = ("project",) if model == "projects.FundsReceipt" else ("project", "scheduling_round")
    found = (
        apps.get_model(model)
        .objects.restrict(user, "view")
        .select_related(*related)
        .in_bulk({row.id for row in item.summed_rows})
    )
    shown = [(found[row.id], row.share, row.amount) for row in item.summed_rows if row.id in found]
    return {"summed": True, "summed_rows": shown, "summed_total": sum((amount for _o, _s, amount in shown), ZERO)}


# --- 水分 -------------------------------------------------------------------------------------------


def _water(request):
    """The report's subject from the query: a period (as of a date) or a batch; 404 for what one may not see."""
    user = request.user
    form = WaterForm(request.GET or None, user=user)
    as_of = clock.today()
    try:
        if request.GET.get("as_of"):
            as_of = dt.date.fromisoformat(request.GET["as_of"])
    except ValueError:
        raise Http404 from None
    if request.GET.get("batch"):
        batch = get_restricted(SupervisionBatch.objects, user, request.GET["batch"], "view")
        units, totals = water.batch_water(user=user, batch=batch, as_of=as_of)
        return form, batch.name, water.batch_period(batch), min(as_of, batch.end), units, totals
    if request.GET.get("period"):
        try:
            period = get_object_or_404(Period, pk=int(request.GET["period"]))
        except ValueError:
            raise Http404 from None
        units, totals = water.water_report(user=user, period=period, as_of=as_of)
        return form, period.name, period, min(as_of, period.end), units, totals
    return form, "", None, as_of, [], {}


@login_required
def water_report(request):
    form, title, period, until, units, totals = _water(request)
    return render(
        request,
        "assessment/water.html",
        {
            "form": form,
            "title": title,
            "period": period,
            "until": until,
            "units": units,
            "totals": totals,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def water_download(request):
    _form, title, period, until, units, totals = _water(request)
    if period is None:
        raise Http404
    data = water.water_workbook(units, totals, title=title, start=period.start, until=until)
    return xlsx_response(data, f"水分_{title}_{until.isoformat()}.xlsx")
