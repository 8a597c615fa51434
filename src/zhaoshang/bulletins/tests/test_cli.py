"""``zhaoshang bulletin --period CODE --month YYYY-MM --out FILE.docx [--issue] [--annex FILE.xlsx]``"""

from __future__ import annotations

from decimal import Decimal

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from docx.shared import Pt

from zhaoshang.bulletins import services
from zhaoshang.bulletins.choices import Status
from zhaoshang.bulletins.models import Bulletin
from zhaoshang.projects import services as project_services


def run(*args) -> None:
    call_command("bulletin", "--period", "Y2025", "--month", "2025-02", *args)


def opening(path) -> str:
    return next(p.text for p in docx.Document(path).paragraphs if p.text.startswith("现将"))


def title_of(document) -> str:
    """The title: the paragraph in 二号 (the masthead above it is larger)."""
    return next(p.text for p in document.paragraphs if p.runs and p.runs[0].font.size == Pt(22))


def test_writes_a_fresh_draft_without_storing_it(period, ledger, tmp_path):
    out = tmp_path / "通报.docx"
    run("--out", str(out))
    document = docx.Document(out)
    assert title_of(document) == "关于2025年2月全县招商引资工作进展情况的通报"
    assert "全县新签约项目3个" in opening(out)
    assert not Bulletin.objects.exists()


def test_uses_the_months_draft(draft, users, tmp_path):
    services.update_draft(user=users["bureau"], bulletin=draft, title="二月招商通报")
    out = tmp_path / "draft.docx"
    run("--out", str(out))
    assert title_of(docx.Document(out)) == "二月招商通报"


def test_issue_then_write_from_the_snapshot(period, ledger, users, tmp_path):
    out, annex = tmp_path / "b.docx", tmp_path / "b.xlsx"
    run("--out", str(out), "--annex", str(annex), "--issue", "--user", "bureau")
    bulletin = Bulletin.objects.get()
    assert bulletin.status == Status.ISSUED and bulletin.issued_by == users["bureau"]
    assert openpyxl.load_workbook(annex).sheetnames[:2] == ["汇总", "明细"]
    before = opening(out)

    project_services.update_project(user=users["bureau"], project=ledger["p2"], data={"contract_amount": Decimal(9000)})
    again = tmp_path / "again.docx"
    run("--out", str(again))
    assert opening(again) == before  # the issued bulletin, not a new computation
    run("--out", str(again), "--issue")  # issuing again changes nothing
    assert Bulletin.objects.count() == 1 and opening(again) == before


def test_issue_from_the_command_line_without_a_user(draft, tmp_path):
    run("--out", str(tmp_path / "b.docx"), "--issue")
    draft.refresh_from_db()
    assert draft.status == Status.ISSUED and draft.issued_by is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "NOPE", "--month", "2025-02"], "考核期 NOPE 不存在"),
        (["--period", "Y2025", "--month", "2025/02"], "格式错误"),
        (["--period", "Y2025", "--month", "2025-02", "--issue", "--user", "reporter_a"], "无权"),
        (["--period", "Y2025", "--month", "2025-02", "--issue", "--user", "nobody"], "不存在"),
        (["--period", "Y2025", "--month", "2024-06", "--issue"], "2024-06"),
    ],
)
def test_errors(period, users, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("bulletin", *args, "--out", str(tmp_path / "x.docx"))
