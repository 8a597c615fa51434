"""The .docx as a reader sees it: rendered by LibreOffice headless to PDF, then read with poppler's tools.

LibreOffice (libreoffice-writer-nogui) and poppler-utils are Debian packages that ``make browser``
(scripts/ensure_browser.sh) installs. Without them the test is skipped on a developer's machine and fails
in CI (environment variable CI set), so the check never silently disappears there."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from zhaoshang.bulletins import selectors

TOOLS = ("soffice", "pdftotext", "pdfinfo", "pdffonts", "pdftoppm")


@pytest.fixture
def pdf(draft, tmp_path):
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"missing {', '.join(missing)}: run scripts/ensure_browser.sh (as root) to install them"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    source = tmp_path / "bulletin.docx"
    source.write_bytes(selectors.docx_bytes(draft))
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",  # private: parallel runs do not collide
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return tmp_path / "bulletin.pdf"


def run(*command) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout


def red_pixels(pdf, page: int) -> tuple[int, int]:
    """Red pixels of a page rendered small, (in its top half, below it)."""
    data = subprocess.run(
        ["pdftoppm", "-r", "40", "-f", str(page), "-l", str(page), str(pdf)],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    width, height = int(header[1]), int(header[2])
    pixels = data[header.end() :]
    top = below = 0
    for index in range(0, len(pixels), 3):
        r, g, b = pixels[index], pixels[index + 1], pixels[index + 2]
        if r > 180 and g < 120 and b < 120:
            if index // 3 // width < height // 2:
                top += 1
            else:
                below += 1
    return top, below


def test_libreoffice_renders_the_bulletin(pdf):
    pages = int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(pdf)), re.M)[1])
    assert pages > 1
    sizes = re.findall(r"size:\s+([\d.]+) x ([\d.]+)", run("pdfinfo", "-f", "1", "-l", str(pages), str(pdf)))
    orientation = ["landscape" if float(w) > float(h) else "portrait" for w, h in sizes]
    assert len(orientation) == pages
    assert orientation[0] == orientation[-1] == "portrait"
    assert "landscape" in orientation  # the unit tables' pages, turned sideways

    text = run("pdftotext", "-layout", str(pdf), "-")
    flat = re.sub(r"\s+", "", text)  # a title may wrap; -layout pads columns with spaces
    for expected in (
        "示范县招商引资工作领导小组办公室文件",  # 发文机关标志
        "招商通〔2025〕2号",  # 发文字号
        "关于2025年2月全县招商引资工作进展情况的通报",
        "一、总体情况",
        "五、工作要求",
        "表1乡镇招商引资目标任务完成情况",
        "（一）通报批评",
        "附件：2025年2月招商引资工作进展情况明细表",
        "示范县招商引资工作领导小组办公室2025年3月3日",  # 落款 and 成文日期
    ):
        assert expected in flat, expected
    assert flat.index("招商通〔2025〕2号") < flat.index("关于2025年2月")
    last_page = re.sub(r"\s+", "", run("pdftotext", "-f", str(pages), "-l", str(pages), "-layout", str(pdf), "-"))
    assert "示范县招商引资工作领导小组办公室2025年3月3日印发" in last_page  # 版记 on the last page

    # Real Chinese glyphs: a CJK font is embedded (boxes would come from a missing font, nothing embedded).
    fonts = run("pdffonts", str(pdf)).splitlines()[2:]
    assert any("CJK" in line and line.split()[-5] == "yes" for line in fonts), fonts

    # The masthead and the separator print red in the top half of the first page, and nowhere else in red.
    top, below = red_pixels(pdf, 1)
    assert top > 200 and below == 0
