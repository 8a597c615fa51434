"""Everything a bulletin shows, computed from the ledger as one JSON-ready dict (the snapshot).

A draft computes it on every view; issuing stores it. The .docx, the .xlsx annex and the page are made
from this dict alone, so an issued bulletin reads the same whatever happens to the ledger afterwards.

- ``assessment``: ``assessment.serialize.assessment_data`` of the period as of the bulletin's date;
- ``overall``: county-wide figures of the month, the month before, the same month a year earlier, and
  since the period's start (and the same span a year earlier). These count *every* project in the ledger
  — the period's recognition rules (认定规则) apply to the assessment of units, not to these totals —
  as reported (whatever the bulletin's basis), and whole amounts, not credit shares;
- ``lists``: units per flag, stalled projects, and big projects started this half-year with the assessed
  units that have none;
- ``lookup``: the projects and receipts behind every figure, for the annex's 明细 sheet (an issued
  bulletin keeps it in its own field, ``Bulletin.detail``);
- ``scheme`` (only when the period scores by a points scheme, issue 13): its name, full score, ranking and
  items (code, name, section, 分值); each assessed unit then also carries its ``ranking_group`` (None: scored,
  not ranked), and each flag list entry its ``points`` and ``ranking_group``. A completion-scored period's
  snapshot has none of these keys, so it stays as it was (and older snapshots render as before).
- ``section_groups`` (only when sections (科室) hold targets and are ranked among their unit's sections, issue 14):
  each such ranking group ("section:<unit id>") → the code and name of the unit whose sections it holds; each ranked
  section
  then carries its ``ranking_group`` (also in a completion-scored period), and so do its flag list entries and its
  entry among the units without a big project. Without ranked sections the snapshot stays as it was.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import translation

from zhaoshang.assessment import county, engine, selectors, serialize
from zhaoshang.assessment.xlsx import detail_lookup
from zhaoshang.core import clock
from zhaoshang.organization.models import Unit
from zhaoshang.projects import rules as ledger
from zhaoshang.projects.models import FundsReceipt, Project, ProjectCredit
from zhaoshang.targets.models import Period

SNAPSHOT_VERSION = 1
ZERO = Decimal("0")
CATEGORY_ORDER = ("township", "department", "vertical", "park", "office", "jurisdiction")
DEFAULT_COUNTY = "示范县"
OFFICE = "招商引资工作领导小组办公室"


def county_name() -> str:
    """The county: the name of the top unit (the first by code if there are several)."""
    return (
        Unit.objects.filter(parent__isnull=True).order_by("code").values_list("name", flat=True).first()
        or DEFAULT_COUNTY
    )


def heading_defaults() -> dict[str, str]:
    """The masthead, signature and imprint made from the county's name (the signature from setting
    BULLETIN_ISSUER first): what an empty field of ``DocumentSettings`` stands for."""
    office = f"{county_name()}{OFFICE}"
    issuer = getattr(settings, "BULLETIN_ISSUER", "") or office
    return {"masthead": f"{office}文件", "issuer": issuer, "printer": issuer}


def heading() -> dict[str, str]:
    """How the bureau's documents are headed and signed now (``DocumentSettings`` over the defaults; the
    imprint names the signing office unless set)."""
    from .models import DocumentSettings

    row, defaults = DocumentSettings.load(), heading_defaults()
    issuer = row.issuer or defaults["issuer"]
    return {"masthead": row.masthead or defaults["masthead"], "issuer": issuer, "printer": row.printer or issuer}


# --- dates ------------------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    first_next = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def previous_month(day: dt.date) -> dt.date:
    return month_start(month_start(day) - dt.timedelta(days=1))


def year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def half_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 1 if day.month <= 6 else 7, 1)


def windows(period: Period, month: dt.date, as_of: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """The date spans the overall figures compare. When the bulletin is made before its month ends, the
    months it is compared with are cut to the same number of days, so that like is compared with like."""
    start = month_start(month)
    end = min(month_end(month), as_of)
    days = (end - start).days
    previous = previous_month(start)
    last_year = year_earlier(start)
    cumulative_end = min(period.end, as_of)
    return {
        "month": (start, end),
        "previous_month": (previous, min(previous + dt.timedelta(days=days), month_end(previous))),
        "same_month_last_year": (last_year, min(last_year + dt.timedelta(days=days), month_end(last_year))),
        "cumulative": (period.start, cumulative_end),
        "cumulative_last_year": (year_earlier(period.start), year_earlier(cumulative_end)),
    }


# --- overall figures --------------------------------------------------------------------------------

FIGURES = (
    ("signed_count", "新签约项目", "个"),
    ("signed_amount", "协议引资额", "万元"),
    ("started_count", "新开工项目", "个"),
    ("started_investment", "新开工项目计划总投资", "万元"),
    ("funds", "实际到位资金", "万元"),
)


def _first_reached(stage: str, low: dt.date, high: dt.date, amount_field: str):
    """(project id, the date it reached ``stage``, amount) for the projects that reached it within [low, high]
    (``projects.rules``)."""
    return (
        Project.objects.filter(ledger.reached_within_q(stage, low, high))
        .annotate(first=ledger.ReachedOn(stage, until=high))
        .order_by()
        .values_list("pk", "first", amount_field)
    )


def change(current: Decimal, base: Decimal) -> dict:
    """The change of ``current`` against ``base``: absolute, and relative (None when the base is zero)."""
    return {"abs": f"{current - base:f}", "pct": None if base == 0 else f"{engine.round4((current - base) / base):f}"}


def overall_figures(period: Period, month: dt.date, as_of: dt.date) -> dict:
    spans = windows(period, month, as_of)
    low = min(span[0] for span in spans.values())
    high = max(span[1] for span in spans.values())
    values = {key: {name: ZERO for name in spans} for key, _label, _unit in FIGURES}

    def add(key_count: str, key_amount: str, rows) -> None:
        for _project_id, first, amount in rows:
            for name, (start, end) in spans.items():
                if start <= first <= end:
                    values[key_count][name] += 1
                    values[key_amount][name] += amount or ZERO

    add("signed_count", "signed_amount", _first_reached("signed", low, high, "contract_amount"))
    add("started_count", "started_investment", _first_reached("started", low, high, "planned_investment"))
    funds = FundsReceipt.objects.filter(ledger.received_within_q(low, high)).aggregate(
        **{name: Sum("amount", filter=ledger.received_within_q(start, end)) for name, (start, end) in spans.items()}
    )
    for name in spans:
        values["funds"][name] = funds[name] or ZERO

    figures = []
    for key, label, unit in FIGURES:
        own = values[key]
        if unit == "万元":  # SQLite sums come back without their two decimals
            own = {name: Decimal(value).quantize(Decimal("0.01")) for name, value in own.items()}
        figures.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                **{name: f"{own[name]:f}" for name in spans},
                "month_vs_previous": change(own["month"], own["previous_month"]),
                "month_vs_last_year": change(own["month"], own["same_month_last_year"]),
                "cumulative_vs_last_year": change(own["cumulative"], own["cumulative_last_year"]),
            }
        )
    return {
        "scope": "全口径：台账中全部项目的上报数，不适用考核认定规则，金额不按单位份额拆分",
        "windows": {name: [start.isoformat(), end.isoformat()] for name, (start, end) in spans.items()},
        "figures": figures,
    }


# --- lists ------------------------------------------------------------------------------------------


def _category_rank(unit: dict) -> tuple:
    category = unit["category"]
    order = CATEGORY_ORDER.index(category) if category in CATEGORY_ORDER else len(CATEGORY_ORDER)
    return (order, unit.get("order") or unit["rank"] or 0, unit["code"])


def flag_lists(data: dict) -> dict[str, list[dict]]:
    # Every flag of decision 18 has its list, empty or not; a scheme's own (直接晋档…) only when a unit has it.
    lists: dict[str, list[dict]] = {flag: [] for flag in engine.FLAGS if flag not in engine.OWN_RULE_FLAGS}
    for unit in sorted(data["units"], key=_category_rank):
        for flag in unit["flags"]:
            entry = {
                "id": unit["id"],
                "code": unit["code"],
                "name": unit["name"],
                "category": unit["category"],
                "rank": unit["rank"],
                "rank_of": unit["rank_of"],
                "score": unit["score"],
                "veto_reason": unit["veto_reason"],
            }
            if unit.get("points") is not None:  # a points scheme: the rank is within the unit's ranking group
                entry["points"] = unit["points"]
                entry["ranking_group"] = unit.get("ranking_group")
            elif unit.get("ranking_group") is not None:  # a section ranked among its unit's sections
                entry["ranking_group"] = unit["ranking_group"]
            lists.setdefault(flag, []).append(entry)
    return lists


def _credited_names(project_ids) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    ordered = sorted(project_ids)
    for start in range(0, len(ordered), 5000):
        rows = (
            ProjectCredit.objects.filter(project_id__in=ordered[start : start + 5000])
            .order_by("project_id", "-share", "unit__code")
            .values_list("project_id", "unit_id", "unit__name")
        )
        for project_id, unit_id, name in rows:
            names[project_id].append((unit_id, name))
    return names


def stalled_projects(as_of: dt.date) -> list[dict]:
    """Projects stalled on ``as_of``, longest since their last stage first."""
    rows = list(
        Project.objects.filter(status="stalled")
        .filter(Q(status_date__isnull=True) | Q(status_date__lte=as_of))
        .order_by()
        .values("pk", "code", "name", "stage", "stage_date", "status_reason", "status_date", "planned_investment")
    )
    credits = _credited_names(row["pk"] for row in rows)
    result = []
    for row in rows:
        stage_date = row["stage_date"]
        result.append(
            {
                "id": row["pk"],
                "code": row["code"],
                "name": row["name"],
                "units": [name for _unit_id, name in credits.get(row["pk"], [])],
                "stage": row["stage"],
                "stage_date": stage_date.isoformat() if stage_date else None,
                "days": (as_of - stage_date).days if stage_date else None,
                "reason": row["status_reason"],
                "status_date": row["status_date"].isoformat() if row["status_date"] else None,
                "planned_investment": f"{row['planned_investment']:f}",
            }
        )
    result.sort(key=lambda item: (item["days"] is None, -(item["days"] or 0), item["code"]))
    return result


def big_projects(data: dict, as_of: dt.date, threshold: Decimal) -> dict:
    """Projects of at least ``threshold`` planned investment started this half-year (up to ``as_of``),
    and the assessed units credited with none of them."""
    start = half_year_start(as_of)
    rows = list(_first_reached("started", start, as_of, "planned_investment").filter(planned_investment__gte=threshold))
    ids = [project_id for project_id, _first, _amount in rows]
    names = {}
    for chunk in range(0, len(ids), 5000):
        names.update(
            dict(
                (pk, (code, name))
                for pk, code, name in Project.objects.filter(pk__in=ids[chunk : chunk + 5000])
                .order_by()
                .values_list("pk", "code", "name")
            )
        )
    credits = _credited_names(ids)
    projects = sorted(
        (
            {
                "id": project_id,
                "code": names[project_id][0],
                "name": names[project_id][1],
                "planned_investment": f"{amount:f}",
                "started": first.isoformat(),
                "units": [name for _unit_id, name in credits.get(project_id, [])],
            }
            for project_id, first, amount in rows
        ),
        key=lambda item: (item["started"], item["code"]),
    )
    with_big = {unit_id for pairs in credits.values() for unit_id, _name in pairs}
    without = [
        {"id": unit["id"], "code": unit["code"], "name": unit["name"], "category": unit["category"]}
        | ({"ranking_group": unit["ranking_group"]} if _is_section_group(unit.get("ranking_group")) else {})
        for unit in sorted(data["units"], key=_category_rank)
        if unit["id"] not in with_big
    ]
    return {
        "threshold": f"{Decimal(threshold).quantize(Decimal('0.01')):f}",
        "half_year_start": start.isoformat(),
        "projects": projects,
        "units_without": without,
    }


# --- sections (科室) ranked among their unit's sections ----------------------------------------------


def _is_section_group(key) -> bool:
    return isinstance(key, str) and engine.section_parent(key) is not None


def section_groups(assessment: engine.Assessment, data: dict) -> dict[str, dict] | None:
    """The ranking groups of sections (``engine.ranking_key``: "section:<unit id>") the engine ranked, each → the
    code and name of the unit whose sections it holds; sets each such section's ``ranking_group`` in ``data``.
    None when no section is ranked (the snapshot then gains no key)."""
    groups = {
        result.unit.id: result.ranking_group
        for result in assessment.units
        if result.order is not None and _is_section_group(result.ranking_group)
    }
    if not groups:
        return None
    for unit in data["units"]:
        if unit["id"] in groups:
            unit["ranking_group"] = groups[unit["id"]]
    parents = {engine.section_parent(key) for key in groups.values()}
    units = {
        pk: (code, name) for pk, code, name in Unit.objects.filter(pk__in=parents).values_list("pk", "code", "name")
    }
    return {
        key: dict(zip(("code", "name"), units.get(engine.section_parent(key), ("", "")), strict=True))
        for key in sorted(set(groups.values()))
    }


# --- a points scheme --------------------------------------------------------------------------------


def scheme_block(period: Period, assessment: engine.Assessment, data: dict) -> dict | None:
    """The period's points scheme as the bulletin prints it (None when the period scores by completion); sets
    each assessed unit's ``ranking_group`` in ``data`` (the engine's, None for a unit scored but not ranked)."""
    if not any(unit.get("points") is not None for unit in data["units"]):
        return None
    scheme = selectors.points_scheme(period)
    if scheme is None:
        return None
    groups = {result.unit.id: result.ranking_group for result in assessment.units}
    for unit in data["units"]:
        unit["ranking_group"] = groups.get(unit["id"]) if unit.get("points") is not None else None
    return {
        "name": f"{period.name}招商引资考核评分细则",
        "full_score": f"{scheme.full_score:f}",
        "ranking": scheme.ranking,
        "items": [
            {"code": item.code, "name": item.name, "section": item.section, "points": f"{item.points:f}"}
            for item in scheme.items.all()
        ],
    }


# --- the introducer reward list (optional) -----------------------------------------------------------


def introducer_rewards_block(period: Period, as_of: dt.date) -> dict:
    """The period's introducer reward list up to ``as_of`` (``persons.selectors.introduced_rows``): per line the
    person, unit, project, signing date, share and the amounts by share; the totals add up the lines."""
    from zhaoshang.persons.models import Person
    from zhaoshang.persons.selectors import introduced_rows

    rows = [row for row in introduced_rows(period) if row.signed_on and row.signed_on <= as_of]
    persons = Person.objects.select_related("unit").in_bulk({row.person_id for row in rows})
    lines = sorted(
        (
            {
                "person": persons[row.person_id].name,
                "unit": persons[row.person_id].unit.name,
                "unit_code": persons[row.person_id].unit.code,
                "code": row.project.code,
                "project": row.project.name,
                "signed_on": row.signed_on.isoformat(),
                "share": f"{row.share.normalize():f}",
                "contract_amount": f"{row.contract_amount:f}",
                "planned_investment": f"{row.planned_investment:f}",
            }
            for row in rows
        ),
        key=lambda line: (line["unit_code"], line["person"], line["signed_on"], line["code"]),
    )
    total = sum((Decimal(line["contract_amount"]) for line in lines), Decimal("0"))
    return {
        "lines": lines,
        "persons": len({(line["unit_code"], line["person"]) for line in lines}),
        "total": f"{total:f}",
    }


# --- receptions and trips (issue 18) ---------------------------------------------------------------


def receptions_block(period: Period, month: dt.date, as_of: dt.date) -> dict | None:
    """The month's receptions and trips per unit, and since the period's start (``receptions.selectors``); None
    when none is recorded in the month."""
    from zhaoshang.receptions.selectors import bulletin_block

    return bulletin_block(month_start(month), as_of, period.start)


# --- enterprise liaison (issue 19) ------------------------------------------------------------------


def liaison_block(period: Period, as_of: dt.date) -> dict | None:
    """The enterprise demands of the period per department handling them, as of the bulletin's date
    (``liaison.selectors``); None when the period has none."""
    from zhaoshang.liaison.selectors import bulletin_block

    return bulletin_block(period.start, as_of)


# --- the whole snapshot -----------------------------------------------------------------------------


def county_block(period: Period, as_of: dt.date, basis: str) -> dict | None:
    """The county's completion of its targets from above (``assessment.county``), or None without one."""
    with translation.override("zh-hans"):
        completion = county.county_completion(period, as_of, basis=basis)
    if completion is None:
        return None

    def ratio(value):
        return None if value is None else f"{engine.round4(value):f}"

    return {
        "schedule_progress": ratio(completion.schedule_progress),
        "figures": [
            {
                "name": figure.name,
                "kind": figure.target.kind,
                "target": f"{figure.target.target:f}",
                "actual": f"{figure.actual:f}",
                "completion": f"{engine.round4(figure.completion):f}",
                "schedule_ratio": ratio(figure.schedule_ratio),
                "issued_by": figure.target.issued_by,
                "document": figure.target.document,
                "document_number": figure.target.document_number,
                "project_ids": figure.project_ids,
                "receipt_ids": figure.receipt_ids,
            }
            for figure in completion.figures
        ],
    }


def build_snapshot(
    *,
    period: Period,
    month: dt.date,
    as_of: dt.date,
    basis: str,
    big_project_amount: Decimal,
    detail: bool = True,
    introducer_rewards: bool = False,
) -> dict:
    """Compute everything the bulletin shows; ``detail=False`` leaves out the lookup (only the annex needs
    it). Raises NotImplementedError for a basis not yet available."""
    # Indicator names inside the assessment data are translated: store the Chinese ones.
    with translation.override("zh-hans"):
        # The assessment page's own computation; the rows behind every figure go into the annex.
        result = selectors.assess_period(period, as_of, basis=basis)
        selectors.read_drill_downs(period, result)
        data = serialize.assessment_data(result, period_code=period.code, basis=basis)
    scheme = scheme_block(period, result, data)
    sections = section_groups(result, data)
    snapshot = {
        "version": SNAPSHOT_VERSION,
        "computed_at": clock.local_now().isoformat(timespec="seconds"),
        "period": {
            "id": period.pk,
            "code": period.code,
            "name": period.name,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "month": month_start(month).isoformat(),
        "as_of": as_of.isoformat(),
        "basis": basis,
        **heading(),  # masthead, issuer, printer
        "assessment": data,
        "overall": overall_figures(period, month, as_of),
        "lists": {
            "flags": flag_lists(data),
            "stalled": stalled_projects(as_of),
            "big_projects": big_projects(data, as_of, big_project_amount),
        },
    }
    if scheme is not None:
        snapshot["scheme"] = scheme
    if sections is not None:  # only when sections are ranked: the others' snapshots stay as they were
        snapshot["section_groups"] = sections
    county_figures = county_block(period, as_of, basis)
    if county_figures is not None:  # only a period with targets from above: the others' snapshots stay as they were
        snapshot["county"] = county_figures
    if introducer_rewards:  # only when chosen: a bulletin without it keeps the snapshot it always had
        snapshot["introducer_rewards"] = introducer_rewards_block(period, as_of)
    receptions = receptions_block(period, month, as_of)
    if receptions is not None:  # only a month with receptions or trips: the others' snapshots stay as they were
        snapshot["receptions"] = receptions
    liaison = liaison_block(period, as_of)
    if liaison is not None:  # only a period with enterprise demands: the others' snapshots stay as they were
        snapshot["liaison"] = liaison
    if detail:
        projects, receipts, _count = selectors.facts(period, as_of, basis=basis)
        snapshot["lookup"] = detail_lookup(data, projects, receipts)
    return snapshot
