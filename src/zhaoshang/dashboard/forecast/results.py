"""The forecast's figures: each run's outcomes tallied, then summed up per unit and for the county.

``Tallies`` keeps, per forecast unit, every run's score and each open group's completion, how often each
group was met and which ledger projects added to it; ``Tallies.result`` turns them into the expected score,
its 10–90 % range and each group's chance (``UnitForecast``), and the county's figures over those units.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from zhaoshang.assessment import engine
from zhaoshang.organization.models import Unit

from .history import ZERO, Estimates
from .scoring import Outcome, Scoring
from .simulation import World


@dataclass
class UnitForecast:
    unit_id: int
    code: str
    name: str
    category: str
    current_score: Decimal | None
    expected_score: Decimal | None
    p10: Decimal | None
    p90: Decimal | None
    # {name, weight, current_completion, expected_completion, p10_completion, p90_completion, current_met,
    #  probability_met}; for the county see ``forecast``.
    groups: list[dict] = field(default_factory=list)
    project_ids: list[int] = field(default_factory=list)  # pipeline projects it rests on, likeliest first
    project_odds: dict[int, float] = field(default_factory=dict)  # share of runs the project added to it
    expected_new_projects: float = 0.0  # simulated arrivals credited to the unit, mean per run
    is_county: bool = False


@dataclass
class ForecastResult:
    as_of: dt.date
    period_end: dt.date
    runs: int
    seed: int
    units: list[UnitForecast]
    county: UnitForecast
    estimates: Estimates
    arrivals: bool
    elapsed_ms: float = 0.0  # set by ``forecast`` once the figures are made
    simulated_projects: int = 0


def _quantile(values: list[Decimal], q: float) -> Decimal | None:
    """Linear interpolation between order statistics (values sorted)."""
    if not values:
        return None
    position = q * (len(values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(values) - 1)
    fraction = Decimal(str(round(position - low, 6)))
    return values[low] + (values[high] - values[low]) * fraction


def _summary(values: list[Decimal]) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    if not values:
        return None, None, None
    ordered = sorted(values)
    mean = sum(values, ZERO) / len(values)
    return engine.round4(mean), engine.round4(_quantile(ordered, 0.1)), engine.round4(_quantile(ordered, 0.9))


class Tallies:
    """The runs' outcomes per forecast unit and group."""

    def __init__(self, scoring: Scoring):
        self.scoring = scoring
        self.runs = 0
        self.scores: dict[int, list[Decimal]] = {u.id: [] for u in scoring.targets}
        self.completions: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
        self.met: Counter = Counter()
        self.contributed: dict[int, Counter] = defaultdict(Counter)
        self.new_projects: Counter = Counter()

    def add(self, world: World, outcomes: dict[int, Outcome]) -> None:
        """One run: its world (for the new projects) and every forecast unit's outcome in it."""
        self.runs += 1
        for unit_id, arrived in world.arrived.items():
            self.new_projects[unit_id] += len(arrived)
        for unit in self.scoring.targets:
            score, groups, added = outcomes[unit.id]
            self.contributed[unit.id].update(added)
            self.scores[unit.id].append(score)
            for gi, (completion, met) in enumerate(groups):
                self.completions[(unit.id, gi)].append(completion)
                self.met[(unit.id, gi)] += met

    def result(self, *, estimates: Estimates, seed: int, arrivals: bool, simulated_projects: int) -> ForecastResult:
        """Each forecast unit's figures over the runs, and the county's."""
        runs, scoring = self.runs, self.scoring
        forecasts = []
        for unit in scoring.targets:
            now, base = scoring.current[unit.id], scoring.baseline[unit.id]
            expected, p10, p90 = _summary(self.scores[unit.id] or [base.score])
            groups = []
            for gi, group in enumerate(base.groups):
                settled = (unit.id, gi) in scoring.settled
                values = [group.completion] if settled else self.completions[(unit.id, gi)] or [group.completion]
                mean, low, high = _summary(values)
                chance = 1.0 if settled else self.met[(unit.id, gi)] / runs if runs else float(group.met)
                groups.append(
                    {
                        "name": group.spec.name,
                        "weight": group.spec.weight,
                        "current_completion": engine.round4(now.groups[gi].completion),
                        "current_met": now.groups[gi].met,
                        "expected_completion": mean,
                        "p10_completion": low,
                        "p90_completion": high,
                        "probability_met": chance,
                    }
                )
            ranked = sorted(self.contributed[unit.id].items(), key=lambda item: (-item[1], item[0]))
            odds = {pid: n / runs for pid, n in ranked}
            forecasts.append(
                UnitForecast(
                    unit_id=unit.id,
                    code=unit.code,
                    name=unit.name,
                    category=unit.category,
                    current_score=engine.round4(now.score),
                    expected_score=expected,
                    p10=p10,
                    p90=p90,
                    groups=groups,
                    project_ids=list(odds),
                    project_odds=odds,
                    expected_new_projects=self.new_projects[unit.id] / runs if runs else 0.0,
                )
            )
        return ForecastResult(
            as_of=scoring.as_of,
            period_end=scoring.end,
            runs=runs,
            seed=seed,
            units=forecasts,
            county=self._county(forecasts),
            estimates=estimates,
            arrivals=arrivals,
            simulated_projects=simulated_projects,
        )

    def _top(self, forecasts: list[UnitForecast]) -> list[UnitForecast]:
        """The forecast units whose credits roll up into no other forecast unit: a unit's arrival rate holds its
        sections' (credits rolled up as the assessment counts them), so the county counts each expected new
        project once, in its topmost forecast unit (``assessment.county`` likewise sums the units that roll up
        into no other). With the roll-up off, every unit."""
        ids = {f.unit_id for f in forecasts}
        above = self.scoring.rolls_into
        return [f for f in forecasts if not ids.intersection(above.get(f.unit_id, ()))]

    def _county(self, forecasts: list[UnitForecast]) -> UnitForecast:
        """The county over the forecast units: its score is the units' mean score; for each group name the
        completion is the units' mean completion (capped as in the score) and ``probability_met`` the
        expected share of those units meeting it."""
        root = Unit.objects.filter(parent__isnull=True).order_by("code").first()
        scoring = self.scoring
        runs, cap, n_units = self.runs, scoring.rules.score_cap, len(forecasts)
        per_run = [sum((self.scores[f.unit_id][r] for f in forecasts), ZERO) / n_units for r in range(runs)]
        current = [scoring.current[f.unit_id].score for f in forecasts]
        expected, p10, p90 = _summary(per_run or ([sum(current, ZERO) / n_units] if forecasts else []))
        members: dict[str, list[tuple[UnitForecast, int]]] = {}
        for f in forecasts:
            for gi, group in enumerate(f.groups):
                members.setdefault(group["name"], []).append((f, gi))
        groups = []
        for name, pairs in members.items():
            n = len(pairs)
            now = [min(scoring.current[f.unit_id].groups[gi].completion, cap) for f, gi in pairs]

            def completion(f, gi, r):
                if (f.unit_id, gi) in scoring.settled:
                    return min(scoring.baseline[f.unit_id].groups[gi].completion, cap)
                return min(self.completions[(f.unit_id, gi)][r], cap)

            run_means = [sum((completion(f, gi, r) for f, gi in pairs), ZERO) / n for r in range(runs)]
            mean, low, high = _summary(run_means or [sum(now, ZERO) / n])
            groups.append(
                {
                    "name": name,
                    "units": n,
                    "current_completion": engine.round4(sum(now, ZERO) / n),
                    "current_met": sum(1 for f, gi in pairs if f.groups[gi]["current_met"]) / n,
                    "expected_completion": mean,
                    "p10_completion": low,
                    "p90_completion": high,
                    "probability_met": sum(f.groups[gi]["probability_met"] for f, gi in pairs) / n,
                }
            )
        odds: dict[int, float] = {}
        for f in forecasts:
            for pid, share in f.project_odds.items():
                odds[pid] = max(odds.get(pid, 0.0), share)
        return UnitForecast(
            unit_id=root.pk if root else 0,
            code=root.code if root else "",
            name=root.name if root else "",
            category=root.category if root else "jurisdiction",
            current_score=engine.round4(sum(current, ZERO) / n_units) if forecasts else None,
            expected_score=expected,
            p10=p10,
            p90=p90,
            groups=groups,
            project_ids=sorted(odds, key=lambda pid: (-odds[pid], pid)),
            project_odds=odds,
            expected_new_projects=sum(f.expected_new_projects for f in self._top(forecasts)),
            is_county=True,
        )
