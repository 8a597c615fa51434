"""The figures stay the same: every figure of the demo county's assessments, dashboard and bulletins, compared
with a committed snapshot (figures_snapshot.json), so that their internals can be rewritten with proof that
nothing a user sees has changed.

The county is the demo's (``build_demo`` as of 2026-11-21, the same on every run). Database ids are replaced by
codes and natural keys (a project by its code, a unit by its code, a receipt by project code, date and amount),
decimals are normalised (to 10 places, trailing zeros dropped), dates are ISO and lists of ids are sorted, so the
snapshot is the same on SQLite and PostgreSQL. Left out: what depends on the moment of the run (the forecast's
``computed_at`` and ``elapsed_ms``, a snapshot's ``computed_at``, a stored result's state).

A missing snapshot is written and the test fails, asking for it to be committed; so does ``UPDATE_FIGURES_SNAPSHOT=1``
(after a change meant to alter the figures):

    UPDATE_FIGURES_SNAPSHOT=1 .venv/bin/pytest src/zhaoshang/demo/tests/test_figures_stable.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.cache import cache
from django.urls import resolve
from django.utils import translation
from django.utils.functional import Promise

from zhaoshang.assessment.selectors import assess_period, read_drill_downs
from zhaoshang.bulletins import services as bulletin_services
from zhaoshang.bulletins.choices import Status as BulletinStatus
from zhaoshang.bulletins.models import Bulletin
from zhaoshang.dashboard import lists as dashboard_lists
from zhaoshang.dashboard import selectors as dashboard
from zhaoshang.dashboard.windows import Span
from zhaoshang.demo.builder import build_demo
from zhaoshang.organization.models import Unit, User
from zhaoshang.projects.models import FundsReceipt, Project
from zhaoshang.scheduling.models import CoordinationItem
from zhaoshang.targets.models import Indicator, Period

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).with_name("figures_snapshot.json")
TODAY = dt.date(2026, 11, 21)
AS_OF_DATES = (dt.date(2026, 11, 21), dt.date(2026, 6, 30))
BASES = ("reported", "verified")
BULLETIN_MONTH = dt.date(2026, 11, 1)
FORECAST_RUNS = 200  # the page runs 2,000; 200 go through the same code in a tenth of the time
PLACES = Decimal("1E-10")
FLOAT_DIGITS = 9
URL_KEYS = {"url", "list_url", "ledger_url", "project_url"}
# Timing and the moment of the run, not figures; and the state of a stored result (jobs.stored: computed in the
# test's request, RESULTS_COMPUTE_ON_MISS), not what it holds.
VOLATILE_KEYS = {"computed_at", "elapsed_ms", "pending", "stale", "refreshing"}


class Keys:
    """Database ids → codes and natural keys, read once after the build."""

    def __init__(self):
        self.project = dict(Project.objects.values_list("pk", "code"))
        self.unit = dict(Unit.objects.values_list("pk", "code"))
        self.period = dict(Period.objects.values_list("pk", "code"))
        self.user = dict(User.objects.values_list("pk", "username"))
        self.indicator = {
            pk: f"{code}/{group}/{tier or unit or ''}/{kind}:{stage}:{field}:{number(minimum)}:{number(target)}"
            for pk, code, group, tier, unit, kind, stage, field, minimum, target in Indicator.objects.values_list(
                "pk",
                "group__period__code",
                "group__name",
                "group__tier",
                "group__unit__code",
                "kind",
                "stage",
                "amount_field",
                "min_amount",
                "target",
            )
        }
        self.receipt = {
            pk: f"{code}|{date.isoformat()}|{number(amount)}"
            for pk, code, date, amount in FundsReceipt.objects.values_list("pk", "project__code", "date", "amount")
        }
        self.item = {
            pk: f"{code}|{deadline.isoformat()}|{department or ''}|{description}"
            for pk, code, deadline, department, description in CoordinationItem.objects.values_list(
                "pk", "project__code", "deadline", "department__code", "description"
            )
        }
        # The ids in addresses, by URL name and argument.
        self.url_args = {
            ("projects", "pk"): self.project,
            ("scheduling", "pk"): self.item,
            ("assessment", "pk"): self.period,
            ("assessment", "unit_pk"): self.unit,
        }
        self.query_args = {"unit": self.unit, "period": self.period, "project": self.project}

    def projects(self, ids) -> list[str]:
        return sorted(self.project[pk] for pk in ids)

    def receipts(self, ids) -> list[str]:
        return sorted(self.receipt[pk] for pk in ids)

    def url(self, url: str) -> str:
        """The address with its ids replaced by codes, its query decoded and sorted."""
        parts = urlsplit(url)
        match = resolve(parts.path)
        args = ",".join(
            f"{name}={self.url_args[(match.namespace, name)][int(value)]}"
            for name, value in sorted(match.kwargs.items())
        )
        query = sorted(
            (name, self.query_args[name][int(value)] if name in self.query_args else value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
        )
        text = f"{match.view_name}({args})"
        return text + ("?" + "&".join(f"{name}={value}" for name, value in query) if query else "")


def number(value: Decimal) -> str:
    """A decimal in one spelling whatever its exponent: 10 places at most, no trailing zeros."""
    value = Decimal(value).quantize(PLACES, rounding=ROUND_HALF_EVEN).normalize()
    return f"{value:f}" if value else "0"


def canonical(value, keys: Keys, key: str | None = None):
    """``value`` as plain JSON: decimals, dates and lazy strings as text, ids as codes (an ``id`` without a code
    beside it, or an id field not known here, fails: teach this function what it names)."""
    if isinstance(value, dict):
        out = {}
        for name, item in value.items():
            name = str(name)
            if name in VOLATILE_KEYS:
                continue
            if name == "id":
                if "code" in value:
                    continue  # the code beside it names it
                if "project_code" in value and "deadline" in value:  # an overdue coordination item
                    out["item"] = keys.item[item]
                    continue
                if {"kind", "target", "name"} <= set(value):  # an indicator of a serialized assessment
                    out["indicator"] = keys.indicator[item]
                    continue
                raise AssertionError(f"an id without a code: {value!r}")
            if name == "unit_id":
                out[name] = keys.unit[item]
            elif name == "project_ids":
                out[name] = keys.projects(item)
            elif name == "receipt_ids":
                out[name] = keys.receipts(item)
            elif name in URL_KEYS:
                out[name] = keys.url(item)
            else:
                out[name] = canonical(item, keys, name)
        return out
    if isinstance(value, list | tuple):
        return [canonical(item, keys, key) for item in value]
    if isinstance(value, Span):
        return [value.start.isoformat(), value.end.isoformat()]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, float):
        return round(value, FLOAT_DIGITS)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str | Promise):
        return str(value)
    raise TypeError(f"{key}: cannot put {type(value).__name__} in the snapshot: {value!r}")


# --- the figures --------------------------------------------------------------------------------------------


def assessment_figures(period: Period, as_of: dt.date, basis: str, keys: Keys) -> dict:
    assessment = assess_period(period, as_of, basis=basis)
    read_drill_downs(period, assessment)
    units = []
    for result in assessment.units:
        units.append(
            {
                "unit": result.unit.code,
                "score": result.score,
                "schedule_ratio": result.schedule_ratio,
                "rank": result.rank,
                "rank_of": result.rank_of,
                "flags": list(result.flags),
                "veto_reason": result.veto_reason,
                "funds": result.funds,
                "contract": result.contract,
                "groups": [
                    {
                        "name": group.spec.name,
                        "weight": group.spec.weight,
                        "completion": group.completion,
                        "schedule_ratio": group.schedule_ratio,
                        "met": group.met,
                        "indicators": [
                            {
                                "indicator": keys.indicator[indicator.spec.id],
                                "name": indicator.spec.name,
                                "actual": indicator.actual,
                                "completion": indicator.completion,
                                "schedule_ratio": indicator.schedule_ratio,
                                "met": indicator.met,
                                "projects": keys.projects(indicator.project_ids),
                                "receipts": keys.receipts(indicator.receipt_ids),
                            }
                            for indicator in group.indicators
                        ],
                    }
                    for group in result.groups
                ],
            }
        )
    return canonical(
        {
            "start": assessment.start,
            "end": assessment.end,
            "as_of": assessment.as_of,
            "schedule_progress": assessment.schedule_progress,
            "units": sorted(units, key=lambda u: u["unit"]),
        },
        keys,
    )


def dashboard_figures(period: Period, keys: Keys) -> dict:
    """The bureau's county-wide dashboard, every section the page shows, and the forecast (seeded)."""
    bureau = User.objects.get(username="bureau")
    data = dashboard.dashboard_data(user=bureau, period=period, as_of=TODAY)
    scope = dashboard.Scope(user=bureau, unit=None)
    data = {**data, "forecast": dashboard_lists.forecast(scope, period=period, as_of=TODAY, runs=FORECAST_RUNS)}
    data["period"] = data["period"]["code"]
    return canonical(data, keys)


def snapshot_figures(snapshot: dict, keys: Keys) -> dict:
    """A bulletin's snapshot, its lookup (the annex's detail) as rows named by codes."""
    snapshot = dict(snapshot)
    lookup = snapshot.pop("lookup", None)
    snapshot["period"] = snapshot["period"]["code"]
    result = canonical(snapshot, keys)
    if lookup is not None:
        result["lookup"] = lookup_figures(lookup, keys)
    return result


def lookup_figures(lookup: dict, keys: Keys) -> dict:
    projects, receipts = lookup["projects"], lookup["receipts"]

    def credits(text: str) -> str:
        pairs = (pair.split(":", 1) for pair in text.split(";")) if text else ()
        return ";".join(sorted(f"{keys.unit[int(unit)]}:{number(Decimal(share))}" for unit, share in pairs))

    project_rows = [
        {
            "code": projects["code"][row],
            "name": projects["name"][row],
            "planned": number(Decimal(projects["planned"][row])),
            "contract": number(Decimal(projects["contract"][row])),
            "foreign": number(Decimal(projects["foreign"][row])),
            "credits": credits(projects["credits"][row]),
            "stages": ";".join(sorted(projects["stages"][row].split(";"))),
        }
        for row, pk in enumerate(projects["id"])
        if keys.project[pk] == projects["code"][row]
    ]
    assert len(project_rows) == len(projects["id"]), "a lookup row whose code is not its project's"
    receipt_rows = sorted(
        f"{keys.receipt[pk]}|{keys.project[receipts['project'][row]]}" for row, pk in enumerate(receipts["id"])
    )
    return {"projects": sorted(project_rows, key=lambda r: r["code"]), "receipts": receipt_rows}


def bulletin_figures(keys: Keys) -> dict:
    """The demo's draft for 2026-11 as its page computes it now, and the issued one as issuing stored it."""
    found = {}
    for bulletin in Bulletin.objects.select_related("period").order_by("period__code", "month"):
        name = f"{bulletin.period.code} {bulletin.month:%Y-%m} {bulletin.status}"
        if bulletin.status == BulletinStatus.ISSUED:
            found[name] = snapshot_figures({**bulletin.snapshot, "lookup": bulletin.detail}, keys)
        elif bulletin.month == BULLETIN_MONTH:
            found[name] = snapshot_figures(bulletin_services.snapshot_for(bulletin), keys)
    assert any(name.endswith(f"{BULLETIN_MONTH:%Y-%m} {BulletinStatus.DRAFT}") for name in found), found.keys()
    return found


def all_figures() -> dict:
    keys = Keys()
    periods = list(Period.objects.order_by("code"))
    assert [p.code for p in periods] == ["BR2026", "ND2026"]
    cache.clear()  # nothing kept from an earlier test's county
    with translation.override("zh-hans"):
        return {
            "assessment": {
                f"{period.code} {as_of.isoformat()} {basis}": assessment_figures(period, as_of, basis, keys)
                for period in periods
                for as_of in AS_OF_DATES
                for basis in BASES
            },
            "dashboard": {
                f"{period.code} {TODAY.isoformat()} county": dashboard_figures(period, keys) for period in periods
            },
            "bulletin": bulletin_figures(keys),
        }


# --- the comparison -------------------------------------------------------------------------------------------


def dump(figures: dict) -> str:
    return json.dumps(figures, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def flatten(value, path: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        if not value:
            return {path: {}}
        return {k: v for name, item in value.items() for k, v in flatten(item, f"{path}/{name}").items()}
    if isinstance(value, list):
        if not value:
            return {path: []}
        return {k: v for index, item in enumerate(value) for k, v in flatten(item, f"{path}[{index}]").items()}
    return {path: value}


def differences(expected: dict, actual: dict, limit: int = 40) -> str:
    before, after = flatten(expected), flatten(actual)
    paths = sorted(set(before) | set(after))
    lines = []
    missing = object()
    changed = [p for p in paths if before.get(p, missing) != after.get(p, missing)]
    for path in changed[:limit]:
        was, now = before.get(path, "(absent)"), after.get(path, "(absent)")
        lines.append(f"  {path}\n      snapshot: {was!r}\n      now:      {now!r}")
    if len(changed) > limit:
        lines.append(f"  … and {len(changed) - limit} more differing paths")
    return f"{len(changed)} figures differ from {SNAPSHOT.name}:\n" + "\n".join(lines)


def test_figures_stay_the_same():
    build_demo(today=TODAY)
    figures = json.loads(dump(all_figures()))  # through JSON, as the file is read back
    if not SNAPSHOT.exists() or os.environ.get("UPDATE_FIGURES_SNAPSHOT") == "1":
        SNAPSHOT.write_text(dump(figures), encoding="utf-8")
        pytest.fail(f"Wrote {SNAPSHOT}: review it and commit it (the test passes once it is there).")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    if figures != expected:
        pytest.fail(differences(expected, figures), pytrace=False)
