"""Fill the benchmark database with 300 units, 100,000 projects and 300,000 funds receipts.

    .venv/bin/python bench/generate.py --db sqlite      # bench/data/bench.sqlite3
    .venv/bin/python bench/generate.py --db postgres    # database zhaoshang_bench on 127.0.0.1:5432

Does nothing when the database already holds the requested number of projects (``--force`` rebuilds).
Rows are drawn from one seeded ``random.Random`` with the demo county's name lists, so every run builds
the same data, and written with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL); no history rows.
Project.stage/stage_date, its per-stage dates and funds_total agree with the stage events and receipts, as the
services keep them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
import time
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


def build_units(data) -> list[tuple]:
    """(id, code, name, parent_id, category, tier): 1 jurisdiction, 40 townships with 2 sections each,
    150 departments (every tenth vertically managed), 10 parks and 19 resident offices = 300 units."""
    units = [(1, "000", "基准市", None, "jurisdiction", None)]
    extra = [f"{a}{b}{c}" for a in "东西南北新清长永" for b in "河山桥庄" for c in ("镇", "乡")]
    names = [name for _code, name, _tier in data.TOWNSHIPS] + extra
    next_id = 2
    townships = []
    for index in range(40):
        units.append((next_id, f"T{index + 1:02d}", names[index], 1, "township", index % 4 + 1))
        townships.append((next_id, f"T{index + 1:02d}", names[index]))
        next_id += 1
    for township_id, code, name in townships:
        for section in (1, 2):
            units.append((next_id, f"{code}{section:02d}", f"{name}第{section}科室", township_id, "section", None))
            next_id += 1
    departments = [name for _code, name, _tier, _vertical in data.DEPARTMENTS]
    for index in range(150):
        category = "vertical" if index % 10 == 9 else "department"
        name = departments[index % 30] + ("" if index < 30 else f"{index // 30 + 1}分局")
        units.append((next_id, f"D{index + 1:03d}", name, 1, category, index % 4 + 1))
        next_id += 1
    for index in range(10):
        units.append((next_id, f"P{index + 1:02d}", f"第{index + 1}产业园招商局", 1, "park", None))
        next_id += 1
    for index in range(19):
        units.append((next_id, f"O{index + 1:02d}", f"驻外招商联络处{index + 1}", 1, "office", None))
        next_id += 1
    assert len(units) == common.UNITS
    return units


class Generator:
    def __init__(self, *, projects: int, receipts: int, today: dt.date):
        from zhaoshang.demo import data

        self.data = data
        self.rng = random.Random(SEED)
        self.projects_wanted = projects
        self.receipts_wanted = receipts
        self.today = today
        self.units = build_units(data)
        weight = {"township": 2.2, "park": 9.0, "department": 0.9, "vertical": 0.35, "office": 5.0}
        tier_weight = {1: 3.0, 2: 2.0, 3: 1.4, 4: 1.0, None: 1.0}
        self.credit_ids, self.credit_weights = [], []
        for unit_id, _code, _name, _parent_id, category, tier in self.units[1:]:
            section = category == "section"
            self.credit_ids.append(unit_id)
            self.credit_weights.append(0.8 if section else weight[category] * tier_weight[tier])
        self.cum_weights = list(_accumulate(self.credit_weights))

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

    def projects(self, investor_count: int):
        """Yield (project row, credits, events, receipt count hint) in id order."""
        from zhaoshang.projects.services import last_activity, stage_fields

        rng, data = self.rng, self.data
        window = (self.today - START).days
        link_cum = list(_accumulate([link.weight for link in data.LINKS]))
        drafts = []
        for _ in range(self.projects_wanted):
            stage = rng.choices(PIPELINE, weights=STAGE_WEIGHTS)[0]
            reached = PIPELINE[: PIPELINE.index(stage) + 1]
            if len(reached) >= 3 and rng.random() < 0.25:
                reached.remove("intention")
            gaps = [rng.randint(*GAPS[s]) for s in reached[1:]]
            span = sum(gaps)
            start = START + dt.timedelta(days=int((window - span) * rng.random() ** 0.7))
            dates, current = [(reached[0], start)], start
            for name, gap in zip(reached[1:], gaps, strict=True):
                current = min(current + dt.timedelta(days=gap), self.today)
                dates.append((name, current))
            drafts.append((start, stage, dates))
        drafts.sort(key=lambda d: d[0])
        per_year: dict[int, int] = {}
        for pk, (start, stage, dates) in enumerate(drafts, start=1):
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
            yield row, credits, events, signed_on

    def receipt_counts(self, signed: list[tuple[int, dt.date, str, Decimal]]) -> list[int]:
        """How many receipts each signed project gets, adding up to exactly the number wanted."""
        rng = self.rng
        base = {"signed": (0, 3), "started": (2, 6), "producing": (4, 10)}
        counts = [rng.randint(*base[stage]) if (self.today - day).days >= 1 else 0 for _pk, day, stage, _c in signed]
        eligible = [i for i, (_pk, day, _s, _c) in enumerate(signed) if (self.today - day).days >= 1]
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

    def receipts(self, signed, counts, funds: dict[int, Decimal]):
        rng, data = self.rng, self.data
        next_id = 1
        for (pk, signed_on, stage, contract), count in zip(signed, counts, strict=True):
            if not count:
                continue
            share = {"signed": (0.05, 0.4), "started": (0.25, 0.8), "producing": (0.6, 1.0)}[stage]
            each = max(Decimal("0.01"), (contract * Decimal(rng.uniform(*share)) / count).quantize(Decimal("0.01")))
            days = (self.today - signed_on).days
            total = Decimal(0)
            for _ in range(count):
                day = signed_on + dt.timedelta(days=rng.randint(1, days))
                voucher = f"{rng.choice(data.BANKS)}{day:%Y%m%d}{rng.randint(0, 99999):05d}"
                yield (next_id, pk, day, each, rng.choice(data.FUND_SOURCES), voucher, "", None)
                total += each
                next_id += 1
            funds[pk] = total


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


def generate(*, projects: int, receipts: int) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from zhaoshang.demo.builder import demo_today, wipe
    from zhaoshang.organization.models import Unit, User
    from zhaoshang.projects.models import FundsReceipt, Investor, Project, ProjectCredit, StageEvent

    started = time.monotonic()
    today = demo_today()
    generator = Generator(projects=projects, receipts=receipts, today=today)
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
        counts["investors"] = writer.write(Investor, ["id", "name", "origin"], investor_rows)

        project_rows, credit_rows, event_rows, signed = [], [], [], []
        for row, credits, events, signed_on in generator.projects(len(investor_rows)):
            project_rows.append(row)
            credit_rows.extend((row["id"], unit_id, share) for unit_id, share in credits)
            event_rows.extend(events)
            if signed_on is not None:
                signed.append((row["id"], signed_on, row["stage"], row["contract_amount"]))
        funds: dict[int, Decimal] = {}
        receipt_rows = list(generator.receipts(signed, generator.receipt_counts(signed), funds))
        for row in project_rows:
            row["funds_total"] = funds.get(row["id"], Decimal(0))
        columns = list(project_rows[0])
        counts["projects"] = writer.write(Project, columns, ([row[c] for c in columns] for row in project_rows))
        counts["credits"] = writer.write(
            ProjectCredit,
            ["id", "project_id", "unit_id", "share"],
            ((i, *c) for i, c in enumerate(credit_rows, start=1)),
        )
        counts["stage_events"] = writer.write(
            StageEvent,
            ["id", "project_id", "stage", "date", "amount", "note", "recorded_by_id"],
            ((i, *e, "", None) for i, e in enumerate(event_rows, start=1)),
        )
        counts["receipts"] = writer.write(
            FundsReceipt,
            ["id", "project_id", "date", "amount", "source", "voucher_no", "note", "recorded_by_id"],
            receipt_rows,
        )
        models = [Unit, User, Investor, Project, ProjectCredit, StageEvent, FundsReceipt]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    load_seconds = time.monotonic() - started
    print(f"loaded in {load_seconds:.1f} s")
    analyze()
    return {"counts": counts, "seconds": round(time.monotonic() - started, 1), "load_seconds": round(load_seconds, 1)}


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
    result = generate(projects=args.projects, receipts=args.receipts)
    counts = ", ".join(f"{k} {v:,}" for k, v in result["counts"].items())
    print(f"{args.db}: generated {counts} in {result['seconds']} s")


if __name__ == "__main__":
    main()
