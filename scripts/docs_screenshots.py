"""Refresh the screenshots of the user guide (docs/guide/img/*.png).

    .venv/bin/python scripts/docs_screenshots.py [--port PORT] [--keep]

It builds the demo county in a data directory of its own (SQLite; nothing else is touched) — with its
scheduling rounds, reports, coordination items, a supervision batch and bulletins — serves it with
`zhaoshang serve` on a free local port, and walks through the pages in Debian's Chromium (Playwright, never
`playwright install`) as each demo user would: a reporter records a project, the bureau adds its report to
the demo's open round, a supervisor verifies, the bureau issues the demo's draft bulletin, a leader reads
the dashboard. Every screenshot is a real page of that run. The server
is stopped at the end and the temporary data directory deleted (unless --keep).

Needs /usr/bin/chromium, fonts-noto-cjk and chromium-l10n (so that date inputs read 年/月/日).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "guide" / "img"
VENV_BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1920, "height": 1080}
PASSWORD = "zhaoshang2026"
MAX_BYTES = 250 * 1024
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


# --- the demo and its server ------------------------------------------------------------------------


def zhaoshang_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ZHAOSHANG_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="zhaoshang.settings")
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the server did not answer at {url}")
        time.sleep(0.5)


# --- screenshots -------------------------------------------------------------------------------------


class Guide:
    def __init__(self, browser, base_url: str, work: Path, env: dict[str, str]):
        self.env = env
        self.browser = browser
        self.base_url = base_url
        self.work = work
        self.taken: list[tuple[str, int]] = []
        self.today = dt.date.today()

    # pages and logins
    def page(self, username: str | None, viewport=DESKTOP):
        context = self.browser.new_context(
            base_url=self.base_url, viewport=viewport, locale="zh-CN", accept_downloads=True, device_scale_factor=1
        )
        context.set_default_timeout(30_000)
        page = context.new_page()
        if username:
            page.goto("/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            with page.expect_navigation():
                page.click("main form button[type=submit]")
            if "/login/" in page.url:
                raise SystemExit(f"{username} could not log in")
        return page

    def go(self, page, url: str) -> None:
        page.goto(url)
        self.settle(page)

    @staticmethod
    def settle(page) -> None:
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.mouse.move(0, 0)

    def submit(self, page, selector: str) -> None:
        with page.expect_navigation():
            page.click(selector)
        self.settle(page)

    # shots
    def shot(
        self, page, name: str, *selectors: str, pad: int = 10, max_height: int | None = None, full_page: bool = False
    ) -> None:
        """Save docs/guide/img/NAME.png: the viewport, the whole page, or the area around the selectors."""
        path = OUT / f"{name}.png"
        page.evaluate("document.activeElement && document.activeElement.blur()")
        if not selectors:
            page.screenshot(path=str(path), full_page=full_page)
        else:
            boxes = []
            for selector in selectors:
                locator = page.locator(selector).first
                locator.wait_for(state="visible")
                box = locator.bounding_box()
                scroll = page.evaluate("[window.scrollX, window.scrollY]")
                boxes.append((box["x"] + scroll[0], box["y"] + scroll[1], box["width"], box["height"]))
            width = page.evaluate("document.documentElement.scrollWidth")
            x0 = max(0, min(b[0] for b in boxes) - pad)
            y0 = max(0, min(b[1] for b in boxes) - pad)
            x1 = min(width, max(b[0] + b[2] for b in boxes) + pad)
            y1 = max(b[1] + b[3] for b in boxes) + pad
            if max_height:
                y1 = min(y1, y0 + max_height)
            page.screenshot(
                path=str(path), full_page=True, clip={"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}
            )
        size = path.stat().st_size
        self.taken.append((name, size))
        flag = "  ** over 250 KB" if size > MAX_BYTES else ""
        print(f"{name}.png {size // 1024} KB{flag}", flush=True)

    @staticmethod
    def up_to_row(page, rows: str, number: int) -> str:
        """The selector of row NUMBER of ROWS, or of the last row when there are fewer."""
        return f"{rows}:nth-child({max(1, min(number, page.locator(rows).count()))})"

    def file(self, name: str, data: bytes) -> str:
        path = self.work / name
        path.write_bytes(data)
        return str(path)

    # ---------------------------------------------------------------------------------------------
    def run(self) -> None:
        self.intro()
        self.ledger()
        self.ledger_phone()
        self.imports()
        self.scheduling()
        self.supervision()
        self.assessment()
        self.bulletins()
        self.dashboard()
        self.security()
        self.daily_work()
        self.no_water()
        self.promotion_work()
        self.county_offer()

    def intro(self) -> None:
        page = self.page(None)
        self.go(page, "/login/")
        self.shot(page, "login", "nav.navbar", "main", pad=0)
        page.context.close()
        reporter = self.page("reporter")
        self.go(reporter, "/projects/")
        self.shot(reporter, "reporter-home")
        reporter.context.close()

    def ledger(self) -> None:
        bureau = self.page("bureau")
        self.go(bureau, "/projects/")
        self.shot(bureau, "ledger")
        self.go(
            bureau,
            f"/projects/?category=township&stage=signed&stage=started&reached=signed&date_from={self.today.year}-01-01",
        )
        self.shot(
            bureau, "ledger-filters", "#ledger-filter", "#ledger-totals", "#ledger-table tbody tr:nth-child(6)", pad=4
        )
        bureau.context.close()

        # A township's reporter records a new project, its stages, funds and evidence.
        page = self.page("reporter")
        self.go(page, "/projects/new/")
        code = f"CG{self.today.year}-001"
        page.fill("#id_code", code)
        page.fill("#id_name", "年产10万吨新型建材项目")
        for selector, value in (
            ("#id_investor_name", "浙江华新建材有限公司"),
            ("#id_investor_origin", "浙江杭州"),
            ("#id_contact_person", "陈立峰"),
            ("#id_contact_phone", "13857100000"),
            ("#id_industry_chain", "新材料·绿色建材"),
            ("#id_planned_investment", "12000"),
            ("#id_registered_capital", "3000"),
            ("#id_land_area", "150"),
            ("#id_location", "城关镇工业集中区"),
            ("#id_introducer", "城关镇 王建国"),
            ("#id_county_leader", "李副县长"),
        ):
            page.fill(selector, value)
        page.select_option("#id_industry", "C")
        page.select_option("#id_kind", "industrial")
        self.shot(page, "project-new", "main")
        self.submit(page, "#project-form button[type=submit]")
        self.project_url = page.url.replace(self.base_url, "")

        for stage, days_ago in (("negotiating", 75), ("intention", 50)):
            page.select_option("#stage-form select[name=stage]", stage)
            page.fill("#stage-form input[name=date]", (self.today - dt.timedelta(days=days_ago)).isoformat())
            self.submit(page, "#stage-form button[type=submit]")
        page.select_option("#stage-form select[name=stage]", "signed")
        page.fill("#stage-form input[name=date]", (self.today - dt.timedelta(days=30)).isoformat())
        page.fill("#stage-form input[name=amount]", "10000")
        page.set_input_files("#stage-form input[type=file]", self.file("投资合同.pdf", self.pdf("contract")))
        page.select_option("#stage-form [name=evidence_kind]", "contract")
        self.shot(page, "project-stage", "#timeline", "#stage-form")
        self.submit(page, "#stage-form button[type=submit]")

        page.click("details:has(#receipt-form) > summary")
        page.fill("#receipt-form [name=date]", (self.today - dt.timedelta(days=6)).isoformat())
        page.fill("#receipt-form [name=amount]", "800")
        page.fill("#receipt-form [name=source]", "企业自筹")
        page.fill("#receipt-form [name=voucher_no]", "CG20261101")
        page.set_input_files("#receipt-form [name=evidence]", self.file("银行回单.pdf", self.pdf("receipt 1")))
        self.shot(page, "project-receipt", "#receipts", "#receipt-form")
        self.submit(page, "#receipt-form button[type=submit]")
        page.click("details:has(#receipt-form) > summary")
        page.fill("#receipt-form [name=date]", (self.today - dt.timedelta(days=2)).isoformat())
        page.fill("#receipt-form [name=amount]", "1200")
        page.set_input_files("#receipt-form [name=evidence]", self.file("到账凭证.pdf", self.pdf("receipt 2")))
        self.submit(page, "#receipt-form button[type=submit]")
        self.shot(page, "project-detail")
        self.shot(page, "project-history", ".card:has(.history-table)", max_height=640)
        self.go(page, self.project_url + "edit/")
        self.shot(page, "project-edit", "main", max_height=900)
        page.context.close()

    def ledger_phone(self) -> None:
        """The ledger on a phone (390x844): every project a card."""
        phone = self.page("reporter", viewport=PHONE)
        self.go(phone, "/projects/")
        self.shot(phone, "ledger-phone", "#ledger-totals", "#ledger-table tbody tr:nth-child(3)", pad=8)
        phone.context.close()

    def imports(self) -> None:
        """The bureau downloads the template, uploads a file with mistakes, then a correct one."""
        import openpyxl

        page = self.page("bureau")
        self.go(page, "/data/import/")
        with page.expect_download() as info:
            page.click("#template-link")
        template = self.work / "导入模板.xlsx"
        info.value.save_as(template)

        def workbook(projects: list[tuple], receipts: list[tuple]) -> str:
            book = openpyxl.load_workbook(template)
            sheet = book["项目"]
            header = [cell.value for cell in sheet[1]]
            for number, row in enumerate(projects, start=2):
                values = dict(row)
                for column, name in enumerate(header, start=1):
                    sheet.cell(number, column, values.get(name))
            for number, row in enumerate(receipts, start=2):
                for column, value in enumerate(row, start=1):
                    book["到位资金"].cell(number, column, value)
            name = "乡镇项目台账.xlsx" if receipts and len(receipts) > 1 else "乡镇项目台账（已更正）.xlsx"
            path = self.work / name
            book.save(path)
            return str(path)

        year = self.today.year
        good = [
            (
                ("项目编码", f"CG{year}-101"),
                ("项目名称", "年产5000吨功能性食品项目"),
                ("投资方", "河南恒康食品有限公司"),
                ("投资方来源地", "河南郑州"),
                ("内外资", "内资"),
                ("行业", "C"),
                ("项目类型", "工业"),
                ("计划总投资(万元)", 6800),
                ("协议引资额(万元)", 6000),
                ("引进单位", "T01"),
                ("洽谈日期", f"{year}-06-12"),
                ("签约日期", f"{year}-09-20"),
                ("包抓县领导", "王县长"),
            ),
            (
                ("项目编码", f"CG{year}-102"),
                ("项目名称", "城关镇冷链仓储中心项目"),
                ("投资方", "上海鲜达物流有限公司"),
                ("投资方来源地", "上海"),
                ("内外资", "内资"),
                ("行业", "G"),
                ("项目类型", "三产"),
                ("计划总投资(万元)", 2600),
                ("引进单位", "T01:60;T04:40"),
                ("洽谈日期", f"{year}-08-03"),
            ),
        ]
        bad = [
            good[0],
            (
                ("项目编码", f"CG{year}-102"),
                ("项目名称", "城关镇冷链仓储中心项目"),
                ("内外资", "内资"),
                ("行业", "G"),
                ("项目类型", "三产"),
                ("计划总投资(万元)", -2600),
                ("引进单位", "T01:60;T04:30"),
                ("洽谈日期", f"{year}-13-03"),
            ),
            (
                ("项目编码", f"CG{year}-103"),
                ("项目名称", "文旅综合体项目"),
                ("内外资", "内资"),
                ("项目类型", "服务业"),
                ("计划总投资(万元)", 9000),
                ("引进单位", "T99"),
                ("当前阶段", "签约"),
            ),
        ]
        receipts_bad = [
            (f"CG{year}-101", f"{year}-10-15", 1500, "企业自筹", "HK001"),
            (f"CG{year}-109", f"{year}-10-20", 300, None, None),
        ]
        receipts_good = [(f"CG{year}-101", f"{year}-10-15", 1500, "企业自筹", "HK001")]

        page.set_input_files("#id_file", workbook(bad, receipts_bad))
        self.submit(page, "#import-form button[value=validate]")
        self.shot(page, "import-errors", "main", pad=0)
        page.set_input_files("#id_file", workbook(good, receipts_good))
        self.submit(page, "#import-form button[value=validate]")
        self.shot(page, "import-validated", "main", pad=0)
        page.set_input_files("#id_file", workbook(good, receipts_good))
        self.submit(page, "#import-form button[value=import]")
        self.shot(page, "import-done", "main", pad=0)
        page.context.close()

    def scheduling(self) -> None:
        """The bureau opens the demo's open round again, which adds a report for the project the guide just
        recorded; the reporter fills two reports; the bureau returns one; the reporter finds it; the
        coordination item raised by the other; stalled projects."""
        bureau = self.page("bureau")
        self.go(bureau, "/scheduling/")
        open_day = bureau.locator("#rounds tr:has(.badge.text-bg-success)").first.get_attribute("data-round")
        bureau.fill("#open-form [name=date]", open_day)
        self.shot(bureau, "scheduling-days", "nav.navbar", "main", pad=0)
        self.submit(bureau, "#open-form button[type=submit]")
        round_url = bureau.url.replace(self.base_url, "")

        reporter = self.page("reporter")
        self.go(reporter, round_url)
        self.shot(reporter, "scheduling-round-reporter", max_height=None)
        code = f"CG{self.today.year}-001"
        with reporter.expect_navigation():
            reporter.click(f"#round-reports tr[data-project='{code}'] td:first-child a")
        self.settle(reporter)
        reporter.fill("#report-form [name=progress]", "完成场地平整和围挡，桩基施工队伍已进场，主体厂房开始打桩。")
        reporter.select_option("#report-form [name=stage_reached]", "started")
        reporter.fill("#report-form [name=stage_date]", (self.today - dt.timedelta(days=3)).isoformat())
        reporter.fill("#report-form [name=investment_completed]", "1500")
        reporter.fill("#report-form [name=percent_done]", "8")
        reporter.fill("#report-form [name=next_steps]", "完成桩基工程，启动钢结构厂房施工。")
        reporter.set_input_files("#report-form [name=evidence]", self.file("开工现场照片.pdf", self.pdf("photo")))
        reporter.select_option("#report-form [name=evidence_kind]", "photo")
        self.shot(reporter, "scheduling-report", max_height=None, full_page=True)
        self.submit(reporter, "#report-form button[value=submit]")

        # A second report raises a problem for coordination.
        other = reporter.locator("#round-reports tr[data-status=due] td:first-child a").first
        with reporter.expect_navigation():
            other.click()
        self.settle(reporter)
        reporter.fill("#report-form [name=progress]", "项目已完成备案，正在办理用地手续。")
        reporter.fill("#report-form [name=problems]", "项目用地内有一条10千伏线路需迁改，需县供电公司协调。")
        self.submit(reporter, "#report-form button[value=submit]")
        self.shot(reporter, "scheduling-submitted", "nav.navbar", "#round-board", pad=0)

        # The bureau returns the first report with a comment.
        self.go(bureau, round_url)
        with bureau.expect_navigation():
            bureau.click(f"#round-reports tr[data-project='{code}'] td:first-child a")
        self.settle(bureau)
        bureau.fill("#return-form [name=comment]", "本期完成投资1500万元与到位资金不符，请核实后重报。")
        self.shot(bureau, "scheduling-review", "nav.navbar", "#return-form", pad=0)
        self.submit(bureau, "#return-form button[type=submit]")

        self.go(reporter, round_url)
        with reporter.expect_navigation():
            reporter.click(f"#round-reports tr[data-project='{code}'] td:first-child a")
        self.settle(reporter)
        self.shot(reporter, "scheduling-returned", "nav.navbar", "#report-form", pad=0)
        reporter.fill("#report-form [name=investment_completed]", "1200")
        self.submit(reporter, "#report-form button[value=submit]")

        self.go(bureau, round_url)
        self.shot(bureau, "scheduling-round", "nav.navbar", self.up_to_row(bureau, "#round-board tbody tr", 14), pad=0)

        # Coordination items: the bureau gives the new one a department.
        self.go(bureau, "/scheduling/items/")
        self.shot(bureau, "scheduling-items", "nav.navbar", self.up_to_row(bureau, "#items tbody tr", 12), pad=0)
        with bureau.expect_navigation():
            bureau.locator("#items a", has_text="10千伏线路需迁改").first.click()
        self.settle(bureau)
        department = bureau.locator("#item-form [name=department] option", has_text="供电")
        if department.count():
            bureau.select_option("#item-form [name=department]", department.first.get_attribute("value"))
        bureau.select_option("#item-form [name=status]", "in_progress")
        bureau.fill("#item-form [name=note]", "已转县供电公司，约定下周现场踏勘。")
        self.submit(bureau, "#item-form button[type=submit]")
        self.shot(bureau, "scheduling-item", full_page=True)

        self.go(bureau, "/scheduling/stalled/")
        self.shot(bureau, "scheduling-stalled", "nav.navbar", self.up_to_row(bureau, "#stalled tbody tr", 10), pad=0)
        self.go(bureau, "/scheduling/settings/")
        self.shot(bureau, "scheduling-settings", "nav.navbar", "main", pad=0)
        bureau.context.close()
        reporter.context.close()

    def supervision(self) -> None:
        """A supervisor verifies 城关镇's projects; the reporter answers the rectification item; the 水分 report."""
        code = f"CG{self.today.year}-001"
        page = self.page("supervisor")
        self.go(page, "/supervision/batches/new/")
        page.check("#batch-form input[name=method][value=units]")
        page.select_option("#batch-form select[name=units]", label="城关镇")
        self.shot(page, "supervision-batch-new", "nav.navbar", "#batch-form", pad=0)
        self.submit(page, "#batch-form button[type=submit]")
        batch_url = page.url.replace(self.base_url, "")
        card = f".card:has(h2 a:text('{code}'))"

        def verify(row_text: str, result: str, amount: str = "", comment: str = "") -> None:
            form = page.locator(f"{card} tr:has(td:text-is('{row_text}')) form.verify-form").first
            form.locator("select[name=result]").select_option(result)
            if amount:
                form.locator("input[name=amount]").fill(amount)
            if comment:
                form.locator("input[name=comment]").fill(comment)
            with page.expect_navigation():
                form.locator("button[type=submit]").click()
            self.settle(page)

        for number in range(1, 20):
            self.go(page, f"{batch_url}?page={number}")
            if page.locator(card).count():
                break
        for stage in ("洽谈", "意向", "签约"):
            verify(stage, "confirmed")
        verify("开工", "rejected", comment="现场核查仅完成场地平整，未见桩基施工，开工依据不足")
        form = page.locator(f"{card} form.verify-form:has(input[name=kind][value=receipt])").nth(0)
        form.locator("select[name=result]").select_option("confirmed")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        self.settle(page)
        form = page.locator(f"{card} form.verify-form:has(input[name=kind][value=receipt])").nth(1)
        form.locator("select[name=result]").select_option("adjusted")
        form.locator("input[name=amount]").fill("1000")
        form.locator("input[name=comment]").fill("银行回单显示实际到账1000万元，另200万元为保证金")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        self.settle(page)
        self.shot(page, "supervision-batch", "nav.navbar", card, pad=0)
        page.context.close()

        reporter = self.page("reporter")
        self.go(reporter, "/supervision/")
        self.shot(reporter, "supervision-rectifications", "nav.navbar", "main", pad=0)
        with reporter.expect_navigation():
            reporter.locator(
                f"#rectification-table tbody tr:has(td:has-text('{code}')) a[href*='/supervision/rectifications/']"
            ).first.click()
        self.settle(reporter)
        reporter.fill(
            "#explanation-form textarea[name=explanation]",
            "已补充提交桩基施工合同和施工许可证，现场桩基已于本周开始施工，附现场照片。",
        )
        self.shot(reporter, "supervision-rectification", "nav.navbar", "main", pad=0)
        self.submit(reporter, "#explanation-form button[type=submit]")
        item_url = reporter.url.replace(self.base_url, "")
        reporter.context.close()

        page = self.page("supervisor")
        self.go(page, item_url)
        page.select_option("#review-form [name=decision]", "close")
        page.fill("#review-form [name=comment]", "经复核，施工许可证和现场照片属实，同意销号。")
        self.shot(page, "supervision-review", "nav.navbar", "main", pad=0)
        self.go(page, "/supervision/verifications/")
        self.shot(page, "supervision-verifications", "nav.navbar", "main", pad=0, max_height=900)
        self.go(page, "/assessment/water/")
        page.select_option("#water-form [name=batch]", value=batch_url.strip("/").split("/")[-1])
        self.submit(page, "#water-form button[type=submit]")
        page.locator("main details > summary").first.click()
        self.shot(page, "supervision-water", "nav.navbar", "main", pad=0, max_height=1100)
        page.context.close()

    def assessment(self) -> None:
        page = self.page("bureau")
        self.go(page, "/targets/")
        self.shot(page, "targets-periods", "nav.navbar", "main", pad=0)
        page.locator("main a[href^='/targets/']").filter(has_text="年度").first.click()
        self.settle(page)
        self.shot(page, "targets-period", "nav.navbar", "main", pad=0, max_height=1000)
        period_url = page.url.replace(self.base_url, "")
        page.locator("main a[href^='/targets/groups/']").first.click()
        self.settle(page)
        self.shot(page, "targets-group", "nav.navbar", "main", pad=0)
        self.go(page, period_url.replace("/targets/", "/assessment/"))
        self.shot(page, "assessment")
        page.locator("main table a[href*='/units/']").first.click()
        self.settle(page)
        self.shot(page, "assessment-unit", "nav.navbar", "main", pad=0, max_height=1000)
        page.context.close()

    def bulletins(self) -> None:
        page = self.page("bureau")
        # The demo drafted this month's bulletin; the bureau finishes and issues it.
        self.go(page, "/bulletins/")
        with page.expect_navigation():
            page.locator("main table tbody tr:has(.badge.text-bg-secondary) a").first.click()
        self.settle(page)
        self.shot(page, "bulletin-draft", "nav.navbar", "main", pad=0, max_height=1000)
        page.click("details:has(form) > summary")
        requirements = page.locator("details form textarea").last
        requirements.fill(
            "一、各乡镇（街道）要对照目标任务逐项查摆差距，未完成签约任务的单位要在下一个调度日前拿出具体措施。\n"
            "二、各单位要及时在系统中登记项目进展和到位资金，并上传合同、银行回单等佐证材料。\n"
            "三、对被通报批评的单位，县委县政府督查室将跟踪督办。"
        )
        self.shot(page, "bulletin-requirements", "details:has(form)", pad=6)
        self.submit(page, "details form button")
        page.once("dialog", lambda dialog: dialog.accept())
        self.submit(page, "#issue-button")
        self.shot(page, "bulletin-issued", "nav.navbar", "main", pad=0, max_height=900)
        self.shot(
            page,
            "bulletin-ending",
            "article h3:has-text('五、')",
            "article .card-body > p:last-child",
            pad=8,
            max_height=900,
        )
        self.go(page, "/bulletins/")
        self.shot(page, "bulletin-list", "nav.navbar", "main", pad=0)
        page.context.close()

    def dashboard(self) -> None:
        # The first screen as a leader sees it on a 1920×1080 display; the rest is on tabs.
        page = self.page("leader", viewport=WIDE)
        self.go(page, "/dashboard/")
        page.wait_for_selector("#ranking-body table", timeout=120_000, state="attached")
        page.wait_for_selector("#glance-table", timeout=120_000)
        page.wait_for_selector("#forecast-body .dash-chart, #forecast-body table", timeout=120_000, state="attached")
        page.wait_for_timeout(1500)  # charts finish their entry animation
        self.shot(page, "dashboard")
        self.shot(page, "dashboard-cards", "#section-headline", pad=6)
        self.shot(page, "dashboard-glance", "#section-glance", pad=6)
        self.shot(page, "dashboard-pipeline", "#dash-tabs [role=tablist]", "#section-pipeline", pad=6)

        def tab(name: str) -> None:
            page.click(f"#tab-{name}")
            page.wait_for_timeout(300)

        tab("trend")
        self.shot(page, "dashboard-trend", "#section-trend", pad=6)
        tab("breakdowns")
        self.shot(page, "dashboard-breakdowns", "#section-breakdowns", pad=6, max_height=1000)
        tab("ranking")
        self.shot(page, "dashboard-ranking", "#section-ranking", pad=6, max_height=800)
        tab("forecast")
        self.shot(page, "dashboard-forecast", "#section-forecast", pad=6, max_height=800)
        tab("watch")
        self.shot(page, "dashboard-watch", "#section-watch", pad=6, max_height=700)
        self.shot(page, "dashboard-watch-lists", "#section-overdue", pad=6, max_height=800)
        tab("pipeline")
        with page.expect_download() as info:
            page.click("button[data-save='chart-funnel']")
        shutil.copy(info.value.path(), OUT / "dashboard-export-funnel.png")
        self.taken.append(("dashboard-export-funnel", (OUT / "dashboard-export-funnel.png").stat().st_size))
        with page.expect_navigation():
            page.click("[data-card='signed'] a.figure")
        self.settle(page)
        self.shot(page, "dashboard-drilldown")
        page.context.close()

        # 数据大屏: the command-centre display, opened from the dashboard's button.
        screen = self.page("leader", viewport=WIDE)
        self.go(screen, "/dashboard/")
        self.go(screen, screen.get_attribute("#screen-link", "href"))
        screen.wait_for_timeout(1000)
        self.shot(screen, "dashboard-screen")
        screen.context.close()

        phone = self.page("leader", viewport=PHONE)
        self.go(phone, "/dashboard/")
        phone.wait_for_selector("#ranking-body table", timeout=120_000, state="attached")
        phone.wait_for_timeout(1500)
        self.shot(phone, "dashboard-phone", "body", pad=0, max_height=1800)
        phone.context.close()

        # What the printout looks like: print styles on an A4-wide page.
        printed = self.page("leader", viewport={"width": 794, "height": 1123})
        printed.emulate_media(media="print")
        self.go(printed, "/dashboard/")
        printed.wait_for_selector("#ranking-body table", timeout=120_000, state="attached")
        printed.wait_for_timeout(1500)
        self.shot(printed, "dashboard-print", "body", pad=0, max_height=1123)
        printed.context.close()

    @staticmethod
    def pdf(tag: str) -> bytes:
        return MINIMAL_PDF + f"% {tag}\n".encode()

    def security(self) -> None:
        """Accounts, the change log, the investor register, a stale save and a bad date (issue 11)."""
        admin = self.page("admin")
        self.go(admin, "/accounts/logins/")
        self.shot(admin, "security-login-log", "main")
        admin.context.close()
        reporter = self.page("reporter")
        self.go(reporter, "/accounts/tokens/")
        reporter.fill("input[name=name]", "报表工具")
        self.submit(reporter, "main form button[type=submit]")
        self.shot(reporter, "security-tokens", "main")
        self.go(reporter, "/dashboard/?as_of=9999-12-31")
        self.shot(reporter, "security-bad-date", "main")
        reporter.context.close()
        bureau = self.page("bureau")
        self.go(bureau, "/accounts/2fa/")
        self.shot(bureau, "security-two-factor", "main")
        self.go(bureau, "/projects/investors/")
        self.shot(bureau, "security-investors", "main", max_height=700)
        # Two people edit the same project: the second save is refused and says what changed.
        self.go(bureau, "/projects/")
        bureau.click("#ledger-table tbody tr:first-child a")
        self.settle(bureau)
        edit_url = bureau.url.rstrip("/") + "/edit/"
        other = self.page("bureau")
        self.go(other, edit_url)
        self.go(bureau, edit_url)
        bureau.fill("input[name=county_leader]", "王副县长")
        self.submit(bureau, "main form button[type=submit]")
        other.fill("input[name=county_leader]", "李副县长")
        self.submit(other, "main form button[type=submit]")
        self.shot(other, "security-stale-edit", "main", max_height=600)
        other.context.close()
        bureau.context.close()
        supervisor = self.page("supervisor")
        self.go(supervisor, "/audit/")
        self.shot(supervisor, "security-change-log", "main", max_height=800)
        supervisor.context.close()

    def no_water(self) -> None:
        """Double claims, evidence and investors (issue 17): the live warning a reporter gets, the bureau's review
        and a merge, the evidence a project lacks, the 缺佐证 list and the investors flagged."""
        reporter = self.page("reporter")
        self.go(reporter, "/projects/new/")
        reporter.fill("#id_code", f"CG{self.today.year}-017")
        reporter.fill("#id_investor_name", "恒昌贸易有限公司")
        reporter.fill("#id_name", "年产200万条人发制品")
        reporter.press("#id_name", "End")
        reporter.locator("#double-claim-check .alert").wait_for()
        self.settle(reporter)
        self.shot(reporter, "claims-live", "#id_name", "#double-claim-check")
        self.go(reporter, "/projects/missing-evidence/")
        self.shot(reporter, "evidence-missing", "main", max_height=620)
        first = reporter.locator("#missing-rows tbody a").first
        first.click()
        self.settle(reporter)
        self.shot(reporter, "evidence-project", "#timeline", max_height=520)
        reporter.context.close()

        bureau = self.page("bureau")
        self.go(bureau, "/claims/")
        self.shot(bureau, "claims-review", "main", max_height=760)
        bureau.locator("main a[href^='/claims/']").filter(has_text="~").first.click()
        self.settle(bureau)
        self.shot(bureau, "claims-pair", "main")
        form = bureau.locator("form", has=bureau.locator("input[name=kept]")).first
        form.locator("input[name=kept]").first.check()
        self.submit(bureau, "form:has(input[name=kept]) button[type=submit]")
        self.shot(bureau, "claims-merge-confirm", "main")
        self.submit(bureau, "form button.btn-danger[type=submit]")
        kept = bureau.locator("main a[href^='/projects/']").first
        kept.click()
        self.settle(bureau)
        self.shot(bureau, "claims-merged", ".merged-from", "h1", max_height=200)
        self.go(bureau, "/projects/investors/flagged/")
        self.shot(bureau, "investors-flagged", "main", max_height=760)
        bureau.context.close()

    def daily_work(self) -> None:
        """Accountability candidates on a draft bulletin, the site-wide search, the guide under Help (issue 12)."""
        bureau = self.page("bureau")
        self.go(bureau, "/bulletins/")
        drafts = bureau.locator("main table tr", has_text="草稿").locator("a").first
        drafts.click()
        self.settle(bureau)
        if bureau.locator("#accountability").count():
            self.shot(bureau, "bulletin-accountability", "#accountability", max_height=520)
        self.go(bureau, "/projects/search/?q=光伏")
        self.shot(bureau, "search", "main", max_height=500)
        self.go(bureau, "/help/scheduling/")
        self.shot(bureau, "help", max_height=700)
        bureau.context.close()

    def promotion_work(self) -> None:
        """Before and after the signature (issue 18): the public lead intake on a phone, the leads and their
        conversion, receptions, events, the project library and the milestones."""
        bureau = self.page("bureau")
        self.go(bureau, "/leads/intake-links/")
        intake = bureau.locator("main .card a[href*='/leads/intake/']").nth(1).get_attribute("href")
        self.shot(bureau, "leads-intake-links", "main", max_height=620)
        phone = self.page(None, viewport=PHONE)
        self.go(phone, intake)
        phone.fill("#id_company", "宁波瑞丰智能装备有限公司")
        phone.fill("#id_contact_name", "陈经理")
        phone.fill("#id_contact_phone", "13900002222")
        phone.select_option("#id_industry", "C")
        phone.fill("#id_estimated_amount", "15000")
        phone.fill("#id_introducer_name", "在外乡贤 刘建国")
        phone.fill("#id_description", "拟在园区租赁标准化厂房约8000平方米，生产智能装备零部件。")
        self.shot(phone, "leads-intake-phone", full_page=True)
        self.submit(phone, "#intake-form button[type=submit]")
        self.shot(phone, "leads-intake-confirm", full_page=True)
        phone.context.close()
        self.go(bureau, "/leads/?status=overdue")
        self.shot(bureau, "leads-list", "main", max_height=620)
        bureau.locator("#lead-table tbody a").first.click()
        self.settle(bureau)
        self.shot(bureau, "leads-detail", "main", max_height=900)
        self.go(bureau, "/leads/conversion/")
        self.shot(bureau, "leads-conversion", "main", max_height=760)
        self.go(bureau, "/receptions/")
        self.shot(bureau, "receptions-list", "main", max_height=700)
        self.go(bureau, "/receptions/counts/")
        self.shot(bureau, "receptions-counts", "main", max_height=760)
        self.go(bureau, "/events/")
        self.shot(bureau, "events-list", "main", max_height=600)
        bureau.locator("main table tbody a").first.click()
        self.settle(bureau)
        self.shot(bureau, "events-detail", "main", max_height=800)
        self.go(bureau, "/library/")
        self.shot(bureau, "library-list", "main", max_height=760)
        bureau.locator("main table tbody a").first.click()
        self.settle(bureau)
        self.shot(bureau, "library-detail", "main", max_height=800)
        self.go(bureau, "/milestones/")
        self.shot(bureau, "milestones-list", "main", max_height=700)
        bureau.locator("main a[href^='/milestones/project/']").first.click()
        self.settle(bureau)
        self.shot(bureau, "milestones-plan", "main", max_height=800)
        bureau.context.close()

    def county_offer(self) -> None:
        """What the county offers and whom it serves (issue 19): resources, chains, promises and complaints."""
        bureau = self.page("bureau")
        self.go(bureau, "/chains/")
        self.shot(bureau, "chains-list", "main", max_height=520)
        bureau.locator("#chain-table tbody a").first.click()
        self.settle(bureau)
        bureau.wait_for_function("window.zsChain !== undefined")
        self.shot(bureau, "chains-diagram", "main", max_height=900)
        self.go(bureau, "/chains/gaps/")
        self.shot(bureau, "chains-gaps", "main", max_height=700)
        self.go(bureau, "/resources/")
        self.shot(bureau, "resources-list", "main", max_height=700)
        self.go(bureau, "/resources/match/?area_min=50&land_use=industrial")
        self.shot(bureau, "resources-match", "main", max_height=700)
        self.go(bureau, "/promises/")
        self.shot(bureau, "promises-list", "main", max_height=700)
        self.go(bureau, "/promises/complaints/")
        self.shot(bureau, "complaints-list", "main", max_height=700)
        self.go(bureau, "/environment/")
        self.shot(bureau, "environment-list", "main", max_height=600)
        bureau.locator("main table a[href^='/environment/']").first.click()
        self.settle(bureau)
        bureau.wait_for_function("window.zsEnvironmentChart !== undefined")
        self.shot(bureau, "environment-detail", "main", max_height=700)
        self.go(bureau, "/map/?status=parcel%3Aavailable")
        bureau.wait_for_function("window.zsMap !== undefined && window.echarts.getMap('county') !== undefined")
        self.shot(bureau, "map", "main", max_height=900)
        bureau.context.close()
        phone = self.page("reporter", viewport=PHONE)
        self.go(phone, "/map/")
        phone.wait_for_function("window.zsMap !== undefined && window.echarts.getMap('county') !== undefined")
        self.shot(phone, "map-phone", "main", max_height=1100)
        phone.context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port to serve on (default: a free one)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory afterwards")
    parser.add_argument("--only", nargs="*", metavar="SECTION", help="only these sections (e.g. no_water)")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="zhaoshang-docs-"))
    env = zhaoshang_env(data_dir)
    zhaoshang = str(VENV_BIN / "zhaoshang")
    subprocess.run([zhaoshang, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    port = args.port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = open(data_dir / "server.log", "w")
    server = subprocess.Popen(
        [zhaoshang, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"], env=env, stdout=log, stderr=log
    )
    try:
        wait_for(base_url + "/login/")
        OUT.mkdir(parents=True, exist_ok=True)
        from playwright.sync_api import sync_playwright

        # Chromium on Linux takes its interface language (date inputs, file buttons) from LANGUAGE. LANG stays
        # as it is: a locale the system lacks makes Chromium drop files with Chinese names from file inputs.
        browser_env = {**os.environ, "LANGUAGE": "zh_CN"}
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as work:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS, env=browser_env
            )
            guide = Guide(browser, base_url, Path(work), env)
            if args.only:
                for section in args.only:
                    getattr(guide, section)()
            else:
                guide.run()
            browser.close()
        over = [name for name, size in guide.taken if size > MAX_BYTES]
        print(f"{len(guide.taken)} screenshots in {OUT.relative_to(ROOT)}" + (f"; over 250 KB: {over}" if over else ""))
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        if args.keep:
            print(f"demo data kept in {data_dir} (serve it with ZHAOSHANG_DATA_DIR={data_dir} zhaoshang serve)")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
