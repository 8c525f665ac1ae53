"""Attachments of innovation entries under attack: type by content, sizes, bombs, names, who may download,
and nothing half-saved (no row without its file, no file without its row)."""

from __future__ import annotations

import html
import io
import zipfile
from io import BytesIO

import pytest
from sqlalchemy import func, select

from competitions.audit.models import AuditEntry
from competitions.extensions import db
from competitions.innovation import services
from competitions.innovation.models import InnovationAttachment, InnovationEntry
from competitions.orgs.models import Worker
from tests.support import innovation_world as iw


@pytest.fixture
def world(app, tmp_path):
    app.config.update(INNOVATION_FILES_DIR=str(tmp_path / "files"), INNOVATION_ENTRY_MAX_BYTES=300_000,
                      INNOVATION_MAX_UNPACKED_BYTES=2 * 1024 * 1024)
    w = iw.build()
    lead = db.session.execute(select(Worker).where(Worker.user_id == w["users"]["lead"].id)).scalar_one()
    entry = services.create_entry(w["comp"], lead=lead, actor=w["users"]["lead"], data=services.EntryData(
        event_id=w["event"].id, title="快速换刀夹具", category="technical", claimed_benefit_yuan=None,
        claimed_benefit_text="减少停机", member_names=("李强",)))
    db.session.commit()
    return w | {"entry": entry, "dir": tmp_path / "files"}



def _upload(client, entry_id, data: bytes, name: str):
    return client.post(f"/innovation/entries/{entry_id}/files", data={"file": (BytesIO(data), name)},
                       content_type="multipart/form-data")


def _stored(world) -> tuple[int, int]:
    """(attachment rows, files on disk)."""
    db.session.expire_all()
    rows = db.session.execute(select(func.count(InnovationAttachment.id))).scalar_one()
    on_disk = len(list(world["dir"].iterdir())) if world["dir"].exists() else 0
    return rows, on_disk


def _docx(document: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def _png(width=60, height=40) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(out, format="PNG")
    return out.getvalue()


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds no pixels: what a pixel bomb looks like to the server."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


ACCEPTED = [
    (iw.pdf_bytes(), "方案.pdf", "pdf", "application/pdf"),
    (_png(), "photo.png", "png", "image/png"),
    (_docx(b"<w:document/>"), "说明.docx", "docx", "application/vnd.openxmlformats-officedocument"),
    ("改进说明\n第二行".encode(), "readme.txt", "txt", "text/plain"),
    (iw.pdf_bytes(), "report.html", "pdf", "application/pdf"),   # a PDF named .html is offered as .html.pdf
]


@pytest.mark.parametrize(("data", "name", "kind", "mimetype"), ACCEPTED)
def test_accepted_files_are_stored_and_served_as_downloads(client, auth, world, data, name, kind, mimetype):
    auth.login_as("lead")
    response = _upload(client, world["entry"].id, data, name)
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))
    attachment = db.session.execute(select(InnovationAttachment)).scalar_one()
    assert attachment.kind == kind and attachment.stored_name != name and "." not in attachment.stored_name
    assert (world["dir"] / attachment.stored_name).read_bytes() == data
    assert "static" not in str(world["dir"])
    download = client.get(f"/innovation/files/{attachment.id}")
    assert download.status_code == 200 and download.data == data
    assert download.mimetype.startswith(mimetype.split(";")[0])
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]
    if name == "report.html":
        assert "report.html.pdf" in download.headers["Content-Disposition"]


def _bomb() -> bytes:
    return _docx(b"\0" * (8 * 1024 * 1024))


REFUSED = [
    (b"<html><script>alert(1)</script></html>", "page.html", "type of file is not accepted"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo.svg", "type of file is not accepted"),
    (b"MZ\x90\x00" + b"\0" * 100, "tool.exe", "type of file is not accepted"),
    (b"this is not a pdf at all", "plan.pdf", "content is not a PDF file"),
    (b"%PDF-1.4\n" + b"x" * 3000, "cut.pdf", "damaged or cut short"),
    (b"", "empty.pdf", "empty (0 bytes)"),
    (_bomb(), "bomb.docx", "would unpack to more than 2 MB"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "broken.png", "picture is damaged"),
    (_png_header(10_000, 6_000), "big.png", "10000 × 6000 pixels"),          # over the limit: told its size
    (_png_header(20_000, 20_000), "bomb.png", "far too many pixels"),         # a pixel bomb is not "damaged"
    (iw.pdf_bytes(), "..\\..\\static\\evil.pdf", "Rename the file"),
    (iw.pdf_bytes(), "../../static/evil.pdf", "Rename the file"),
    (iw.pdf_bytes(), "a\x1b[31m.pdf", "Rename the file"),
    (iw.pdf_bytes(), "report\u202egpj.pdf", "Rename the file"),
    (iw.pdf_bytes(), ".htaccess", "Rename the file"),
]


@pytest.mark.parametrize(("data", "name", "message"), REFUSED)
def test_refused_files_leave_nothing_behind(client, auth, world, data, name, message):
    auth.login_as("lead")
    response = _upload(client, world["entry"].id, data, name)
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    assert _stored(world) == (0, 0)
    assert db.session.execute(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "innovation.attach")).scalar_one() == 0


def test_size_limits_per_file_and_per_entry(client, auth, world, app):
    auth.login_as("lead")
    app.config["UPLOAD_MAX_BYTES"] = 200_000
    big = iw.pdf_bytes() + b"%" + b"x" * 210_000 + b"\n%%EOF\n"
    response = _upload(client, world["entry"].id, big, "big.pdf")
    assert response.status_code in (413, 422) and _stored(world) == (0, 0)
    chunk = iw.pdf_bytes() + b"%" + b"x" * 140_000 + b"\n%%EOF\n"
    assert _upload(client, world["entry"].id, chunk, "one.pdf").status_code == 302
    assert _upload(client, world["entry"].id, chunk, "two.pdf").status_code == 302
    response = _upload(client, world["entry"].id, chunk, "three.pdf")   # 3 × 140 KB > 300 KB for the entry
    assert response.status_code == 422 and "together" in html.unescape(response.get_data(as_text=True))
    assert _stored(world) == (2, 2)


def test_a_failed_commit_removes_the_file_written(client, auth, world, monkeypatch):
    """The row and the file go together: when the transaction rolls back after the file was written, it is gone."""
    from competitions.innovation import views

    auth.login_as("lead")

    def failing(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(views.db.session, "commit", failing)
    with pytest.raises(RuntimeError):
        _upload(client, world["entry"].id, iw.pdf_bytes(), "plan.pdf")
    monkeypatch.undo()
    db.session.rollback()
    assert _stored(world) == (0, 0)


def test_removing_a_file_removes_it_from_disk(client, auth, world):
    auth.login_as("lead")
    _upload(client, world["entry"].id, iw.pdf_bytes(), "plan.pdf")
    attachment = db.session.execute(select(InnovationAttachment)).scalar_one()
    client.post(f"/innovation/files/{attachment.id}/delete")
    assert _stored(world) == (0, 0)


@pytest.mark.parametrize(("username", "status"), [
    ("lead", 200), ("mate", 200),                 # the team
    ("weaver", 404), ("outsider", 404),           # other workers
    ("millorg", 404), ("westorg", 404),           # organizers out of scope (draft or not)
    ("expert_mill", 404), ("expert_city", 404),   # experts: not before the unit passes it
])
def test_who_may_download_a_draft_file(client, auth, world, username, status):
    auth.login_as("lead")
    _upload(client, world["entry"].id, iw.pdf_bytes(), "plan.pdf")
    attachment = db.session.execute(select(InnovationAttachment)).scalar_one()
    auth.login_as(username)
    assert client.get(f"/innovation/files/{attachment.id}").status_code == status
    assert client.get(f"/innovation/entries/{world['entry'].id}").status_code == status


@pytest.mark.parametrize(("username", "status"), [
    ("lead", 200), ("mate", 200), ("weaver", 404), ("outsider", 404),
    ("plantorg", 200), ("eastorg", 200), ("cityorg", 200), ("millorg", 404), ("westorg", 404),
    ("expert_plant", 404),                        # recused: the entrants' own unit
    ("expert_mill", 200), ("expert_city", 200), ("chief", 200), ("admin", 200),
])
def test_who_may_download_once_passed(client, auth, world, username, status):
    auth.login_as("lead")
    _upload(client, world["entry"].id, iw.pdf_bytes(), "plan.pdf")
    client.post(f"/innovation/entries/{world['entry'].id}/entrant", data={"action": "submit"})
    auth.login_as("plantorg")
    client.post(f"/innovation/entries/{world['entry'].id}/unit", data={"action": "pass"})
    iw.panel(world)
    attachment = db.session.execute(select(InnovationAttachment)).scalar_one()
    auth.login_as(username)
    assert client.get(f"/innovation/files/{attachment.id}").status_code == status
    api = client.get(f"/api/v1/innovation/entries/{world['entry'].id}")
    assert api.status_code == status
    if status == 200 and username.startswith("expert"):
        assert "members" not in api.get_json() and "unit" not in api.get_json()   # blind review


def test_the_lead_alone_changes_files_and_only_while_editable(client, auth, world):
    auth.login_as("mate")
    assert _upload(client, world["entry"].id, iw.pdf_bytes(), "plan.pdf").status_code == 404
    auth.login_as("lead")
    _upload(client, world["entry"].id, iw.pdf_bytes(), "plan.pdf")
    client.post(f"/innovation/entries/{world['entry'].id}/entrant", data={"action": "submit"})
    response = _upload(client, world["entry"].id, iw.pdf_bytes(), "late.pdf")
    assert response.status_code == 422 and "draft or a returned entry" in html.unescape(response.get_data(as_text=True))
    attachment = db.session.execute(select(InnovationAttachment)).scalar_one()
    client.post(f"/innovation/files/{attachment.id}/delete")
    assert _stored(world) == (1, 1)
    assert db.session.get(InnovationEntry, world["entry"].id).status == "submitted"
