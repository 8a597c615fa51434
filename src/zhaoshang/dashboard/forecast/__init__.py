"""The year-end forecast: a seeded Monte Carlo over the pipeline, scored by the real assessment engine.

1. ``history``: ``load_history`` reads the ledger as it stood on ``as_of`` (nothing later is even read);
   ``estimate`` turns it into the county's conversion rates, step durations, funds pace and arrival rates.
2. ``simulation``: ``Pipeline.run`` plays the rest of the period once with ``random.Random(seed)``: each
   live project advances stage by stage and receives funds, and new projects arrive.
3. ``scoring``: ``Scoring.score`` merges a run's simulated stage dates and receipts into the real facts and
   lets ``assessment.facts.assess`` score the units at the period's end — the assessment's own shares,
   thresholds, OR groups, weights and cap.
4. ``results``: ``Tallies`` collects the runs and makes each unit's and the county's figures.

``forecast`` does all of it ``runs`` times. docs/forecast.md gives the formulas and the back-test figures.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable

from .history import Estimates, ProjectHistory, Transition, estimate, load_history
from .results import ForecastResult, Tallies, UnitForecast
from .scoring import Scoring
from .simulation import Pipeline

__all__ = [
    "Estimates",
    "ForecastResult",
    "Pipeline",
    "ProjectHistory",
    "Scoring",
    "Tallies",
    "Transition",
    "UnitForecast",
    "estimate",
    "forecast",
    "load_history",
]


def forecast(
    period,
    as_of: dt.date,
    *,
    unit_ids: Iterable[int] | None = None,
    runs: int = 2000,
    seed: int = 20261121,
    arrivals: bool = True,
) -> ForecastResult:
    """Expected score, its 10–90 % range and each target group's chance at ``period.end``, per unit.

    Reads only the ledger as it stood on ``as_of`` (plus the period's targets and rules). ``unit_ids``
    limits the units forecast (a reporter's subtree, say); the county figure is then over those units.
    ``arrivals`` adds projects not yet in the ledger at each unit's pace of the last year.
    """
    started = time.perf_counter()
    scoring = Scoring(period, as_of, unit_ids)
    histories = load_history(period, as_of)
    estimates = estimate(histories.values(), as_of)
    pipeline = Pipeline(
        histories,
        estimates,
        scoring.open,
        start=period.start,
        as_of=as_of,
        end=period.end,
        seed=seed,
        arrivals=arrivals,
    )
    tallies = Tallies(scoring)
    for _ in range(runs if as_of < period.end else 0):
        world = pipeline.run()
        tallies.add(world, scoring.score(world, pipeline.relevant))
    result = tallies.result(estimates=estimates, seed=seed, arrivals=arrivals, simulated_projects=len(pipeline.live))
    result.elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    return result
