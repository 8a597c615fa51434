"""The back-test of bench/backtest_forecast.py on the small synthetic county of test_forecast.py: it runs,
its figures are in range, and the forecast made from the full ledger equals the one made after everything
dated later than the as-of date has been deleted (nothing after as_of leaks into it)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from .test_forecast import AS_OF, build_history

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[4] / "bench" / "backtest_forecast.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("backtest_forecast", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def setting(users, units, bench):
    build_history(users, units)
    return bench.make_period("FC-BACKTEST")


def test_backtest_gives_sane_figures(bench, setting):
    report = bench.backtest(setting, AS_OF, runs=200, seed=7)
    assert report["units"] == len(report["rows"]) == 6  # T01, T0101, T02, D01, T03, T05
    assert 0 <= report["mae"] <= 1
    assert 0 <= report["coverage_p10_p90"] <= 1
    assert 0 <= report["brier"] <= report["brier_open_groups"] <= 1
    assert report["groups"] == 18 and 0 < report["open_groups"] < 18
    for row in report["rows"]:
        assert row["current"] <= row["p10"] <= row["p90"] <= 1
        assert row["error"] == pytest.approx(abs(row["expected"] - row["actual"]), abs=1e-4)
        # Nothing is lost by the period's end: the actual score is never below today's.
        assert row["actual"] >= row["current"]
    assert report["baselines"]["nothing_more_mae"] >= 0
    assert [t["step"] for t in report["estimates"]["transitions"]][1] == "negotiating→intention"
    assert bench._table(report).count("\n") == len(report["rows"]) + 5


def test_held_back_history_gives_the_same_forecast(bench, setting):
    assert bench.held_back_identical(setting, AS_OF, runs=80, seed=7)
