"""The printable catalogue (招商项目目录) of the published and in-talks opportunities, as .docx and .pdf.

The document is written with the bulletin's ``Writer`` (``bulletins.document``): its fonts (the first installed
candidate of each role), A4 page and margins, title, headings, body and bordered tables. The .pdf is the .docx
converted by LibreOffice headless (``soffice``), each run with a private profile so that parallel runs do not
collide."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from zhaoshang.bulletins.document import PORTRAIT_TEXT_MM, TABLE_SIZE, Writer
from zhaoshang.bulletins.presentation import chinese_date

CHINESE_NUMBERS = "一二三四五六七八九十"
PDF_TIMEOUT = 180  # seconds


class ConversionError(Exception):
    """LibreOffice is missing or failed to convert the document."""


def chinese_number(number: int) -> str:
    """1 → 一, 12 → 十二, 25 → 二十五 (up to 99)."""
    tens, ones = divmod(number, 10)
    if tens == 0:
        return CHINESE_NUMBERS[ones - 1]
    head = "" if tens == 1 else CHINESE_NUMBERS[tens - 1]
    return head + "十" + (CHINESE_NUMBERS[ones - 1] if ones else "")


def _amount(value) -> str:
    return "" if value is None else f"{value:,.2f}"


def catalogue_docx(opportunities, *, county: str, date) -> bytes:
    """The catalogue: a title, a summary table, then one section per opportunity."""
    opportunities = list(opportunities)
    writer = Writer()
    writer.title(f"{county}招商项目目录")
    writer.blank()
    writer.centred(f"（{chinese_date(date)}，共{len(opportunities)}个项目；金额单位：万元）")
    writer.blank()
    headers = ["编号", "项目名称", "行业", "计划总投资", "用地（亩）", "状态"]
    rows = [
        [
            o.code or "",
            o.title,
            str(o.get_industry_display()) if o.industry else "",
            _amount(o.investment),
            _amount(o.land_area),
            str(o.get_status_display()),
        ]
        for o in opportunities
    ]
    if rows:
        writer.table(headers, rows, total_mm=PORTRAIT_TEXT_MM, font_pt=TABLE_SIZE)
    else:
        writer.body("目前没有发布的招商项目。")
    for index, o in enumerate(opportunities, start=1):
        writer.blank()
        number = chinese_number(index) if index < 100 else str(index)
        writer.heading(f"{number}、{o.title}（{o.code or ''}）")
        facts = [
            ("所属行业", str(o.get_industry_display()) if o.industry else ""),
            ("产业链环节", o.industry_chain),
            ("计划总投资", f"{_amount(o.investment)}万元" if o.investment is not None else ""),
            ("用地面积", f"{_amount(o.land_area)}亩" if o.land_area is not None else ""),
            ("项目选址", o.site),
            ("提报单位", o.unit.name),
            ("项目状态", str(o.get_status_display())),
        ]
        writer.body("；".join(f"{label}：{value}" for label, value in facts if value) + "。")
        if o.description:
            writer.body(f"项目概况：{o.description}")
        if o.conditions:
            writer.body(f"建设条件：{o.conditions}")
        contact = "　".join(part for part in (o.contact_name, o.contact_phone) if part)
        if contact:
            writer.body(f"联系方式：{contact}")
    properties = writer.doc.core_properties
    properties.title = f"{county}招商项目目录"
    properties.author = county
    return writer.save()


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(document: bytes, *, name: str = "document") -> bytes:
    """The .docx converted to .pdf by LibreOffice headless; ConversionError when it is missing or fails."""
    program = soffice()
    if program is None:
        raise ConversionError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="zs-pdf-") as folder:
        work = Path(folder)
        source = work / f"{name}.docx"
        source.write_bytes(document)
        try:
            subprocess.run(
                [
                    program,
                    f"-env:UserInstallation=file://{work / 'profile'}",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(work),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=PDF_TIMEOUT,
            )
        except (OSError, subprocess.SubprocessError) as error:
            raise ConversionError(str(error)) from error
        target = work / f"{name}.pdf"
        if not target.exists():
            raise ConversionError("LibreOffice wrote no .pdf")
        return target.read_bytes()
