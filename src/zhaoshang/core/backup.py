"""Backups: the database and the evidence files in one directory, with a manifest of checksums.

``backup(out)`` writes::

    out/manifest.json    format, version, created_at, engine, the row count of every table, the SHA-256 of every file
    out/db.sqlite3       SQLite: a consistent copy made with SQLite's online backup API (the site may keep running)
    out/db.dump          PostgreSQL: ``pg_dump -Fc`` (custom format, restored with ``pg_restore``)
    out/media/...        every file under MEDIA_ROOT (the evidence), byte for byte

``restore(src)`` first verifies every checksum of the manifest, refuses a database that already holds data unless
``force``, loads the database, copies the files back under MEDIA_ROOT and finally compares every table's row count
with the manifest. Both are run by the ``zhaoshang backup --out DIR`` and ``zhaoshang restore DIR`` commands.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.utils.translation import gettext as _

from zhaoshang.core import clock

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "db.sqlite3"
PG_FILE = "db.dump"
MEDIA_DIR = "media"
# Tables that ``migrate`` fills by itself: a database holding only these is still "empty".
_SCHEMA_TABLES = {"django_migrations", "django_content_type", "auth_permission", "django_session"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (English, for the command's output)."""


@dataclass
class Result:
    directory: Path
    tables: int
    rows: int
    files: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": vendor})
    return vendor


def table_counts(alias: str = "default") -> dict[str, int]:
    """The row count of every table of the database (sorted by name)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def holds_data(alias: str = "default") -> bool:
    """Whether any table other than those ``migrate`` fills by itself has a row."""
    return any(count for name, count in table_counts(alias).items() if name not in _SCHEMA_TABLES)


def _pg_args(alias: str) -> tuple[list[str], dict[str, str]]:
    conf = connections[alias].settings_dict
    args = []
    if conf.get("HOST"):
        args += ["-h", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["-p", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["-U", str(conf["USER"])]
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return args, env


def _run(argv: list[str], env: dict[str, str]) -> None:
    try:
        completed = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(
            _("%(program)s is not installed (the PostgreSQL client tools are needed).") % {"program": argv[0]}
        ) from error
    if completed.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s") % {"program": argv[0], "error": completed.stderr.strip()[-2000:]}
        )


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ]
    return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in sorted(names)}


def _pg_dump(alias: str, path: Path) -> dict[str, int]:
    """Dump with ``pg_dump -Fc`` from a snapshot exported by a repeatable-read transaction that also counts the
    rows, so the manifest's counts are exactly those of the dump while the site keeps writing."""
    connection = connections[alias]
    args, env = _pg_args(alias)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        database = connection.settings_dict["NAME"]
        _run(
            ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", *args, "-f", str(path), database],
            env,
        )
        return table_counts(alias)


def _version() -> str:
    try:
        return metadata.version("zhaoshang")
    except metadata.PackageNotFoundError:
        return "unknown"


def backup(out: Path | str, *, alias: str = "default") -> Result:
    """Write a backup of the database and of MEDIA_ROOT into the directory ``out`` (new or empty)."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(_("%(path)s is not empty; back up into a new directory.") % {"path": out})
    out.mkdir(parents=True, exist_ok=True)
    engine = _engine(alias)
    connection = connections[alias]
    connection.ensure_connection()
    if engine == "sqlite":
        target = sqlite3.connect(out / SQLITE_FILE)
        try:
            connection.connection.backup(target)
            counts = _sqlite_counts(target)  # the copy's own counts, whatever was written since
        finally:
            target.close()
        database_file = SQLITE_FILE
    else:
        database_file = PG_FILE
        counts = _pg_dump(alias, out / PG_FILE)

    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir():
        shutil.copytree(media_root, out / MEDIA_DIR, dirs_exist_ok=False)
    else:
        (out / MEDIA_DIR).mkdir()
    files = {database_file: _sha256(out / database_file)}
    for path in sorted((out / MEDIA_DIR).rglob("*")):
        if path.is_file():
            files[path.relative_to(out).as_posix()] = _sha256(path)
    manifest = {
        "format": FORMAT,
        "version": _version(),
        "created_at": clock.now().isoformat(timespec="seconds"),
        "engine": engine,
        "database": database_file,
        "tables": counts,
        "files": files,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return Result(out, len(counts), sum(counts.values()), len(files) - 1)


def read_manifest(src: Path | str) -> dict:
    """The manifest of the backup in ``src``, after checking every file it lists against its SHA-256."""
    src = Path(src)
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BackupError(
            _("%(path)s holds no %(manifest)s: it is not a backup of this system.")
            % {"path": src, "manifest": MANIFEST}
        ) from error
    except json.JSONDecodeError as error:
        raise BackupError(_("%(path)s is damaged: %(error)s") % {"path": src / MANIFEST, "error": error}) from error
    if manifest.get("format") != FORMAT:
        raise BackupError(_("Unknown backup format %(format)r.") % {"format": manifest.get("format")})
    problems = []
    for relative, expected in manifest["files"].items():
        path = src / relative
        if ".." in Path(relative).parts or Path(relative).is_absolute():
            problems.append(_("%(file)s: path outside the backup") % {"file": relative})
        elif not path.is_file():
            problems.append(_("%(file)s: missing") % {"file": relative})
        elif _sha256(path) != expected:
            problems.append(_("%(file)s: checksum differs") % {"file": relative})
    if problems:
        raise BackupError(_("The backup is damaged; nothing was restored:") + "\n  " + "\n  ".join(problems))
    return manifest


def restore(src: Path | str, *, force: bool = False, alias: str = "default") -> Result:
    """Load the backup in ``src`` into the database and MEDIA_ROOT (see the module's docstring)."""
    src = Path(src)
    manifest = read_manifest(src)
    engine = _engine(alias)
    if manifest["engine"] != engine:
        raise BackupError(
            _("The backup is of a %(backup)s database; this site uses %(site)s.")
            % {"backup": manifest["engine"], "site": engine}
        )
    connection = connections[alias]
    if holds_data(alias) and not force:
        raise BackupError(_("The database already holds data; restore with --force to replace it."))
    if engine == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(src / manifest["database"])
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
    else:
        connection.close()
        args, env = _pg_args(alias)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *args,
                "-d",
                connection.settings_dict["NAME"],
                str(src / manifest["database"]),
            ],
            env,
        )
    media_root = Path(settings.MEDIA_ROOT)
    copied = 0
    for relative in manifest["files"]:
        if not relative.startswith(f"{MEDIA_DIR}/"):
            continue
        target = media_root / relative[len(MEDIA_DIR) + 1 :]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / relative, target)
        copied += 1
    counts = table_counts(alias)
    differing = [
        _("%(table)s: %(rows)s rows, the backup has %(expected)s")
        % {"table": name, "rows": counts.get(name), "expected": expected}
        for name, expected in manifest["tables"].items()
        if counts.get(name) != expected
    ]
    if differing:
        raise BackupError(_("Restored, but the row counts differ:") + "\n  " + "\n  ".join(differing))
    return Result(src, len(counts), sum(counts.values()), copied)
