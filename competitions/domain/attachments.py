"""What an uploaded attachment is, found from its bytes — never from its name or the browser's word.

The practice it guards against: an entry's attachments are opened by reviewers and experts on office
computers, so an upload named ``report.pdf`` that is really an HTML page, an SVG with a script, an
executable or a "zip bomb" (a small .docx that unpacks to gigabytes) must never be stored, and a name
such as ``../../static/x.html`` or one holding control characters must never reach the disk or a
download header. So:

* the type comes from the content's signature (magic bytes): ``%PDF-`` (and an ``%%EOF`` near the
  end), the PNG signature, JPEG's ``FF D8 FF``, a zip archive that is an Office Open XML document with
  the parts Word or Excel write (``[Content_Types].xml`` with ``word/document.xml`` or
  ``xl/workbook.xml``), or plain text (UTF-8 or GB18030, no control characters but tab and line
  breaks, no NUL). Anything else — HTML, SVG, executables, old .doc/.xls, other archives — is refused;
* a zip archive is read member by member with a cap on what it unpacks to (the real bytes are counted,
  not the sizes the archive claims) and on its number of members; a member with an absolute or ``..``
  path is refused; a damaged archive is refused; a document carrying macros (a ``vbaProject.bin`` part or a
  macro-enabled content type, i.e. a renamed .docm/.xlsm) is refused;
* a name that claims one of the accepted types (``plan.pdf``) must hold that type: a ``.pdf`` whose bytes
  do not start with ``%PDF-`` is refused as damaged or renamed, never stored as something else;
* the name is kept only as a label for the download: NFC, no path separators, no control or bidi
  characters, at most 120 characters, and it ends with the extension of the type found.

Limits (bytes per file, per entry) are the caller's, from the configuration. Pure: stdlib only.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass

from competitions.domain.errors import N_, RuleViolation

KINDS = ("pdf", "png", "jpeg", "docx", "xlsx", "txt")
EXTENSIONS = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg", "docx": ".docx", "xlsx": ".xlsx", "txt": ".txt"}
CONTENT_TYPES = {
    "pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain; charset=utf-8",
}
MAX_NAME = 120
MAX_ZIP_MEMBERS = 500
MAX_UNPACKED = 100 * 1024 * 1024
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_PDF = b"%PDF-"
_ZIP = b"PK\x03\x04"
_MAGIC = {"pdf": _PDF, "png": _PNG, "jpeg": _JPEG, "docx": _ZIP, "xlsx": _ZIP}
_NAME_FORBIDDEN = set('/\\') | {chr(c) for c in range(32)} | {"\x7f"} | set(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_TEXT_CONTROLS = {chr(c) for c in range(32)} - set("\t\n\r\f") | {"\x7f"}


class AttachmentRefused(RuleViolation):
    """The upload is not stored; the message says why in words a worker understands."""


class DangerousArchive(AttachmentRefused):
    """An archive refused for what it would do when opened (a bomb, too many parts, an escaping path)."""


@dataclass(frozen=True)
class Checked:
    """An accepted upload: the type found, the name to offer on download, and its size in bytes."""

    kind: str
    filename: str
    size: int


def check_filename(name: str | None) -> str:
    """The uploaded name made safe to show and to offer as a download name (without its extension fixed)."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise AttachmentRefused(N_("The file has no name."), field="file")
    bad = sorted({ch for ch in name if ch in _NAME_FORBIDDEN or unicodedata.category(ch) in ("Cc", "Cf")})
    if bad:
        shown = ", ".join("/" if ch == "/" else "\\" if ch == "\\" else f"U+{ord(ch):04X}" for ch in bad)
        raise AttachmentRefused(N_("The file name contains characters that are not allowed (%(chars)s): a path, a "
                                   "control or a direction character. Rename the file and upload it again."),
                                field="file", chars=shown)
    if name in (".", "..") or name.startswith("."):
        raise AttachmentRefused(N_("The file name may not start with a dot. Rename the file and upload it again."),
                                field="file")
    if len(name) > MAX_NAME:
        raise AttachmentRefused(N_("The file name is longer than %(max)d characters."), field="file", max=MAX_NAME)
    return name


def download_name(name: str, kind: str) -> str:
    """``name`` ending with the extension of ``kind`` (``plan.html`` that is a PDF is offered as ``plan.html.pdf``)."""
    extension = EXTENSIONS[kind]
    if kind == "jpeg" and name.lower().endswith((".jpg", ".jpeg")):
        return name
    return name if name.lower().endswith(extension) else name + extension


def sniff(data: bytes, *, max_unpacked: int = MAX_UNPACKED) -> str:
    """The type of ``data`` (one of ``KINDS``) from its content; AttachmentRefused when it is none of them."""
    if data.startswith(_PDF):
        if b"%%EOF" not in data[-2048:]:
            raise AttachmentRefused(N_("The PDF file is damaged or cut short (it has no end marker). Save it "
                                       "again and upload it."), field="file")
        return "pdf"
    if data.startswith(_PNG):
        return "png"
    if data.startswith(_JPEG):
        return "jpeg"
    if data.startswith(_ZIP):
        return _office_kind(data, max_unpacked)
    if _is_text(data):
        return "txt"
    raise AttachmentRefused(N_("This type of file is not accepted. Upload a PDF, a PNG or JPEG image, a Word "
                               "(.docx) or Excel (.xlsx) file, or plain text."), field="file")


def _is_text(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<", b"%!")) or b"\x00" in data:   # markup (HTML, SVG, XML) and binaries are not text
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(ch in _TEXT_CONTROLS for ch in text)
    return False


def _office_kind(data: bytes, max_unpacked: int) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise DangerousArchive(N_("The document holds more than %(max)d parts; it is refused."),
                                        field="file", max=MAX_ZIP_MEMBERS)
            names = {m.filename for m in members}
            for member in members:
                if member.filename.startswith(("/", "\\")) or ".." in member.filename.replace("\\", "/").split("/"):
                    raise DangerousArchive(N_("The document holds a part with an unsafe path; it is refused."),
                                            field="file")
            _unpack_all(archive, members, max_unpacked)
            if any(name.lower().endswith("vbaproject.bin") for name in names) or (
                    "[Content_Types].xml" in names and b"macroEnabled" in archive.read("[Content_Types].xml")):
                raise DangerousArchive(N_("Documents with macros are not accepted. Save it as a plain Word (.docx) "
                                          "or Excel (.xlsx) file, or as PDF."), field="file")
    except AttachmentRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError,
            RuntimeError):
        raise AttachmentRefused(N_("The document is damaged and cannot be read. Save it again and upload it."),
                                field="file") from None
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    raise AttachmentRefused(N_("This archive is not a Word (.docx) or Excel (.xlsx) document. Archives are not "
                               "accepted."), field="file")


def _unpack_all(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], max_unpacked: int) -> None:
    """Read every member (checking its CRC), counting the real bytes; refuse beyond ``max_unpacked``."""
    total = 0
    for member in members:
        if member.file_size > max_unpacked:
            raise _bomb(max_unpacked)
        with archive.open(member) as stream:
            while chunk := stream.read(1024 * 1024):
                total += len(chunk)
                if total > max_unpacked:
                    raise _bomb(max_unpacked)


def _bomb(limit: int) -> AttachmentRefused:
    return DangerousArchive(N_("The document would unpack to more than %(limit)d MB; it is refused."),
                             field="file", limit=limit // (1024 * 1024) or 1)


def check_upload(data: bytes, name: str | None, *, max_bytes: int, entry_bytes: int, entry_limit: int,
                 entry_files: int, max_files: int, max_unpacked: int = MAX_UNPACKED) -> Checked:
    """Accept one upload or say why not: name, emptiness, size per file and per entry, count, type by content.

    ``entry_bytes``/``entry_files`` are what the entry already holds; ``entry_limit``/``max_files`` its limits.
    """
    clean = check_filename(name)
    if not data:
        raise AttachmentRefused(N_("The file is empty (0 bytes)."), field="file")
    if len(data) > max_bytes:
        raise AttachmentRefused(N_("The file is larger than %(limit)s MB."), field="file",
                                limit=_mb(max_bytes))
    if entry_files + 1 > max_files:
        raise AttachmentRefused(N_("An entry holds at most %(max)d files. Remove one first."), field="file",
                                max=max_files)
    if entry_bytes + len(data) > entry_limit:
        raise AttachmentRefused(N_("The entry's files would exceed %(limit)s MB together. Remove a file or make "
                                   "this one smaller."), field="file", limit=_mb(entry_limit))
    declared = declared_kind(clean)
    try:
        kind = sniff(data, max_unpacked=max_unpacked)
    except DangerousArchive:
        raise
    except AttachmentRefused:
        if declared is None or data.startswith(_MAGIC.get(declared, b"\0\0")):   # the right kind, but damaged
            raise
        kind = None
    if declared is not None and kind != declared:
        raise AttachmentRefused(N_("The file is called %(name)s, but its content is not a %(kind)s file (it may be "
                                   "damaged or renamed). Save it again in that format and upload it."),
                                field="file", name=clean, kind=declared.upper())
    return Checked(kind=kind, filename=download_name(clean, kind), size=len(data))


_DECLARED = {".pdf": "pdf", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".docx": "docx", ".xlsx": "xlsx",
             ".txt": "txt"}


def declared_kind(name: str) -> str | None:
    """The type a name claims by its extension, when it is one of the accepted types (else None)."""
    lowered = name.lower()
    return next((kind for extension, kind in _DECLARED.items() if lowered.endswith(extension)), None)


def _mb(limit: int) -> str:
    value = limit / (1024 * 1024)
    return f"{value:.0f}" if value >= 1 else f"{value:.2f}"
