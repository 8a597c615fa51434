"""Helpers shared by the browser tests (the fixtures are in conftest.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "pass-word-1"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class PageLog:
    """What went wrong while a page was open: console errors, page errors, failed or 4xx/5xx requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[tuple[int, str]] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("requestfailed", lambda request: self.failed_requests.append(f"{request.url} {request.failure}"))
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} @ {message.location.get('url', '')}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.bad_responses.append((response.status, response.url))

    def static_problems(self) -> list[str]:
        # A request the browser cancels because the page moved on (net::ERR_ABORTED, typically the favicon) is
        # not a file the server failed to serve.
        failed = [f for f in self.failed_requests if "/static/" in f and "ERR_ABORTED" not in f]
        bad = [f"{status} {url}" for status, url in self.bad_responses if "/static/" in url]
        return failed + bad

    def clear(self) -> None:
        for problems in (self.console_errors, self.page_errors, self.failed_requests, self.bad_responses):
            problems.clear()


def login(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form; the page's context keeps the session."""
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/login/" not in page.url, f"{username} could not log in (still on {page.url})"


def money(text: str) -> Decimal:
    """'1,234.50' → Decimal('1234.50'); empty → 0."""
    text = text.strip().replace(",", "")
    return Decimal(text) if text else Decimal("0")


@dataclass(frozen=True)
class Totals:
    count: int
    planned: Decimal
    contract: Decimal
    funds: Decimal


def ledger_totals(page) -> Totals:
    """Read the ledger's totals row (the page must be the ledger)."""
    row = page.locator("#ledger-totals")
    count_cell = row.locator("[data-total=count]")
    count_text = count_cell.inner_text() if count_cell.count() else row.locator("td").first.inner_text()
    found = re.search(r"\d[\d,]*", count_text)
    assert found, f"no project count in the totals row: {count_text!r}"
    return Totals(
        count=int(found.group().replace(",", "")),
        planned=money(row.locator("[data-total=planned]").inner_text()),
        contract=money(row.locator("[data-total=contract]").inner_text()),
        funds=money(row.locator("[data-total=funds]").inner_text()),
    )


def flash_messages(page, kind: str = "danger") -> list[str]:
    """The texts of the message boxes (Bootstrap alerts) shown at the top of the page."""
    return [text.strip() for text in page.locator(f"main > .alert-{kind}").all_inner_texts()]


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def zh(text) -> str:
    """A message id (or lazy message) as the Chinese interface shows it, whatever the catalogue holds today."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


MINIMAL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n"
    b"%%EOF\n"
)
