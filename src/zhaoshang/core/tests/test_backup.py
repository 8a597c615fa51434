"""Issue 11 part 10: ``zhaoshang backup`` and ``zhaoshang restore`` round-trip the demo county with its evidence.

The commands run as an operator runs them (the ``zhaoshang`` program in a subprocess, configured by the
environment): the demo county with evidence files is built in one database, backed up, and restored into a
FRESH database (another SQLite file; on PostgreSQL a database made with CREATE DATABASE); then every row of
every table and every file is compared. Figures are printed (``-s``): tables, rows and files compared.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

SEED = """
from django.core.files.uploadedfile import SimpleUploadedFile
from zhaoshang.organization.models import User
from zhaoshang.projects import services
from zhaoshang.projects.models import Project

bureau = User.objects.filter(role="bureau").order_by("pk").first()
for i, project in enumerate(Project.objects.order_by("pk")[:4]):
    services.add_attachment(
        user=bureau,
        project=project,
        uploaded=SimpleUploadedFile(f"回单{i}.pdf", b"%PDF-1.4\\n" + str(i).encode() * 1000 + b"\\n%%EOF\\n"),
        kind="receipt",
    )
"""


def _run(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    completed = subprocess.run(
        [sys.executable, "-m", "zhaoshang", *args], env=env, capture_output=True, text=True, timeout=600
    )
    if check:
        assert completed.returncode == 0, completed.stderr + completed.stdout
    return completed


def _env(base: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        ZHAOSHANG_TRIAL="1",
        ZHAOSHANG_DATA_DIR=str(base),
        MEDIA_ROOT=str(base / "media"),
        DATABASE_URL=database_url,
    )
    return env


def _files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _rows(cursor, quote, tables) -> dict[str, list]:
    rows = {}
    for table in tables:
        cursor.execute(f"SELECT * FROM {quote(table)}")
        rows[table] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
    return rows


def _round_trip(tmp_path: Path, source_url: str, target_url: str, read_rows) -> tuple[int, int, int]:
    source, target = _env(tmp_path / "source", source_url), _env(tmp_path / "target", target_url)
    _run(source, "demo", "--noinput")
    _run(source, "shell", "-c", SEED)
    out = tmp_path / "backup"
    printed = _run(source, "backup", "--out", str(out)).stdout
    assert "备份已写入" in printed
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {"format", "version", "created_at", "engine", "tables", "files"} <= set(manifest)
    assert manifest["tables"]["projects_project"] > 0 and manifest["tables"]["projects_attachment"] == 4
    # The evidence seeded above, and the demo's promises' proofs of delivery (issue 19): every stored file.
    stored = _files(tmp_path / "source" / "media")
    assert sum(1 for name in stored if not name.startswith("promises/")) == 4
    assert {name for name in manifest["files"] if name.startswith("media/")} == {f"media/{name}" for name in stored}

    printed = _run(target, "restore", str(out)).stdout
    assert "每张表的行数都与清单一致" in printed

    # Every row of every table, and every file, are the same.
    source_rows, target_rows = read_rows()
    assert set(source_rows) == set(target_rows) == set(manifest["tables"])
    for table, rows in source_rows.items():
        assert target_rows[table] == rows, table
    source_files, target_files = _files(tmp_path / "source" / "media"), _files(tmp_path / "target" / "media")
    assert source_files == target_files == stored

    # A second restore into the now non-empty database is refused unless forced.
    refused = _run(target, "restore", str(out), check=False)
    assert refused.returncode != 0 and "--force" in refused.stderr
    assert "每张表的行数都与清单一致" in _run(target, "restore", str(out), "--force").stdout

    # A damaged backup is refused before anything is touched.
    evidence = next(name for name in manifest["files"] if name.startswith("media/"))
    (out / evidence).write_bytes(b"%PDF-1.4 tampered")
    damaged = _run(target, "restore", str(out), "--force", check=False)
    assert damaged.returncode != 0 and "校验和不一致" in damaged.stderr and evidence in damaged.stderr

    tables = len(source_rows)
    rows = sum(len(r) for r in source_rows.values())
    files = len(source_files)
    print(f"\nbackup round trip ({manifest['engine']}): {tables} tables, {rows} rows, {files} files compared")
    return tables, rows, files


def test_sqlite_round_trip_of_the_demo_county(tmp_path):
    import sqlite3

    source_db, target_db = tmp_path / "source.sqlite3", tmp_path / "target.sqlite3"

    def read_rows():
        result = []
        for path in (source_db, target_db):
            db = sqlite3.connect(path)
            query = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            names = [r[0] for r in db.execute(query)]
            result.append(_rows(db.cursor(), lambda n: f'"{n}"', names))
            db.close()
        return result

    tables, rows, files = _round_trip(tmp_path, f"sqlite:///{source_db}", f"sqlite:///{target_db}", read_rows)
    assert tables > 40 and rows > 1000 and files >= 4


def test_postgresql_round_trip_of_the_demo_county(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("DATABASE_URL is not PostgreSQL")
    import psycopg

    conf = connection.settings_dict
    suffix = uuid.uuid4().hex[:8]
    names = (f"zs_backup_src_{suffix}", f"zs_backup_dst_{suffix}")
    auth = f"{conf['USER']}:{conf.get('PASSWORD') or ''}@{conf.get('HOST') or '127.0.0.1'}:{conf.get('PORT') or 5432}"
    admin_dsn = f"postgresql://{auth}/postgres"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:

        def read_rows():
            result = []
            for name in names:
                with psycopg.connect(f"postgresql://{auth}/{name}") as db, db.cursor() as cursor:
                    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
                    tables = [r[0] for r in cursor.fetchall()]
                    result.append(_rows(cursor, lambda n: f'"{n}"', tables))
            return result

        tables, rows, files = _round_trip(
            tmp_path, f"postgres://{auth}/{names[0]}", f"postgres://{auth}/{names[1]}", read_rows
        )
        assert tables > 40 and rows > 1000 and files >= 4
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
