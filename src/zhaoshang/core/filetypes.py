"""What an uploaded file really is, read from its first bytes (magic numbers), not from its name.

``sniff(head, name)`` returns the ``Kind`` the content shows, or ``None`` when it is none of the kinds the
product accepts. ``check(name, fileobj)`` also requires the file's extension to fit that kind, so an HTML page
renamed ``.pdf`` or a script renamed ``.txt`` is refused, and the stored content type is the checked kind's.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("pdf", "application/pdf", ("pdf",))
PNG = Kind("png", "image/png", ("png",))
JPEG = Kind("jpeg", "image/jpeg", ("jpg", "jpeg"))
GIF = Kind("gif", "image/gif", ("gif",))
WEBP = Kind("webp", "image/webp", ("webp",))
OLE = Kind("ole", "application/x-ole-storage", ("doc", "xls"))
DOCX = Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",))
XLSX = Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
OFD = Kind("ofd", "application/ofd", ("ofd",))
ZIP = Kind("zip", "application/zip", ("zip",))
TEXT = Kind("text", "text/plain; charset=utf-8", ("txt",))

KINDS = (PDF, PNG, JPEG, GIF, WEBP, OLE, DOCX, XLSX, OFD, ZIP, TEXT)
# Word and Excel 97-2003 share one container; the extension says which, the content type follows it.
_OLE_TYPES = {"doc": "application/msword", "xls": "application/vnd.ms-excel"}

HEAD_BYTES = 8192
CHECKED_TYPES = frozenset({kind.content_type for kind in KINDS} | set(_OLE_TYPES.values()))


def served_type(stored: str) -> str:
    """The type to serve a stored file with: a checked kind's, or a bare download for anything stored before
    uploads were checked (whatever the browser claimed then, e.g. text/html)."""
    return stored if stored in CHECKED_TYPES else "application/octet-stream"


def _zip_kind(data: bytes | None, fileobj) -> Kind:
    """A zip archive is an OOXML document when it has the document's main part, an OFD when it has OFD.xml."""
    try:
        source = fileobj if fileobj is not None else io.BytesIO(data or b"")
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return ZIP
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    if "OFD.xml" in names:
        return OFD
    return ZIP


def _is_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    sample = head.lstrip(b"\xef\xbb\xbf")
    for encoding in ("utf-8", "gb18030"):
        try:
            # A multi-byte character may be cut at the end of the sample.
            text = sample.decode(encoding) if len(head) < HEAD_BYTES else sample[:-4].decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return False
    if any(ord(c) < 32 and c not in "\t\r\n\f" for c in text):
        return False
    # Markup is not plain text: a browser would run it.
    lowered = text.lstrip().lower()
    return not lowered.startswith(("<!doctype", "<html", "<?xml", "<svg", "<script", "<head", "<body"))


def sniff(head: bytes, fileobj=None) -> Kind | None:
    """The kind the bytes show (``head``: the first bytes; ``fileobj``: the whole file for zip members)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(head if fileobj is None else None, fileobj)
    if _is_text(head):
        return TEXT
    return None


@dataclass(frozen=True)
class Checked:
    kind: Kind
    content_type: str


class FileTypeError(ValueError):
    pass


def check(name: str, fileobj) -> Checked:
    """Read ``fileobj`` (rewound afterwards) and return its checked kind, or raise ``FileTypeError``
    (its message in English for gettext, with the file's name) when content and extension disagree."""
    extension = PurePath(name).suffix.lower().lstrip(".")
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    kind = sniff(head, fileobj)
    fileobj.seek(0)
    if kind is None:
        raise FileTypeError("unknown")
    if extension == "zip" and kind in (DOCX, XLSX, OFD):
        kind = ZIP  # every zip-based document may be sent as a plain archive
    if extension not in kind.extensions:
        raise FileTypeError("mismatch")
    content_type = _OLE_TYPES.get(extension, kind.content_type) if kind is OLE else kind.content_type
    return Checked(kind, content_type)
