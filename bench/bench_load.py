"""Load benchmark: simulated users against gunicorn on this machine, at 10, 25, 50 and 100 users.

    .venv/bin/python bench/bench_load.py --db postgres [--users 10,25,50,100] [--seconds 60] [--workers 3]
        [--warmup 15] [--bind 127.0.0.1:8765]

Needs the data of bench/generate.py (generated when the database holds no projects) and the period
``BENCH-2026`` of bench_assessment.py (made or refreshed here as that benchmark does). Then:

* the server: gunicorn started by this script, ``zhaoshang.wsgi:application`` with the product's settings,
  ``--workers`` sync workers (3) and the README's ``--timeout 120``, DEBUG off, ``DATABASE_URL`` of the bench
  database. Like production it sets no ``CACHES``, so each worker has Django's default local-memory cache of
  its own (``LocMemCache``: a result cached by one worker is cold in the others). Static files are looked up
  without a manifest (``STATIC_MANIFEST=0``, as the other benchmarks; no collectstatic run). The only
  difference from a deployment is no nginx in front (and no TLS).
* the users: ``bureau``, ``admin`` and ``reporter`` (township T01) in the ratio 2 : 1 : 1, each simulated user
  with a session of its own (logged in through the login form once, before any level), one keep-alive
  HTTP/1.1 connection (gunicorn's sync workers close it after every response: then it reconnects), looping
  over the page mix below from a random place in it, thinking a uniform 0.5–1.5 s after each answer:
  the ledger ``/projects/``, the ledger filtered by township T01 and by stage and amount, a project's page
  (one of 200 the user may see, drawn at random), the dashboard ``/dashboard/`` and the three sections it loads
  after itself (stalled, ranking, forecast, with the query string the page gives them), the assessment page
  of ``BENCH-2026`` and the stalled-projects list.
* first one pass of every page for every role, one request at a time (caches warm; their times are the
  ``warm_pass`` in the JSON: the first, cold ones included), then each level: ``--warmup`` seconds with the
  users thinking and asking (not counted), then ``--seconds`` counted. A request counts in the level it
  finishes in.

Per level: throughput (answers per second), errors (any status other than 2xx/3xx, or no answer within
``--timeout`` s, or a broken connection), p50 / p95 / max per page and overall, the gunicorn workers' CPU
seconds per answer (utime + stime from /proc of the worker pids; the master is idle), the CPU of the
PostgreSQL backends serving the bench database (approximate: the backends alive at the end of the level), the
client's own CPU (this process; an asyncio loop, no threads) and the load average before and after.

Bounded: the server binds to a loopback address only, at most 200 users and 600 s per level.
Results: bench/results/load-<db>.json, and a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import ipaddress
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

MAX_USERS = 200
MAX_SECONDS = 600
PASSWORD = "bench-pass-2026"
ROLES = ["bureau", "bureau", "admin", "reporter"]  # user i gets ROLES[i % 4]
THINK = (0.5, 1.5)
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGES = [
    "ledger",
    "ledger_unit",
    "ledger_stage_amount",
    "project",
    "dashboard",
    "section_stalled",
    "section_ranking",
    "section_forecast",
    "assessment",
    "stalled_list",
]
SEED = 16


# --- the set-up, in this process ------------------------------------------------------------------------


def prepare(db: str) -> dict:
    """Data, period and the URLs of each role's pages (project ids the role may see)."""
    common.setup(db)
    common.migrate()
    sizes = common.ensure_data(db)
    from bench_assessment import ensure_period

    from zhaoshang.organization.models import Unit, User
    from zhaoshang.projects.models import Project

    period, _groups = ensure_period()
    township = Unit.objects.get(code="T01")
    rng = random.Random(SEED)
    projects = {}
    for username in sorted(set(ROLES)):
        user = User.objects.get(username=username)
        ids = list(Project.objects.restrict(user, "view").order_by("id").values_list("id", flat=True))
        projects[username] = sorted(rng.sample(ids, min(200, len(ids))))
    fixed = {
        "ledger": "/projects/",
        "ledger_unit": "/projects/?" + urlencode({"unit": township.pk}),
        "ledger_stage_amount": "/projects/?" + urlencode({"stage": "signed", "planned_min": "1000"}),
        "dashboard": "/dashboard/",
        "assessment": f"/assessment/{period.pk}/",
        "stalled_list": "/scheduling/stalled/",
    }
    from django.db import connections

    connections.close_all()
    return {"sizes": sizes, "period": period.pk, "township": township.pk, "projects": projects, "fixed": fixed}


# --- the server ---------------------------------------------------------------------------------------------


def loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def start_server(db: str, bind: str, workers: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("ZHAOSHANG_TRIAL", "DEBUG")}
    env.update(
        {
            "DATABASE_URL": common.database_url(db),
            "DJANGO_SETTINGS_MODULE": "zhaoshang.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),  # as production: its own key, not the trial's
            "DEBUG": "0",
            "STATIC_MANIFEST": "0",
            "ZHAOSHANG_DATA_DIR": str(common.DATA_DIR / "var"),
            "PYTHONPATH": str(common.ROOT / "src"),
        }
    )
    argv = [sys.executable, "-m", "gunicorn", "zhaoshang.wsgi:application", "--bind", bind]
    argv += ["--workers", str(workers), "--timeout", "120", "--graceful-timeout", "10", "--log-level", "warning"]
    log = open(common.DATA_DIR / "bench_load-gunicorn.log", "w")  # open while the server runs
    server = subprocess.Popen(argv, env=env, cwd=common.ROOT, stdout=log, stderr=subprocess.STDOUT)
    host, port = bind.rsplit(":", 1)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {log.name}")
        try:
            socket.create_connection((host.strip("[]"), int(port)), timeout=1).close()
            if len(worker_pids(server.pid)) == workers:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise SystemExit("gunicorn did not start within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    """Stop gunicorn and its workers: a worker still busy (a cold forecast) is killed after the graceful
    timeout by the master, or here if the master had to be killed."""
    workers = worker_pids(server.pid)
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    for pid in workers:
        try:
            if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():  # still ours, not a reused pid
                os.kill(pid, signal.SIGKILL)
        except (OSError, ProcessLookupError):
            pass


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc/PID/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def backend_pids(db: str) -> list[int]:
    """PostgreSQL backends connected to the bench database (none on SQLite)."""
    if db != "postgres":
        return []
    import psycopg

    with psycopg.connect(f"{common.PG_SERVER}/postgres", autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [common.PG_NAME]).fetchall()
    return [pid for (pid,) in rows]


# --- the client: HTTP/1.1 over asyncio streams ----------------------------------------------------------------


class Closed(Exception):
    pass


class Session:
    """One simulated user: its cookies and its keep-alive connection."""

    def __init__(self, host: str, port: int, role: str, timeout: float):
        self.host, self.port, self.role, self.timeout = host, port, role, timeout
        self.cookies: dict[str, str] = {}
        self.reader = self.writer = None
        self.dashboard_queries: dict[str, str] = {}  # section name → the query string the dashboard gives it

    async def _connect(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        """(status, headers, body); reconnects once if a kept-alive connection was closed meanwhile."""
        for attempt in (0, 1):
            fresh = self.writer is None
            if fresh:
                await self._connect()
            try:
                return await asyncio.wait_for(self._exchange(method, path, body, headers or {}), self.timeout)
            except (Closed, ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if fresh or attempt:
                    raise
            except TimeoutError:
                self.close()
                raise

    async def _exchange(self, method, path, body, headers):
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept-Language: zh-hans"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        for name, value in headers.items():
            lines.append(f"{name}: {value}")
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        if not head.strip():
            raise Closed
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        response_headers: dict[str, str] = {}
        for line in header_lines:
            if ":" not in line:
                continue
            name, value = line.split(":", 1)
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                self.cookies[key.strip()] = val.strip()
            response_headers[name] = value
        if "content-length" in response_headers:
            data = await self.reader.readexactly(int(response_headers["content-length"]))
        elif response_headers.get("transfer-encoding", "").lower() == "chunked":
            data = await self._chunked()
        elif status in (204, 304) or method == "HEAD":
            data = b""
        else:
            data = await self.reader.read()
            response_headers["connection"] = "close"
        if response_headers.get("connection", "").lower() == "close":
            self.close()
        return status, response_headers, data

    async def _chunked(self) -> bytes:
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)

    async def login(self, username: str):
        status, _h, body = await self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or token is None:
            raise SystemExit(f"login page: status {status}")
        form = urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": PASSWORD})
        status, _headers, _b = await self.request(
            "POST", "/login/", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login as {username}: status {status}, no session")
        self.close()


SECTION_URL = re.compile(rb'hx-get="(/dashboard/sections/(\w+)/\?[^"]*)"')


def page_url(page: str, session: Session, plan: dict, rng: random.Random) -> str:
    if page == "project":
        return f"/projects/{rng.choice(plan['projects'][session.role])}/"
    if page.startswith("section_"):
        name = page.removeprefix("section_")
        return f"/dashboard/sections/{name}/?{session.dashboard_queries.get(name, '')}"
    return plan["fixed"][page]


async def fetch(session: Session, page: str, plan: dict, rng: random.Random) -> tuple[float, int | str]:
    """One page: (seconds, status or error name). The dashboard's answer gives the sections' query strings."""
    url = page_url(page, session, plan, rng)
    started = time.perf_counter()
    try:
        status, _headers, body = await session.request("GET", url)
    except TimeoutError:
        return time.perf_counter() - started, "timeout"
    except (OSError, Closed, asyncio.IncompleteReadError, ValueError) as error:
        session.close()
        return time.perf_counter() - started, type(error).__name__
    elapsed = time.perf_counter() - started
    if page == "dashboard" and status == 200:
        for match in SECTION_URL.finditer(body):
            session.dashboard_queries[match.group(2).decode()] = html.unescape(match.group(1).decode()).split("?", 1)[1]
    return elapsed, status


def ok(status) -> bool:
    return isinstance(status, int) and 200 <= status < 400


class Level:
    def __init__(self):
        self.recording = False
        self.samples: list[tuple[str, float, int | str]] = []


async def user_loop(session: Session, plan: dict, level: Level, stop: asyncio.Event, seed: int):
    rng = random.Random(seed)
    position = rng.randrange(len(PAGES))
    await asyncio.sleep(rng.uniform(0, THINK[1]))  # not all at once
    while not stop.is_set():
        page = PAGES[position % len(PAGES)]
        position += 1
        elapsed, status = await fetch(session, page, plan, rng)
        if level.recording and not stop.is_set():
            level.samples.append((page, elapsed, status))
        try:
            await asyncio.wait_for(stop.wait(), rng.uniform(*THINK))
        except TimeoutError:
            pass
    session.close()


def stats(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


async def run_level(sessions, plan, users: int, warmup: float, seconds: float, server, db: str) -> dict:
    level = Level()
    stop = asyncio.Event()
    load_before = os.getloadavg()
    tasks = [
        asyncio.create_task(user_loop(sessions[i], plan, level, stop, seed=SEED * 1000 + users * 10 + i))
        for i in range(users)
    ]
    await asyncio.sleep(warmup)
    workers = worker_pids(server.pid)
    worker_cpu = {pid: cpu_seconds(pid) for pid in workers}
    backends = {pid: cpu_seconds(pid) for pid in backend_pids(db)}
    client_cpu, wall = time.process_time(), time.monotonic()
    level.recording = True
    await asyncio.sleep(seconds)
    level.recording = False
    wall = time.monotonic() - wall
    client_cpu = time.process_time() - client_cpu
    workers_after = worker_pids(server.pid)
    worker_used = sum(cpu_seconds(pid) - worker_cpu.get(pid, 0.0) for pid in workers_after)
    backend_used = sum(cpu_seconds(pid) - backends.get(pid, 0.0) for pid in backend_pids(db))
    load_after = os.getloadavg()
    stop.set()
    await asyncio.gather(*tasks)
    answered = [s for s in level.samples if isinstance(s[2], int)]
    errors = [s for s in level.samples if not ok(s[2])]
    per_page = {}
    for page in PAGES:
        rows = [s for s in level.samples if s[0] == page]
        per_page[page] = {**stats([s[1] for s in rows]), "errors": sum(1 for s in rows if not ok(s[2]))}
    count = len(level.samples)
    return {
        "users": users,
        "seconds": round(wall, 1),
        "requests": count,
        "throughput_rps": round(count / wall, 2),  # every request finished in the level, errors included
        "ok_rps": round((count - len(errors)) / wall, 2),  # the answers with a 2xx/3xx status
        "errors": len(errors),
        "error_kinds": _kinds(errors),
        "overall": stats([s[1] for s in level.samples]),
        "pages": per_page,
        "answered": len(answered),
        "worker_cpu_s": round(worker_used, 1),
        "worker_cpu_ms_per_request": round(worker_used * 1000 / count, 1) if count else None,
        "worker_restarts": sorted(set(workers_after) - set(workers)),
        "db_backend_cpu_s": round(backend_used, 1),
        "db_backend_cpu_ms_per_request": round(backend_used * 1000 / count, 1) if count else None,
        "client_cpu_s": round(client_cpu, 2),
        "client_cpu_percent": round(100 * client_cpu / wall, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
    }


def _kinds(errors) -> dict:
    kinds: dict[str, int] = {}
    for page, _elapsed, status in errors:
        key = f"{page}:{status}"
        kinds[key] = kinds.get(key, 0) + 1
    return kinds


async def bench(args, plan: dict, server) -> dict:
    host, port = args.bind.rsplit(":", 1)
    host, port = host.strip("[]"), int(port)
    most = max(args.users)
    sessions = [Session(host, port, ROLES[i % len(ROLES)], args.timeout) for i in range(most)]
    started = time.monotonic()
    # Each login hashes the password (PBKDF2) on the server: as many at a time as there are workers.
    gate = asyncio.Semaphore(args.workers)

    async def login(session):
        async with gate:
            await session.login(session.role)

    await asyncio.gather(*(login(session) for session in sessions))
    logins = time.monotonic() - started
    print(f"{most} users logged in in {logins:.1f} s")
    # Warm the caches: every page for every role, as many requests at a time as there are workers, so that
    # each worker (each with a cache of its own) most likely computes every slow result once: a sync worker
    # busy with one takes no other. The first answers are the cold ones; gunicorn's timeout is the limit.
    rng = random.Random(SEED)
    warm = {}
    for role in sorted(set(ROLES)):
        group = [s for s in sessions if s.role == role][: args.workers]
        for session in group:
            session.timeout = 150
        for page in PAGES:
            answers = await asyncio.gather(*(fetch(session, page, plan, rng) for session in group))
            warm[f"{role} {page}"] = {
                "ms": [round(elapsed * 1000, 1) for elapsed, _status in answers],
                "status": [status for _elapsed, status in answers],
            }
            if not all(ok(status) for _elapsed, status in answers):
                print(f"warning: {role} {page}: {[status for _e, status in answers]}", file=sys.stderr)
        for session in group:
            session.timeout = args.timeout
            session.close()
        print(f"warmed {role} in {time.monotonic() - started - logins:.1f} s")
    settled = await settle(sessions, plan, rng, args.settle)
    for session in sessions:  # every user knows the dashboard's query string of its role
        session.dashboard_queries = next(
            s for s in sessions if s.role == session.role and s.dashboard_queries
        ).dashboard_queries
    levels = []
    for users in args.users:
        result = await run_level(sessions, plan, users, args.warmup, args.seconds, server, args.db)
        levels.append(result)
        print(
            f"{users} users: {result['throughput_rps']} req/s ({result['ok_rps']} ok), errors {result['errors']}, "
            f"p50/p95 {result['overall'].get('p50_ms')}/{result['overall'].get('p95_ms')} ms, "
            f"worker CPU {result['worker_cpu_ms_per_request']} ms/request, load {result['load_average_after'][0]}"
        )
    return {"logins_seconds": round(logins, 1), "warm_pass": warm, "settle": settled, "levels": levels}


STORED_PAGES = ("section_forecast", "section_ranking", "assessment")
NOT_FRESH = (b'data-state="pending"', b'data-state="stale"')


def jobs_waiting() -> int:
    """Background jobs queued or running (the stored results' refreshes, the daily figures' build)."""
    from django.db import connections

    from zhaoshang.jobs.models import Job, JobStatus

    try:
        return Job.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).count()
    finally:
        connections.close_all()


async def settle(sessions, plan, rng, limit: float) -> dict:
    """Wait until the results the server computes in the background (issue 16: the forecast, the assessment, the
    county's daily figures) are stored and fresh for every role, so that the levels measure reading them, as users
    do between two changes of the data; how long it took is in the JSON."""
    started = time.monotonic()
    first = {role: next(s for s in sessions if s.role == role) for role in sorted(set(ROLES))}
    pending = {(role, page) for role in first for page in STORED_PAGES if page in PAGES}
    while True:
        for role, page in sorted(pending):
            session = first[role]
            url = page_url(page, session, plan, rng)
            try:
                status, _headers, body = await session.request("GET", url)
            except (TimeoutError, OSError, Closed, asyncio.IncompleteReadError):
                session.close()
                continue
            if ok(status) and not any(marker in body for marker in NOT_FRESH):
                pending.discard((role, page))
        waiting = await asyncio.to_thread(jobs_waiting)
        elapsed = time.monotonic() - started
        if not pending and not waiting:
            break
        if elapsed > limit:
            print(f"warning: not settled after {limit:.0f} s: {sorted(pending)}, {waiting} jobs", file=sys.stderr)
            break
        await asyncio.sleep(2)
    for session in first.values():
        session.close()
    print(f"stored results fresh after {elapsed:.1f} s")
    return {"seconds": round(elapsed, 1), "not_fresh": sorted(f"{r} {p}" for r, p in pending), "jobs": waiting}


def table(levels: list[dict]) -> str:
    out = [
        "| users | req/s (all / ok) | errors | p50 / p95 / max (ms) | worker CPU ms/req | DB CPU ms/req "
        "| client CPU | load avg |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for level in levels:
        o = level["overall"]
        out.append(
            f"| {level['users']} | {level['throughput_rps']} / {level['ok_rps']} | {level['errors']} | "
            f"{o.get('p50_ms')} / {o.get('p95_ms')} / {o.get('max_ms')} | {level['worker_cpu_ms_per_request']} | "
            f"{level['db_backend_cpu_ms_per_request']} | {level['client_cpu_percent']}% | "
            f"{level['load_average_after'][0]} |"
        )
    out += ["", "p50 / p95 (ms) per page:", ""]
    out.append("| page | " + " | ".join(f"{level['users']} users" for level in levels) + " |")
    out.append("| --- |" + " ---: |" * len(levels))
    for page in PAGES:
        cells = []
        for level in levels:
            s = level["pages"][page]
            cell = f"{s.get('p50_ms')} / {s.get('p95_ms')}" if s["count"] else "–"
            cells.append(cell + (f" ({s['errors']} err)" if s["errors"] else ""))
        out.append(f"| {page} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=common.DATABASES, default="postgres")
    parser.add_argument("--users", default="10,25,50,100", help="levels, comma-separated")
    parser.add_argument("--seconds", type=float, default=60, help="counted seconds per level")
    parser.add_argument("--warmup", type=float, default=15, help="seconds per level before counting")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--bind", default="127.0.0.1:8765")
    parser.add_argument("--skip", default="", help=f"pages left out of the mix, comma-separated: {', '.join(PAGES)}")
    parser.add_argument(
        "--settle", type=float, default=900, help="seconds to wait for the stored results before the levels"
    )
    parser.add_argument("--timeout", type=float, default=60, help="seconds a request may take before it is an error")
    args = parser.parse_args()
    args.users = [int(u) for u in args.users.split(",") if u.strip()]
    skipped = [p.strip() for p in args.skip.split(",") if p.strip()]
    if set(skipped) - set(PAGES) or set(skipped) >= set(PAGES):
        raise SystemExit(f"--skip: some of {', '.join(PAGES)}, not all")
    PAGES[:] = [page for page in PAGES if page not in skipped]
    host = args.bind.rsplit(":", 1)[0]
    if not loopback(host):
        raise SystemExit(f"--bind {args.bind}: loopback addresses only (127.0.0.1, ::1, localhost)")
    if not args.users or max(args.users) > MAX_USERS or min(args.users) < 1:
        raise SystemExit(f"--users: 1 to {MAX_USERS} per level")
    if not 0 < args.seconds <= MAX_SECONDS or not 0 <= args.warmup <= MAX_SECONDS:
        raise SystemExit(f"--seconds and --warmup: at most {MAX_SECONDS}")
    if not 1 <= args.workers <= 16:
        raise SystemExit("--workers: 1 to 16")
    plan = prepare(args.db)
    environment = common.environment(args.db)
    server = start_server(args.db, args.bind, args.workers)
    try:
        result = asyncio.run(bench(args, plan, server))
    finally:
        stop_server(server)
    output = {
        "environment": environment,
        "sizes": plan["sizes"],
        "server": {
            "workers": args.workers,
            "worker_class": "sync",
            "timeout_s": 120,
            "cache": "LocMemCache per worker process (no CACHES setting, as in production)",
            "debug": False,
        },
        "client": {"users_ratio": "bureau 2 : admin 1 : reporter 1", "think_s": list(THINK), "pages": PAGES},
        "skipped_pages": skipped,
        "warmup_s": args.warmup,
        "seconds": args.seconds,
        **result,
    }
    path = common.write_result("load" + ("-skip-" + "-".join(skipped) if skipped else ""), args.db, output)
    print(table(result["levels"]))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
