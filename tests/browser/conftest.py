"""Browser tests: real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against
pytest-django's live server. Never run `playwright install`: the system browser is used.

The whole folder is skipped, with a message, only when /usr/bin/chromium is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from zhaoshang.projects.models import StageWord
from zhaoshang.projects.stage_words import DEFAULT_WORDS

from .helpers import CHROMIUM, DESKTOP, LAUNCH_ARGS, TIMEOUT_MS, PageLog


class SerialWSGIServer(WSGIServer):
    """The live server, one request at a time. On the in-memory SQLite database every thread of the live server
    shares the test's one connection (``connections_override``); Django's threaded server let Chromium's parallel
    requests use it at once, and a query could then wait forever (seen in the stored-XSS sweep). Served in turn,
    each response says ``Connection: close`` (Django's own rule for a server without threads), so Chromium opens
    a connection per request and nothing waits on a kept-alive one."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


LiveServerThread.server_class = SerialWSGIServer


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, transactional_db):
    """Open a page in a fresh browser context (its own cookies) whose relative URLs go to the live server."""
    contexts = []

    def make(*, viewport=DESKTOP, log: PageLog | None = None):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, locale="zh-CN", accept_downloads=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        if log is not None:
            log.attach(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page_log():
    return PageLog()


@pytest.fixture
def page(new_page, page_log):
    """A fresh 1366x900 zh-CN page per test; ``page_log`` collects its errors."""
    return new_page(log=page_log)


@pytest.fixture
def stage_words(db):
    """The status words a fresh install has (its migration seeds them; a transactional test's flush removes them)."""
    have = set(StageWord.objects.values_list("word", flat=True))
    StageWord.objects.bulk_create(
        StageWord(word=word, target=target)
        for target, words in DEFAULT_WORDS.items()
        for word in words
        if word not in have
    )
