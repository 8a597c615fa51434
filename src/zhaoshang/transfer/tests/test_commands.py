"""``zhaoshang import`` and its exit codes."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhaoshang.projects.models import FundsReceipt, Project
from zhaoshang.transfer import columns as c

from . import xlsx
from .conftest import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def good(tmp_path):
    sheets = {
        c.PROJECT_SHEET: [xlsx.project("C1", "命令行项目")],
        c.RECEIPT_SHEET: [xlsx.receipt("C1", dt.date(2024, 1, 1), 12.5)],
    }
    return xlsx.write(tmp_path / "good.xlsx", sheets)


@pytest.fixture
def bad(tmp_path):
    rows = [xlsx.project("C1", **{c.P_PLANNED: -3}), xlsx.project("C2", **{c.P_CREDITS: "X99"})]
    return xlsx.write(tmp_path / "bad.xlsx", {c.PROJECT_SHEET: rows})


def test_success_prints_counts_and_exits_0(good, users, units, capsys):
    call_command("import", str(good), "--user", "bureau")  # returning normally is exit code 0
    out = capsys.readouterr().out
    assert "项目: 新增 1" in out and "到位资金: 新增 1" in out
    project = Project.objects.get(code="C1")
    assert project.history.get().history_user == users["bureau"]
    assert FundsReceipt.objects.get().history.get().history_user == users["bureau"]


def test_default_user_is_the_first_admin(good, users, units):
    call_command("import", str(good))
    assert Project.objects.get(code="C1").history.get().history_user == users["admin"]


def test_errors_print_every_line_and_exit_1(bad, users, units, capsys):
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        call_command("import", str(bad), "--user", "bureau")
    assert raised.value.returncode == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    assert c.P_PLANNED in lines[0] and "X99" in lines[1]
    assert snapshot() == before


def test_dry_run_writes_nothing(good, users, units, capsys):
    call_command("import", str(good), "--dry-run")
    assert Project.objects.count() == 0
    assert "项目: 新增 1" in capsys.readouterr().out


def test_unknown_user_and_missing_file(good, users, tmp_path):
    with pytest.raises(CommandError):
        call_command("import", str(good), "--user", "nobody")
    with pytest.raises(CommandError):
        call_command("import", str(tmp_path / "missing.xlsx"))


@pytest.mark.django_db(False)
def test_exit_codes_of_the_real_command(tmp_path):
    """``zhaoshang import`` in its own process, on its own SQLite database: exit code 1, then 0."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ZHAOSHANG_DATA_DIR"] = str(tmp_path / "var")
    command = [sys.executable, "-m", "zhaoshang"]
    subprocess.run([*command, "migrate", "-v0"], env=env, check=True, capture_output=True)
    units = [xlsx.unit("T01", "城关镇", "", "乡镇", "一档")]
    bad = xlsx.write(
        tmp_path / "bad.xlsx", {c.UNIT_SHEET: units, c.PROJECT_SHEET: [xlsx.project("C1", **{c.P_PLANNED: -1})]}
    )
    good = xlsx.write(tmp_path / "good.xlsx", {c.UNIT_SHEET: units, c.PROJECT_SHEET: [xlsx.project("C1")]})

    failed = subprocess.run([*command, "import", str(bad)], env=env, capture_output=True, text=True)
    assert failed.returncode == 1
    assert c.P_PLANNED in failed.stderr and "-1" in failed.stderr

    done = subprocess.run([*command, "import", str(good), "--dry-run"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([*command, "import", str(good)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "项目: 新增 1" in done.stdout


def test_progress_on_a_log_is_plain_lines(good, users, units):
    """Not on a terminal: one line per phase (reading each sheet, checking, writing), then the counts."""
    out = io.StringIO()
    call_command("import", str(good), "--user", "bureau", stdout=out)
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    reading = [line for line in lines if line.startswith("读取工作表")]
    assert [line.split()[1] for line in reading] == ["项目", "到位资金"]
    assert reading[0].endswith(" 0/2 0%")  # the sheet's rows: its header and one project
    assert any(line.startswith("检查数据") for line in lines)
    assert lines.index(next(line for line in lines if line.startswith("写入"))) < lines.index("导入完成。")
    assert "项目: 新增 1" in out.getvalue()


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_on_a_terminal_is_one_line_rewritten(good, users, units):
    out = Terminal()
    call_command("import", str(good), "--user", "bureau", stdout=out)
    text = out.getvalue()
    progress, _sep, rest = text.rpartition("\r")
    assert progress.startswith("\r读取工作表 项目") and "\n" not in progress  # rewritten in place
    assert rest.splitlines()[-1] == "导入完成。"


def test_no_progress_at_verbosity_0(good, users, units):
    out = io.StringIO()
    call_command("import", str(good), "--user", "bureau", "-v", "0", stdout=out)
    assert "读取" not in out.getvalue() and "导入完成。" in out.getvalue()
