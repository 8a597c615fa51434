"""Evidence uploads are checked by their content (magic bytes), stored with the checked type only and served so
that a browser neither sniffs nor runs them."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.core import filetypes
from zhaoshang.projects import services

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00;"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def _xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "回单"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("合同")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


ACCEPTED = [
    ("合同.pdf", PDF, "application/pdf"),
    ("现场.png", PNG, "image/png"),
    ("现场.jpg", JPEG, "image/jpeg"),
    ("现场.jpeg", JPEG, "image/jpeg"),
    ("动图.gif", GIF, "image/gif"),
    ("现场.webp", WEBP, "image/webp"),
    ("旧合同.doc", OLE, "application/msword"),
    ("旧台账.xls", OLE, "application/vnd.ms-excel"),
    ("合同.docx", None, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("台账.xlsx", None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("发票.ofd", _zip({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<x/>"}), "application/ofd"),
    ("材料.zip", _zip({"a.txt": b"hello"}), "application/zip"),
    ("说明.txt", "项目说明：已签约。\n".encode(), "text/plain; charset=utf-8"),
    ("说明GBK.txt", "项目说明：已签约。\n".encode("gb18030"), "text/plain; charset=utf-8"),
]


@pytest.mark.parametrize(("name", "content", "content_type"), ACCEPTED)
def test_real_files_of_every_accepted_kind_are_stored_with_the_checked_type(
    users, make_project, name, content, content_type
):
    if content is None:
        content = _docx() if name.endswith(".docx") else _xlsx()
    attachment = services.add_attachment(
        user=users["bureau"],
        project=make_project(),
        # The browser's claim is ignored: the stored type is the checked kind's.
        uploaded=SimpleUploadedFile(name, content, content_type="text/html"),
    )
    assert attachment.content_type == content_type


REFUSED = [
    ("合同.pdf", HTML),  # an HTML page renamed .pdf
    ("说明.txt", HTML),  # markup is not plain text
    ("照片.png", PDF),  # a PDF renamed .png
    ("台账.xlsx", _zip({"a.txt": b"x"})),  # a zip without the workbook part
    ("合同.docx", _xlsx()),  # a workbook renamed .docx
    ("图.gif", b"\x00\x01\x02\x03binary"),  # unknown content
    ("图.svg.pdf", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
]


@pytest.mark.parametrize(("name", "content"), REFUSED)
def test_content_that_does_not_match_the_extension_is_refused_naming_the_file(users, make_project, name, content):
    project = make_project()
    with pytest.raises(ValidationError) as error:
        services.add_attachment(
            user=users["bureau"],
            project=project,
            uploaded=SimpleUploadedFile(name, content, content_type="application/pdf"),
        )
    message = " ".join(error.value.messages)
    assert name in message and ("内容" in message or "类型" in message)
    assert project.attachments.count() == 0


def test_html_renamed_pdf_is_refused_through_the_page(client, users, make_project):
    project = make_project()
    client.force_login(users["reporter_a"])
    response = client.post(
        reverse("projects:attachment_add", args=[project.pk]),
        {"kind": "other", "file": SimpleUploadedFile("回单.pdf", HTML, content_type="application/pdf")},
        follow=True,
    )
    assert "回单.pdf" in response.content.decode()
    assert project.attachments.count() == 0


def test_download_is_an_attachment_of_the_checked_type_that_the_browser_may_not_sniff(client, users, make_project):
    project = make_project()
    attachment = services.add_attachment(
        user=users["bureau"],
        project=project,
        uploaded=SimpleUploadedFile("合同.pdf", PDF, content_type="text/html"),
    )
    client.force_login(users["reporter_a"])
    response = client.get(reverse("projects:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_sniff_reads_only_the_head_for_simple_kinds():
    assert filetypes.sniff(PDF) is filetypes.PDF
    assert filetypes.sniff(b"") is None
    assert filetypes.sniff(b"MZ\x90\x00") is None


def test_a_file_stored_before_the_checks_with_the_browsers_type_is_served_as_a_bare_download(
    client, users, make_project
):
    attachment = services.add_attachment(
        user=users["bureau"], project=make_project(), uploaded=SimpleUploadedFile("旧.pdf", PDF)
    )
    type(attachment).objects.filter(pk=attachment.pk).update(content_type="text/html")
    client.force_login(users["bureau"])
    response = client.get(reverse("projects:attachment_download", args=[attachment.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
