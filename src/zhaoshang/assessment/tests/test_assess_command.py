"""``zhaoshang assess --period CODE --as-of DATE --format json``: structure and string formats."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from zhaoshang.assessment import engine

pytestmark = pytest.mark.django_db

RATIO = re.compile(r"^\d+\.\d{4}$")
MONEY = re.compile(r"^\d+\.\d{2}$")
NUMBER = re.compile(r"^\d+(\.\d+)?$")


def assess_json(*args) -> dict:
    out = io.StringIO()
    call_command("assess", *args, stdout=out)

    def no_floats(value):
        raise AssertionError(f"a float in the JSON: {value}")

    return json.loads(out.getvalue(), parse_float=no_floats)


def test_json_structure_and_formats(county):
    data = assess_json("--period", "BR100", "--as-of", "2026-07-20", "--format", "json")
    assert {"period", "as_of", "basis", "schedule_progress", "units"} <= set(data)
    assert (data["period"], data["as_of"], data["basis"], data["schedule_progress"]) == (
        "BR100",
        "2026-07-20",
        "reported",
        "0.5000",
    )
    # Units with targets only (not the county itself), in code order.
    assert [u["code"] for u in data["units"]] == ["D01", "D02", "P01", "T01", "T0101", "T02", "T03", "T04"]
    for unit in data["units"]:
        assert {"code", "name", "category", "tier", "score", "rank", "rank_of", "flags", "groups"} <= set(unit)
        assert isinstance(unit["code"], str) and isinstance(unit["name"], str) and unit["name"]
        assert unit["tier"] is None or isinstance(unit["tier"], int)
        assert RATIO.match(unit["score"]), unit["score"]
        assert isinstance(unit["rank"], int) and isinstance(unit["rank_of"], int)
        assert set(unit["flags"]) <= set(engine.FLAGS)
        assert unit["flags"] == sorted(unit["flags"], key=engine.FLAGS.index)
        for group in unit["groups"]:
            assert {"name", "met", "completion", "indicators"} <= set(group)
            assert isinstance(group["met"], bool) and RATIO.match(group["completion"])
            for indicator in group["indicators"]:
                assert {"name", "kind", "stage", "min_amount", "target", "actual", "completion"} <= set(indicator)
                assert indicator["kind"] in {"count", "amount", "funds", "foreign"}
                assert MONEY.match(indicator["min_amount"])
                assert RATIO.match(indicator["completion"])
                if indicator["kind"] == "count":
                    assert NUMBER.match(indicator["target"]) and NUMBER.match(indicator["actual"])
                else:
                    assert MONEY.match(indicator["target"]) and MONEY.match(indicator["actual"])
                if indicator["kind"] == "funds":
                    assert indicator["stage"] is None
                else:
                    assert indicator["stage"] in {"signed", "started"}


def test_json_figures_of_two_units(county):
    units = {u["code"]: u for u in assess_json("--period", "BR100", "--as-of", "2026-07-20")["units"]}
    t01 = units["T01"]
    assert (t01["name"], t01["category"], t01["tier"]) == ("城关镇", "township", 1)
    assert (t01["score"], t01["rank"], t01["rank_of"], t01["flags"]) == ("0.7222", 2, 5, [])
    signed, started, money = t01["groups"]
    assert (signed["name"], signed["met"], signed["completion"]) == ("签约", False, "0.6667")
    pick = ("kind", "stage", "min_amount", "target", "actual", "completion")
    assert [tuple(i[k] for k in pick) for i in signed["indicators"]] == [
        ("count", "signed", "1000.00", "3", "2", "0.6667"),
        ("amount", "signed", "1000.00", "6000.00", "3500.00", "0.5833"),
    ]
    assert (started["name"], started["met"], started["completion"]) == ("开工", True, "1.0000")
    assert [tuple(i[k] for k in pick) for i in started["indicators"]] == [
        ("count", "started", "1000.00", "2", "1", "0.5000"),
        ("amount", "started", "1000.00", "3000.00", "3000.00", "1.0000"),
    ]
    assert [tuple(i[k] for k in pick) for i in money["indicators"]] == [
        ("funds", None, "0.00", "2000.00", "1000.00", "0.5000")
    ]
    # A 60% share: 0.6 of a project, 60% of its amounts.
    t02 = units["T02"]
    assert [tuple(i[k] for k in pick) for g in t02["groups"] for i in g["indicators"]] == [
        ("count", "signed", "1000.00", "2", "0.6", "0.3000"),
        ("amount", "signed", "1000.00", "4000.00", "1800.00", "0.4500"),
        ("count", "started", "1000.00", "1", "0.6", "0.6000"),
        ("funds", None, "0.00", "1000.00", "600.00", "0.6000"),
    ]
    assert units["D02"]["flags"] == ["vetoed"] and units["D02"]["veto_reason"] == "安全生产事故"
    # T04 and T0101 tie at 0 at the bottom of five townships: both share rank 4, and criticising both would pass
    # a third of the category (1), so the tie is left out; the card, the warning and zero achievement remain.
    assert (units["T04"]["rank"], units["T0101"]["rank"], units["T0101"]["score"]) == (4, 4, "0.0000")
    assert units["T04"]["flags"] == ["yellow_card", "half_time_warning", "zero_achievement"]


def test_json_lists_the_rows_behind_each_figure(county):
    projects = county["projects"]
    units = {u["code"]: u for u in assess_json("--period", "BR100", "--as-of", "2026-07-20")["units"]}
    signed, _started, money = units["T01"]["groups"]
    assert signed["indicators"][0]["project_ids"] == [projects["P2"].pk, projects["P1"].pk]  # newest first
    assert money["indicators"][0]["project_ids"] == [projects["P1"].pk]
    in_period = projects["P1"].receipts.filter(date__gte="2026-06-01", date__lte="2026-07-20").order_by("date")
    assert money["indicators"][0]["receipt_ids"] == [r.pk for r in in_period]
    assert len(in_period) == 2 and signed["indicators"][0]["receipt_ids"] == []


def test_json_to_a_file(county, tmp_path):
    path = tmp_path / "a.json"
    call_command("assess", "--period", "BR100", "--as-of", "2026-09-08", "--out", str(path), stdout=io.StringIO())
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schedule_progress"] == "1.0000"
    assert {u["code"]: u["score"] for u in data["units"]}["T01"] == "1.0000"


def test_errors_name_the_problem(county):
    with pytest.raises(CommandError, match="NOPE"):
        call_command("assess", "--period", "NOPE", "--as-of", "2026-07-20")
    with pytest.raises(CommandError, match="2026-13-01"):
        call_command("assess", "--period", "BR100", "--as-of", "2026-13-01")
