"""The user guide (docs/guide/*.md) as pages of the product: a Help link on every page (issue 12).

The guide is Markdown written for people; it is rendered here with markdown-it (CommonMark and tables, raw HTML
off, so a guide page cannot carry script), its links to other guide pages and its pictures rewritten to the
product's own addresses. Nothing is fetched from the internet.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

NAME = re.compile(r"^[a-z][a-z0-9-]*$")
IMAGE = re.compile(r"^[a-z0-9-]+\.png$")


def guide_dir() -> Path:
    return Path(getattr(settings, "GUIDE_DIR", settings.BASE_DIR.parents[1] / "docs" / "guide"))


@functools.lru_cache(maxsize=32)
def _rendered(path: Path, mtime: float) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), path.stem)
    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    index = reverse("help:index")
    html = re.sub(r'src="img/([a-z0-9-]+\.png)"', lambda m: f'src="{index}img/{m[1]}"', html)
    html = re.sub(r'href="README\.md(#[^"]*)?"', lambda m: f'href="{index}{m[1] or ""}"', html)
    html = re.sub(r'href="([a-z][a-z0-9-]*)\.md(#[^"]*)?"', lambda m: f'href="{index}{m[1]}/{m[2] or ""}"', html)
    html = html.replace("<table>", '<table class="table table-sm table-bordered">')
    return title, html


@login_required
def page(request, name: str = "README"):
    if name != "README" and not NAME.match(name):
        raise Http404
    path = guide_dir() / f"{name}.md"
    if not path.is_file():
        raise Http404
    title, html = _rendered(path, path.stat().st_mtime)
    pages = [(p.stem, _title(p)) for p in sorted(guide_dir().glob("*.md")) if p.stem != "README"]
    body = mark_safe(html)
    return render(request, "core/help.html", {"title": title, "body": body, "pages": pages, "name": name})


def _title(path: Path) -> str:
    with path.open(encoding="utf-8") as file:
        first = file.readline().strip()
    return first[2:].strip() if first.startswith("# ") else path.stem


# Which guide page explains the page a user is on: the Help link opens it.
SECTIONS = (
    ("/projects/", "ledger"),
    ("/data/county/", "county-import"),
    ("/data/import/names/", "county-import"),
    ("/data/", "ledger"),
    ("/scheduling/", "scheduling"),
    ("/supervision/", "supervision"),
    ("/targets/", "assessment"),
    ("/assessment/", "assessment"),
    ("/bulletins/", "assessment"),
    ("/dashboard/", "dashboard"),
)


def context(request) -> dict:
    """``help_url``: the guide page for the current page (the overview elsewhere)."""
    path = getattr(request, "path", "")
    for prefix, name in SECTIONS:
        if path.startswith(prefix):
            return {"help_url": reverse("help:page", args=[name])}
    return {"help_url": reverse("help:index")}


@login_required
def image(request, file: str):
    if not IMAGE.match(file):
        raise Http404
    path = guide_dir() / "img" / file
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/png")
