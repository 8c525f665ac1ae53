"""Attachments are typed by their bytes, their names made safe, their archives unpacked under a cap."""

from __future__ import annotations

import io
import zipfile

import pytest

from competitions.domain import attachments as rules

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 20


def office(parts: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


DOCX = office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = office({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


@pytest.mark.parametrize(("data", "kind"), [
    (PDF, "pdf"), (PNG, "png"), (JPEG, "jpeg"), (DOCX, "docx"), (XLSX, "xlsx"),
    ("改进说明：换刀时间缩短\n".encode(), "txt"), ("改进说明".encode("gb18030"), "txt"), (b"plain\r\ntext\t1", "txt"),
])
def test_types_found_from_the_content(data, kind):
    assert rules.sniff(data) == kind


@pytest.mark.parametrize("data", [
    b"<html><script>alert(1)</script></html>",                      # HTML
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',  # SVG
    b"  <svg onload=alert(1)>",
    b"MZ\x90\x00\x03" + b"\0" * 50,                                 # a Windows executable
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 50,               # old .doc/.xls
    b"GIF89a" + b"\0" * 10,                                         # GIF is not on the list
    b"text with a NUL\0 inside",
    b"text with an escape \x1b[31m",
    b"\xff\xfe\xfa bad utf-8 and gb18030 \x80",
    b"%!PS-Adobe-3.0",                                              # PostScript
    office({"a.txt": b"x"}),                                        # a plain zip archive
    office({"[Content_Types].xml": b"<Types/>", "word/other.xml": b"x"}),
])
def test_anything_else_is_refused(data):
    with pytest.raises(rules.AttachmentRefused):
        rules.sniff(data)


def test_a_pdf_cut_short_is_refused():
    with pytest.raises(rules.AttachmentRefused, match="damaged"):
        rules.sniff(b"%PDF-1.7\n" + b"x" * 5000)


def test_a_zip_bomb_docx_is_refused_by_the_bytes_it_really_unpacks_to():
    bomb = office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (3 * 1024 * 1024)})
    assert len(bomb) < 10_000
    with pytest.raises(rules.AttachmentRefused, match="unpack"):
        rules.sniff(bomb, max_unpacked=1024 * 1024)


def test_a_bomb_that_lies_about_its_size_is_still_caught():
    bomb = bytearray(office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (2 * 1024 * 1024)}))
    # Rewrite the declared uncompressed size of every entry to 10 bytes (local and central headers).
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := bytes(bomb).find(signature, start)) != -1:
            bomb[start + offset:start + offset + 4] = (10).to_bytes(4, "little")
            start += 4
    with pytest.raises(rules.AttachmentRefused):
        rules.sniff(bytes(bomb), max_unpacked=1024 * 1024)


@pytest.mark.parametrize("parts", [
    {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"x"},
    {"[Content_Types].xml": b'<Types><Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>'
                            b"</Types>", "xl/workbook.xml": b"<workbook/>"},
])
def test_documents_with_macros_are_refused(parts):
    with pytest.raises(rules.AttachmentRefused, match="macros"):
        rules.sniff(office(parts))


def test_a_corrupt_archive_is_refused():
    with pytest.raises(rules.AttachmentRefused, match="damaged"):
        rules.sniff(DOCX[:40] + b"\0" * 40 + DOCX[80:])


def test_an_archive_with_a_path_escape_is_refused():
    evil = office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"x", "../../evil.sh": b"x"})
    with pytest.raises(rules.AttachmentRefused, match="unsafe path"):
        rules.sniff(evil)


@pytest.mark.parametrize("name", [
    "../../static/x.pdf", "a/b.pdf", "a\\b.pdf", "plan\x00.pdf", "plan\n.pdf", "plan\u202egpj.pdf", ".htaccess",
    "", "   ", "x" * 121 + ".pdf",
])
def test_bad_names_are_refused(name):
    with pytest.raises(rules.AttachmentRefused):
        rules.check_filename(name)


@pytest.mark.parametrize(("name", "kind", "shown"), [
    ("图纸.pdf", "pdf", "图纸.pdf"), ("photo.JPG", "jpeg", "photo.JPG"), ("photo.jpeg", "jpeg", "photo.jpeg"),
    ("report.html", "pdf", "report.html.pdf"), ("notes", "txt", "notes.txt"), ("a.docx", "docx", "a.docx"),
])
def test_download_names_end_with_the_type_found(name, kind, shown):
    assert rules.download_name(rules.check_filename(name), kind) == shown


LIMITS = dict(max_bytes=1000, entry_bytes=0, entry_limit=5000, entry_files=0, max_files=3)


@pytest.mark.parametrize(("data", "name"), [
    (b"PDF-1.4 missing its percent sign", "plan.pdf"),   # a PDF with wrong magic
    (PNG, "photo.jpg"), (JPEG, "diagram.png"), (XLSX, "report.docx"), (PDF, "notes.txt"),
    (b"<html>hi</html>", "page.pdf"),
])
def test_a_name_claiming_an_accepted_type_must_hold_it(data, name):
    with pytest.raises(rules.AttachmentRefused, match="content is not a"):
        rules.check_upload(data, name, **LIMITS)


def test_upload_limits():
    assert rules.check_upload(PDF, "a.pdf", **LIMITS).kind == "pdf"
    with pytest.raises(rules.AttachmentRefused, match="empty"):
        rules.check_upload(b"", "a.pdf", **LIMITS)
    with pytest.raises(rules.AttachmentRefused, match="larger"):
        rules.check_upload(PDF + b" " * 1000, "a.pdf", **LIMITS)
    with pytest.raises(rules.AttachmentRefused, match="at most 3"):
        rules.check_upload(PDF, "a.pdf", **{**LIMITS, "entry_files": 3})
    with pytest.raises(rules.AttachmentRefused, match="together"):
        rules.check_upload(PDF, "a.pdf", **{**LIMITS, "entry_bytes": 4990})
