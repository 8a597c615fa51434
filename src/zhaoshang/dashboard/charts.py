"""The dashboard's figures as the JSON the charts read (embedded with ``json_script``). Amounts become floats
here and only here, at the boundary to the browser; every data point keeps its drill-down address."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

BREAKDOWNS = ("industry", "chain", "origin", "kind", "high_tech", "band")


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def _point(figure: dict | None):
    if figure is None:
        return "-"  # a month still to come: ECharts leaves a gap
    return {"value": _number(figure["value"]), "url": figure["url"]}


def labels() -> dict[str, str]:
    return {
        "projects": _("projects"),
        "wan": _("10k yuan"),
        "signed": _("Signed"),
        "started": _("Started"),
        "funds": _("Funds in place"),
        "last_year": _("last year"),
        "expected": _("Expected score"),
        "band": _("P10–P90"),
        "current": _("Score now"),
        "save": _("Save PNG"),
    }


def payload(data: dict) -> dict:
    out: dict = {"labels": labels()}
    if "funnel" in data:
        out["funnel"] = [{"name": row["label"], "value": row["count"], "url": row["url"]} for row in data["funnel"]]
    if "trend" in data:
        trend = data["trend"]
        out["trend"] = {
            "months": trend["months"],
            "series": {name: [_point(p) for p in points] for name, points in trend["series"].items()},
        }
    if "breakdowns" in data:
        out["breakdowns"] = {
            name: [
                {"name": e["label"], "value": e["count"], "amount": _number(e["amount"]), "url": e["url"]}
                for e in data["breakdowns"][name]
            ]
            for name in BREAKDOWNS
        }
    return out


def forecast_payload(forecast: dict) -> dict:
    rows = ([forecast["county"]] if forecast.get("county") else []) + forecast["units"]

    def pct(value):
        return None if value is None else round(float(value) * 100, 1)

    return {
        "labels": labels(),
        "units": [
            {
                "name": row["name"],
                "current": pct(row["current"]),
                "expected": pct(row["expected"]),
                "p10": pct(row["p10"]),
                "p90": pct(row["p90"]),
                "url": row["url"],
            }
            for row in rows
        ],
    }
