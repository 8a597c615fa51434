"""Fill the benchmark database with 300 units, 100,000 projects and 300,000 funds receipts (or another size).

    .venv/bin/python bench/generate.py --db sqlite      # bench/data/bench.sqlite3
    .venv/bin/python bench/generate.py --db postgres    # database zhaoshang_bench on 127.0.0.1:5432
    BENCH_PG_NAME=zhaoshang_bench1m .venv/bin/python bench/generate.py --db postgres \
        --projects 1000000 --receipts 3000000 --units 300

Does nothing when the database already holds the requested number of projects (``--force`` rebuilds).
Rows are drawn from one seeded ``random.Random`` with the demo county's name lists, so every run builds
the same data, and written with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL); no history rows.
Project.stage/stage_date, its per-stage dates and funds_total agree with the stage events and receipts, as the
services keep them. Investors (one per three projects), credits and stage events follow the number of projects;
townships, departments, parks and offices keep their shares of the units.

Memory stays bounded at a million projects: the drafts are small tuples of ints, the signed projects are
kept in arrays, and the rows go through temporary files (pickled in chunks) to the database instead of
lists, because a project's funds total is known only once every receipt is drawn, and the receipts are
drawn after every project (the random sequence, hence the default data, is the same as before).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import pickle
import random
import resource
import sys
import tempfile
import time
from array import array
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

SEED = 4754
START = dt.date(2019, 1, 1)
PIPELINE = ["negotiating", "intention", "signed", "started", "producing"]
STAGE_WEIGHTS = [22, 17, 24, 21, 16]
GAPS = {"intention": (15, 120), "signed": (15, 120), "started": (20, 150), "producing": (60, 270)}
PASSWORD = "bench-pass-2026"
USER_COLUMNS = ["id", "username", "role", "unit_id", "is_staff", "is_superuser", "password", "first_name"]
USER_COLUMNS += ["last_name", "email", "is_active", "date_joined", "display_name", "phone"]


def unit_counts(total: int) -> dict[str, int]:
    """How many units of each kind ``total`` units hold: the shares of the default 300 (1 jurisdiction,
    40 townships with two sections each, 150 departments, 10 parks, the rest resident offices)."""
    townships = max(1, round(40 * total / 300))
    departments = max(1, round(150 * total / 300))
    parks = max(1, round(10 * total / 300))
    offices = total - 1 - 3 * townships - departments - parks
    if offices < 0:  # rounding up took more than there is: the departments give way
        departments, offices = departments + offices, 0
    if departments < 1:
        raise SystemExit(f"--units {total}: too few units to keep the proportions (try 20 or more)")
    return {"townships": townships, "departments": departments, "parks": parks, "offices": offices}


def build_units(data, total: int = 300) -> list[tuple]:
    """(id, code, name, parent_id, category, tier): 1 jurisdiction, townships with 2 sections each,
    departments (every tenth vertically managed), parks and resident offices; at the default 300:
    40 townships, 150 departments, 10 parks and 19 offices."""
    counts = unit_counts(total)
    units = [(1, "000", "基准市", None, "jurisdiction", None)]
    extra = [f"{a}{b}{c}" for a in "东西南北新清长永" for b in "河山桥庄" for c in ("镇", "乡")]
    names = [name for _code, name, _tier in data.TOWNSHIPS] + extra
    while len(names) < counts["townships"]:  # beyond the 84 names: numbered ones, still unique
        names.append(f"第{len(names) + 1}镇")
    next_id = 2
    townships = []
    for index in range(counts["townships"]):
        code = f"T{index + 1:02d}"  # T01 … T99, T100 …: bench scripts look T01 up
        units.append((next_id, code, names[index], 1, "township", index % 4 + 1))
        townships.append((next_id, code, names[index]))
        next_id += 1
    for township_id, code, name in townships:
        for section in (1, 2):
            units.append((next_id, f"{code}{section:02d}", f"{name}第{section}科室", township_id, "section", None))
            next_id += 1
    departments = [name for _code, name, _tier, _vertical in data.DEPARTMENTS]
    for index in range(counts["departments"]):
        category = "vertical" if index % 10 == 9 else "department"
        name = departments[index % 30] + ("" if index < 30 else f"{index // 30 + 1}分局")
        units.append((next_id, f"D{index + 1:03d}", name, 1, category, index % 4 + 1))
        next_id += 1
    for index in range(counts["parks"]):
        units.append((next_id, f"P{index + 1:02d}", f"第{index + 1}产业园招商局", 1, "park", None))
        next_id += 1
    for index in range(counts["offices"]):
        units.append((next_id, f"O{index + 1:02d}", f"驻外招商联络处{index + 1}", 1, "office", None))
        next_id += 1
    assert len(units) == total
    return units


class Generator:
    def __init__(self, *, projects: int, receipts: int, today: dt.date, units: int = 300):
        from zhaoshang.demo import data

        self.data = data
        self.rng = random.Random(SEED)
        self.projects_wanted = projects
        self.receipts_wanted = receipts
        self.today = today
        self.units = build_units(data, units)
        weight = {"township": 2.2, "park": 9.0, "department": 0.9, "vertical": 0.35, "office": 5.0}
        tier_weight = {1: 3.0, 2: 2.0, 3: 1.4, 4: 1.0, None: 1.0}
        self.credit_ids, self.credit_weights = [], []
        for unit_id, _code, _name, _parent_id, category, tier in self.units[1:]:
            section = category == "section"
            self.credit_ids.append(unit_id)
            self.credit_weights.append(0.8 if section else weight[category] * tier_weight[tier])
        self.cum_weights = list(_accumulate(self.credit_weights))
        # The signed projects, for the receipts: id, signing day (ordinal), stage (index in PIPELINE) and
        # contract amount (a whole number of 万元, see _round_money), in arrays rather than tuples.
        self.signed_ids, self.signed_days = array("q"), array("q")
        self.signed_stages, self.signed_contracts = array("b"), array("q")

    def investors(self, count: int) -> list[tuple]:
        rng, data = self.rng, self.data
        names, rows = set(), []
        origins = data.DOMESTIC_ORIGINS
        cum = list(_accumulate([w for *_rest, w in origins]))
        words = [w for ws in data.CHAIN_WORDS.values() for w in ws]
        while len(rows) < count:
            origin, city, _w = rng.choices(origins, cum_weights=cum)[0]
            name = f"{city}{rng.choice(data.BRANDS)}{rng.choice(data.BRANDS)}{rng.choice(words)}有限公司"
            if name in names:
                continue
            names.add(name)
            rows.append((len(rows) + 1, name, origin))
        return rows

    def _drafts(self) -> list[tuple]:
        """Every project's start (ordinal), its stages (an index in PIPELINE and whether intention was
        skipped) and the gaps in days between its stages, sorted by start: small tuples of ints, since a
        million (start, stage, [(name, date), …]) drafts would take about half a gigabyte."""
        rng = self.rng
        window = (self.today - START).days
        start_ordinal = START.toordinal()
        drafts = []
        for _ in range(self.projects_wanted):
            stage = rng.choices(PIPELINE, weights=STAGE_WEIGHTS)[0]
            index = PIPELINE.index(stage)
            reached = PIPELINE[: index + 1]
            skipped = 0
            if len(reached) >= 3 and rng.random() < 0.25:
                reached.remove("intention")
                skipped = 1
            gaps = [rng.randint(*GAPS[s]) for s in reached[1:]]
            span = sum(gaps)
            start = start_ordinal + int((window - span) * rng.random() ** 0.7)
            drafts.append((start, index * 2 + skipped, *gaps))
        drafts.sort(key=lambda d: d[0])  # stable, by start only, as before
        return drafts

    def _dates(self, draft: tuple) -> tuple[str, list[tuple[str, dt.date]]]:
        start, code, *gaps = draft
        stage = PIPELINE[code // 2]
        reached = PIPELINE[: code // 2 + 1]
        if code % 2:
            reached.remove("intention")
        current = dt.date.fromordinal(start)
        dates = [(reached[0], current)]
        for name, gap in zip(reached[1:], gaps, strict=True):
            current = min(current + dt.timedelta(days=gap), self.today)
            dates.append((name, current))
        return stage, dates

    def projects(self, investor_count: int):
        """Yield (project row, credits, events, signing day) in id order; the signed ones are also kept in
        the generator's arrays for the receipts."""
        from zhaoshang.projects.services import last_activity, stage_fields

        rng, data = self.rng, self.data
        link_cum = list(_accumulate([link.weight for link in data.LINKS]))
        drafts = self._drafts()
        per_year: dict[int, int] = {}
        for pk, draft in enumerate(drafts, start=1):
            stage, dates = self._dates(draft)
            start = dates[0][1]
            drafts[pk - 1] = None  # drop each draft once used
            link = rng.choices(data.LINKS, cum_weights=link_cum)[0]
            z = rng.gauss(0, 1)
            planned = _round_money(min(max(math.exp(math.log(1800) + 1.15 * z) * link.scale, 300), 150000))
            signed = any(name == "signed" for name, _d in dates)
            contract = Decimal(0)
            if signed:
                contract = planned if rng.random() < 0.5 else _round_money(float(planned) * rng.uniform(0.6, 0.95))
            foreign = rng.random() < 0.08
            main = rng.choices(self.credit_ids, cum_weights=self.cum_weights)[0]
            credits = [(main, Decimal(100))]
            if rng.random() < 0.1:
                other = rng.choices(self.credit_ids, cum_weights=self.cum_weights)[0]
                if other != main:
                    credits = [(main, Decimal(60)), (other, Decimal(40))]
            status, reason, status_date = "active", "", None
            roll = rng.random()
            if stage != "producing" and roll < 0.06:
                status, reason = "stalled", rng.choice(data.STALL_REASONS)
            elif stage in ("negotiating", "intention") and roll < 0.1:
                status, reason = "dropped", rng.choice(data.DROP_REASONS)
            last_date = dates[-1][1]
            if status != "active":
                status_date = min(last_date + dt.timedelta(days=rng.randint(20, 200)), self.today)
            per_year[start.year] = per_year.get(start.year, 0) + 1
            leader = rng.choice(data.COUNTY_LEADERS) if planned >= 5000 or rng.random() < 0.2 else ""
            created = dt.datetime.combine(start, dt.time(rng.randint(0, 9), rng.randint(0, 59)), tzinfo=dt.UTC)
            rate = Decimal(str(round(rng.uniform(7.08, 7.27), 4))) if foreign else None
            row = {
                "id": pk,
                "code": f"B{start.year}-{per_year[start.year]:06d}",
                "name": rng.choice(link.templates).format(n=rng.choice(link.sizes)),
                "investor_id": rng.randint(1, investor_count),
                "capital_type": "foreign" if foreign else "domestic",
                "currency": "USD" if foreign else "CNY",
                "exchange_rate": rate,
                "foreign_investment": (planned / rate).quantize(Decimal("0.01")) if foreign else None,
                "industry": link.industry,
                "industry_chain": f"{link.chain}·{link.link}",
                "kind": link.kind,
                "high_tech": rng.random() < link.high_tech,
                "planned_investment": planned,
                "contract_amount": contract,
                "registered_capital": None,
                "land_area": None,
                "location": "",
                "introducer": "",
                "county_leader": leader,
                "responsible_unit_id": main,
                "stewards": "",
                "work_team": "",
                **stage_fields(dict(dates)),  # stage, stage_date and each stage's date, as the services keep them
                "status": status,
                "status_reason": reason,
                "status_date": status_date,
                "funds_total": Decimal(0),
                "remarks": "",
                "created_at": created,
                "last_activity_on": last_activity(created_at=created, stage_date=last_date, last_report_on=None),
                "updated_at": created,
                "created_by_id": None,
            }
            events = [(pk, name, day, contract if name == "signed" else None) for name, day in dates]
            signed_on = next((day for name, day in dates if name == "signed"), None)
            if signed_on is not None:
                self.signed_ids.append(pk)
                self.signed_days.append(signed_on.toordinal())
                self.signed_stages.append(PIPELINE.index(stage))
                self.signed_contracts.append(int(contract))
            yield row, credits, events, signed_on

    def receipt_counts(self) -> array:
        """How many receipts each signed project gets, adding up to exactly the number wanted."""
        rng = self.rng
        base = {"signed": (0, 3), "started": (2, 6), "producing": (4, 10)}
        today = self.today.toordinal()
        counts = array("q")
        eligible = array("q")
        for i, (day, stage) in enumerate(zip(self.signed_days, self.signed_stages, strict=True)):
            if today - day >= 1:
                counts.append(rng.randint(*base[PIPELINE[stage]]))
                eligible.append(i)
            else:
                counts.append(0)
        difference = self.receipts_wanted - sum(counts)
        while difference:
            i = rng.choice(eligible)
            if difference > 0:
                counts[i] += 1
                difference -= 1
            elif counts[i] > 0:
                counts[i] -= 1
                difference += 1
        return counts

    def receipts(self, counts: array, funds: array):
        """Yield the receipt rows; ``funds[pk]`` gets each project's total in fen (hundredths of 万元)."""
        rng, data = self.rng, self.data
        today = self.today.toordinal()
        shares = {"signed": (0.05, 0.4), "started": (0.25, 0.8), "producing": (0.6, 1.0)}
        next_id = 1
        for pk, day_ordinal, stage, contract, count in zip(
            self.signed_ids, self.signed_days, self.signed_stages, self.signed_contracts, counts, strict=True
        ):
            if not count:
                continue
            share = shares[PIPELINE[stage]]
            each = max(
                Decimal("0.01"), (Decimal(contract) * Decimal(rng.uniform(*share)) / count).quantize(Decimal("0.01"))
            )
            signed_on = dt.date.fromordinal(day_ordinal)
            days = today - day_ordinal
            cents = int(each * 100)
            for _ in range(count):
                day = signed_on + dt.timedelta(days=rng.randint(1, days))
                voucher = f"{rng.choice(data.BANKS)}{day:%Y%m%d}{rng.randint(0, 99999):05d}"
                yield (next_id, pk, day, each, rng.choice(data.FUND_SOURCES), voucher, "", None)
                next_id += 1
            funds[pk] = cents * count


def _accumulate(values):
    total = 0.0
    for value in values:
        total += value
        yield total


def _round_money(value: float) -> Decimal:
    step = 10 if value < 1000 else 50 if value < 10000 else 500
    return Decimal(max(step, round(value / step) * step))


# --- writing --------------------------------------------------------------------------------------


class Writer:
    """Write plain tuples fast: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

        if not self.postgres:
            # Django registers sqlite3 adapters for Decimal and date; aware datetimes are stored the way
            # Django's own SQL does (naive UTC) rather than with their offset.
            import sqlite3

            sqlite3.register_adapter(
                dt.datetime, lambda value: value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
            )

    def write(self, model, columns: list[str], rows, batch: int = 20000) -> int:
        """Insert ``rows`` (tuples in the order of ``columns``); columns the model has beyond those (a
        field added since this script was written) get the field's default."""
        extra = [f for f in model._meta.concrete_fields if f.column not in columns]
        if extra:
            defaults = tuple(f.get_db_prep_save(f.get_default(), self.connection) for f in extra)
            columns = [*columns, *(f.column for f in extra)]
            rows = ((*row, *defaults) for row in rows)
        table = self.connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(self.connection.ops.quote_name(c) for c in columns)
        written = 0
        with self.connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        written += 1
                return written
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
            chunk = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= batch:
                    cursor.executemany(sql, chunk)
                    written += len(chunk)
                    chunk = []
            if chunk:
                cursor.executemany(sql, chunk)
                written += len(chunk)
        return written


class Spill:
    """Rows kept on disk until they can be written: pickled in chunks to a temporary file, read back in
    the order they came, so a million projects never sit in memory at once."""

    def __init__(self, chunk: int = 10000):
        self.file = tempfile.TemporaryFile(dir=common.DATA_DIR)
        self.chunk, self.rows, self.count = chunk, [], 0

    def add(self, row) -> None:
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= self.chunk:
            pickle.dump(self.rows, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.rows = []

    def __iter__(self):
        if self.rows:
            pickle.dump(self.rows, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.rows = []
        self.file.seek(0)
        while True:
            try:
                chunk = pickle.load(self.file)
            except EOFError:
                break
            yield from chunk
        self.file.close()


def peak_rss_mb() -> float:
    """This process's peak resident set so far (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def generate(*, projects: int, receipts: int, units: int = common.UNITS) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from zhaoshang.demo.builder import demo_today, wipe
    from zhaoshang.organization.models import Unit, User
    from zhaoshang.projects.models import FundsReceipt, Investor, Project, ProjectCredit, StageEvent

    started = time.monotonic()
    today = demo_today()
    generator = Generator(projects=projects, receipts=receipts, today=today, units=units)
    writer = Writer()
    counts = {}
    with transaction.atomic():
        wipe()
        counts["units"] = writer.write(
            Unit,
            ["id", "code", "name", "parent_id", "category", "tier", "active"],
            ((*u, True) for u in generator.units),
        )
        password = make_password(PASSWORD)
        now = dt.datetime.now(dt.UTC)
        users = [
            (1, "admin", "admin", 1, True, True),
            (2, "bureau", "bureau", 1, False, False),
            (3, "reporter", "reporter", 2, False, False),  # township T01
        ]
        counts["users"] = writer.write(
            User,
            USER_COLUMNS,
            ((*u, password, "", "", "", True, now, "", "") for u in users),
        )
        investor_rows = generator.investors(projects // 3)
        investor_count = len(investor_rows)
        counts["investors"] = writer.write(Investor, ["id", "name", "origin"], investor_rows)
        del investor_rows

        # A project's funds total is known only after every receipt is drawn, and the receipts are drawn
        # after every project: the projects wait on disk, and so do their credits and stage events (one
        # COPY at a time on a connection).
        project_spill, credit_spill, event_spill = Spill(), Spill(), Spill()
        columns = None
        for row, credits, events, _signed_on in generator.projects(investor_count):
            if columns is None:
                columns = list(row)
            project_spill.add(tuple(row[c] for c in columns))
            for unit_id, share in credits:
                credit_spill.add((credit_spill.count + 1, row["id"], unit_id, share))
            for event in events:
                event_spill.add((event_spill.count + 1, *event, "", None))
        print(
            f"drawn {project_spill.count:,} projects in {time.monotonic() - started:.1f} s, peak RSS {peak_rss_mb()} MB"
        )
        # Foreign keys are checked at commit (Django declares them deferrable), so the credits, events and
        # receipts may go in before their projects.
        counts["credits"] = writer.write(ProjectCredit, ["id", "project_id", "unit_id", "share"], credit_spill)
        counts["stage_events"] = writer.write(
            StageEvent, ["id", "project_id", "stage", "date", "amount", "note", "recorded_by_id"], event_spill
        )
        funds = array("q", bytes(8 * (projects + 1)))  # fen per project id, zero when it has no receipt
        counts["receipts"] = writer.write(
            FundsReceipt,
            ["id", "project_id", "date", "amount", "source", "voucher_no", "note", "recorded_by_id"],
            generator.receipts(generator.receipt_counts(), funds),
        )
        funds_column = columns.index("funds_total")
        zero = Decimal(0)

        def project_rows():
            for row in project_spill:
                fen = funds[row[0]]
                if fen:  # the same Decimal as a sum of two-place amounts (e.g. 123.40), as before
                    row = (*row[:funds_column], Decimal(fen).scaleb(-2), *row[funds_column + 1 :])
                else:
                    row = (*row[:funds_column], zero, *row[funds_column + 1 :])
                yield row

        counts["projects"] = writer.write(Project, columns, project_rows())
        models = [Unit, User, Investor, Project, ProjectCredit, StageEvent, FundsReceipt]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    load_seconds = time.monotonic() - started
    print(f"loaded in {load_seconds:.1f} s, peak RSS {peak_rss_mb()} MB")
    analyze()
    return {
        "counts": counts,
        "seconds": round(time.monotonic() - started, 1),
        "load_seconds": round(load_seconds, 1),
        "peak_rss_mb": peak_rss_mb(),
    }


def analyze() -> None:
    """On PostgreSQL, refresh the planner's statistics now, as autovacuum would soon after a bulk load.

    SQLite is left without statistics, like a real deployment: nothing in Django runs ANALYZE there, and
    a migration that rebuilds a table drops that table's statistics anyway."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=common.DATABASES, default="sqlite")
    parser.add_argument("--projects", type=int, default=common.PROJECTS)
    parser.add_argument("--receipts", type=int, default=common.RECEIPTS)
    parser.add_argument("--units", type=int, default=common.UNITS, help="all units, jurisdiction included")
    parser.add_argument("--force", action="store_true", help="rebuild even if the data is there")
    args = parser.parse_args()
    if args.force and args.db == "sqlite":
        for path in common.DATA_DIR.glob(common.SQLITE_PATH.name + "*"):
            path.unlink()  # a fresh file is much faster than deleting 800,000 rows
    common.setup(args.db)
    from zhaoshang.projects.models import Project

    common.migrate()
    if not args.force and Project.objects.count() == args.projects:
        print(f"{args.db}: {args.projects} projects already there (use --force to rebuild)")
        return
    result = generate(projects=args.projects, receipts=args.receipts, units=args.units)
    counts = ", ".join(f"{k} {v:,}" for k, v in result["counts"].items())
    print(
        f"{args.db}: generated {counts} in {result['seconds']} s (loading {result['load_seconds']} s), "
        f"peak RSS {result['peak_rss_mb']} MB"
    )


if __name__ == "__main__":
    main()
