"""Certificates from final results to the winner's download, the public check and the organizer's batch.

The PDFs are checked as a reader meets them: text extracted with pypdf and
pdftotext (the Chinese name with its rare character, the competition),
``pdffonts`` (the CJK fonts embedded), the QR code decoded with zxing-cpp from
a pdftoppm rendering and followed to the verification page.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from competitions.audit.models import AuditEntry
from competitions.certificates import services
from competitions.certificates.models import Certificate, CertificateBatch
from competitions.extensions import db
from competitions.judging.models import JudgeAssignment
from competitions.results import services as results
from competitions.results.models import ResultEntry, ResultSnapshot
from competitions.scheduler import job_named, run_job
from tests import factories as f
from tests.conftest import ARTIFACTS
from tests.support import require

# name, employer, code, theory, p1, p2 — ranked in this order; bands 1/2/3 give six prizes of eight.
PEOPLE = [
    ("王𫖯", "works", "A01", 95, 58, 39),
    ("刘䶮", "plant", "A02", 92, 57, 38),
    ("张𬭎", "works", "A03", 90, 56, 37),
    ("李娜", "plant", "A04", 88, 55, 36),
    ("赵强", "works", "A05", 86, 54, 35),
    ("孙丽", "plant", "A06", 84, 53, 34),
    ("周杰", "works", "A07", 70, 40, 30),
    ("吴敏", "plant", "A08", 60, 35, 25),
]
ZONE = ZoneInfo("Asia/Shanghai")


def _final_world(*, finalize=True):
    orgs = f.org_tree()
    users = {
        "westorg": f.user("westorg", "organizer", org=orgs["west"]),
        "eastorg": f.user("eastorg", "organizer", org=orgs["east"]),
        "winner": f.user("winner", "competitor", org=orgs["works"]),
        "loser": f.user("loser", "competitor", org=orgs["works"]),
        "rival": f.user("rival", "competitor", org=orgs["plant"]),
    }
    judges = [f.user(f"j{n}", "judge", org=orgs["city"]) for n in range(3)]
    comp = f.competition(orgs["west"], name="2026年西区“振兴杯”职工技能竞赛", level="district")
    ev = f.event(comp)
    comp.status = "in_progress"
    db.session.add(JudgeAssignment(event_id=ev.id, user_id=judges[0].id, is_chief=True))
    regs = {}
    for station, (name, employer, code, theory, p1, p2) in enumerate(PEOPLE, start=1):
        regs[code] = f.results_competitor(ev, orgs[employer], name=name, code=code, station=station)
        f.results_marks(ev, regs[code], judges, theory=theory, p1=p1, p2=p2)
    regs["A01"].worker.user_id = users["winner"].id
    regs["A08"].worker.user_id = users["loser"].id
    regs["A02"].worker.user_id = users["rival"].id
    f.sign_off(ev, judges[0])
    organizer = users["westorg"].id
    results.compute_provisional_results(comp, actor_id=organizer)
    published = datetime.now(UTC) - timedelta(days=20)
    snapshot = results.publish_results(comp, actor_id=organizer, now=published, zone=ZONE)
    if finalize:
        results.finalize_results(snapshot, actor_id=organizer, now=datetime.now(UTC))
    db.session.commit()
    return {"orgs": orgs, "users": users, "comp": comp, "event": ev, "regs": regs, "snapshot": snapshot}


@pytest.fixture
def world(app):
    return _final_world()



def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _issue(client, comp):
    return client.post(f"/certificates/competitions/{comp.id}/issue", follow_redirects=True)


def _certificates(comp_id, status="active"):
    return list(db.session.execute(select(Certificate).where(Certificate.competition_id == comp_id,
                                                              Certificate.status == status)
                                   .order_by(Certificate.id)).scalars())


def _mine(world, code="A01") -> Certificate:
    registration_id = world["regs"][code].id
    return db.session.execute(select(Certificate).where(Certificate.registration_id == registration_id,
                                                         Certificate.status == "active")).scalar_one()


def _pdftotext(data: bytes, tmp_path) -> str:
    require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "run scripts/system-deps.sh")
    path = tmp_path / "cert.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def _render(data: bytes, name: str, dpi: int = 110):
    """Render page 1 to tests/artifacts/<name>.png (to look at) and return it as a Pillow image."""
    from PIL import Image

    require("pdftoppm (poppler-utils)", shutil.which("pdftoppm") is not None, "run scripts/system-deps.sh")
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(ARTIFACTS / name)], check=True)
    source.unlink()
    return Image.open(ARTIFACTS / f"{name}.png")


def _qr_text(image) -> str:
    zxingcpp = pytest.importorskip("zxingcpp", reason="pip install -r requirements-dev.txt (zxing-cpp)")
    found = [r for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(found) == 1, "exactly one QR code on the certificate"
    return found[0].text


# --- issuing ------------------------------------------------------------------------------------


def test_no_certificate_before_results_are_final(app, client, auth):
    w = _final_world(finalize=False)
    auth.login_as("westorg")
    page = _text(_issue(client, w["comp"]))
    assert "Certificates can be issued only once the results are final." in page
    assert db.session.execute(select(func.count(Certificate.id))).scalar() == 0


def test_prize_winners_get_one_certificate_each_and_nobody_else(world, client, auth):
    auth.login_as("westorg")
    page = _text(_issue(client, world["comp"]))
    assert "6 issued, 0 reissued, 0 revoked, 0 unchanged." in page
    issued = _certificates(world["comp"].id)
    assert sorted(c.name for c in issued) == sorted(name for name, *_rest in PEOPLE[:6])
    assert {c.award for c in issued} == {"first", "second", "third"}
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{20}", c.number) for c in issued)
    # Issuing again changes nothing.
    assert "0 issued, 0 reissued, 0 revoked, 6 unchanged." in _text(_issue(client, world["comp"]))
    assert len(_certificates(world["comp"].id)) == 6


def test_participation_certificates_only_when_switched_on(world, client, auth):
    auth.login_as("westorg")
    client.post(f"/certificates/competitions/{world['comp'].id}/participation", data={"participation": "y"})
    _issue(client, world["comp"])
    kinds = {c.name: c.kind for c in _certificates(world["comp"].id)}
    assert kinds["周杰"] == kinds["吴敏"] == "participation" and kinds["王𫖯"] == "award"


def test_certificate_pdf_reads_as_a_reader_sees_it(world, client, auth, tmp_path):
    auth.login_as("westorg")
    _issue(client, world["comp"])
    certificate = _mine(world)
    auth.login_as("winner", lang="zh")
    assert "王𫖯" in _text(client.get("/certificates/mine"))
    response = client.get(f"/certificates/{certificate.id}.pdf?lang=zh")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.data
    assert len(data) < 100 * 1024
    extracted = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    poppler = _pdftotext(data, tmp_path)
    for text in (extracted, poppler):
        assert "王𫖯" in text and "2026年西区“振兴杯”职工技能竞赛" in text.replace("\n", "")
        assert "一等奖" in text and "获奖证书".replace("", " ").strip().replace(" ", "") in text.replace(" ", "")
    # pdffonts: the CJK fonts are embedded subsets with a ToUnicode map.
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    embedded = [line.split() for line in fonts.splitlines()[2:] if "+" in line]
    assert any("WenQuanYi" in line[0] for line in embedded) and any("HanaMin" in line[0] for line in embedded)
    assert all(line[-5:-2] == ["yes", "yes", "yes"] for line in embedded)
    # The QR code decodes to the verification URL, which answers "valid" with the facts and a masked name.
    url = _qr_text(_render(data, "certificate-zh"))
    assert url == f"http://localhost/verify/{services.display_number(certificate.number)}"
    auth.logout()
    client.post("/lang", data={"lang": "en"})
    page = client.get(url.replace("http://localhost", ""))
    text = _text(page)
    assert page.status_code == 200 and 'data-state="valid"' in text and "Valid certificate" in text
    assert "王＊" in text and "王𫖯" not in text
    assert "First prize" in text and "2026年西区“振兴杯”职工技能竞赛" in text and "西区总工会" in text


def test_english_certificate(world, client, auth, tmp_path):
    auth.login_as("westorg")
    _issue(client, world["comp"])
    certificate = _mine(world, "A02")
    data = client.get(f"/certificates/{certificate.id}.pdf?lang=en").data
    text = _pdftotext(data, tmp_path)
    assert "Certificate of Award" in text and "刘䶮" in text and "Second prize" in text
    _render(data, "certificate-en")
    assert client.get(f"/certificates/{certificate.id}.pdf?lang=fr").status_code == 404


def test_a_worker_cannot_download_someone_elses_certificate(world, client, auth):
    auth.login_as("westorg")
    _issue(client, world["comp"])
    mine, theirs = _mine(world, "A01"), _mine(world, "A02")
    auth.login_as("winner")
    assert client.get(f"/certificates/{mine.id}.pdf").status_code == 200
    assert client.get(f"/certificates/{theirs.id}.pdf").status_code == 404
    auth.login_as("loser")  # no prize: no certificate, and nobody else's
    assert client.get(f"/certificates/{mine.id}.pdf").status_code == 404
    assert "You have no certificates yet." in _text(client.get("/certificates/mine"))
    auth.login_as("eastorg")  # an organizer of another district
    assert client.get(f"/certificates/{mine.id}.pdf").status_code == 404


# --- verification -------------------------------------------------------------------------------


def test_tampered_or_unknown_numbers_are_invalid(world, client, auth):
    auth.login_as("westorg")
    _issue(client, world["comp"])
    number = _mine(world).number
    auth.logout()
    client.post("/lang", data={"lang": "en"})
    swapped = number[:3] + ("0" if number[3] != "0" else "1") + number[4:]
    for text in (swapped, number[:-1], "../../etc/passwd", "X" * 20, "<script>", "ABCDE-FGHJK-MNPQR-STVWX"):
        page = client.get(f"/verify/{text}")
        assert page.status_code == 404 and 'data-state="invalid"' in _text(page), text
    # Typed loosely (lower case, spaces, O for 0) it still verifies.
    loose = " ".join(number[i:i + 5] for i in range(0, 20, 5)).lower().replace("0", "o")
    assert 'data-state="valid"' in _text(client.get("/verify", query_string={"number": loose},
                                                     follow_redirects=True))


def test_a_revoked_certificate_says_so_and_why(world, client, auth):
    auth.login_as("westorg")
    _issue(client, world["comp"])
    certificate = _mine(world)
    page = _text(client.post(f"/certificates/{certificate.id}/revoke", data={"reason": ""}, follow_redirects=True))
    assert "Give the reason for revoking the certificate." in page
    page = _text(client.post(f"/certificates/{certificate.id}/revoke", data={"reason": "长" * 501},
                             follow_redirects=True))
    assert "Field cannot be longer than 500 characters." in page and "Give the reason" not in page
    assert _mine(world).status == "active"
    client.post(f"/certificates/{certificate.id}/revoke", data={"reason": "违反赛场纪律，取消获奖资格"})
    auth.logout()
    client.post("/lang", data={"lang": "zh"})
    page = _text(client.get(f"/verify/{services.display_number(certificate.number)}"))
    assert 'data-state="revoked"' in page and "违反赛场纪律，取消获奖资格" in page
    auth.login_as("winner")
    assert client.get(f"/certificates/{certificate.id}.pdf").status_code == 200  # the holder still sees what it was
    assert "Revoked" in _text(client.get("/certificates/mine"))


def _all() -> int:
    return db.session.execute(select(func.count()).select_from(Certificate)).scalar_one()


def test_a_certificate_revoked_by_hand_is_never_silently_reissued(world, client, auth, runner):
    auth.login_as("westorg")
    _issue(client, world["comp"])
    certificate = _mine(world)
    client.post(f"/certificates/{certificate.id}/revoke", data={"reason": "资格复查未通过"})
    page = _text(_issue(client, world["comp"]))
    assert "0 issued, 0 reissued, 0 revoked, 5 unchanged." in page
    assert "1 certificate(s) revoked by hand were not issued again." in page
    assert len(_certificates(world["comp"].id)) == 5 and _all() == 6, "no new number behind the organizer's back"
    assert "1 certificate(s) revoked by hand" in runner.invoke(args=["certificates", "issue",
                                                                      str(world["comp"].id)]).output
    # The way back: an explicit new certificate, replacing the revoked one, audited; only once.
    manage = _text(client.get(f"/certificates/competitions/{world['comp'].id}"))
    assert f'id="reissue-{certificate.id}"' in manage and manage.count('id="reissue-') == 1
    page = _text(client.post(f"/certificates/{certificate.id}/reissue", follow_redirects=True))
    assert "A new certificate has been issued in place of the revoked one." in page
    new = _mine(world)
    assert new.id != certificate.id and new.replaces_id == certificate.id and new.number != certificate.number
    again = _text(client.post(f"/certificates/{certificate.id}/reissue", follow_redirects=True))
    assert "Only the latest certificate of a winner, revoked by hand, can be issued again." in again
    assert len(_certificates(world["comp"].id)) == 6 and _all() == 7
    assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "certificate_reissued")).scalar_one()
    assert "0 issued, 0 reissued, 0 revoked, 6 unchanged." in _text(_issue(client, world["comp"]))


def test_verification_page_is_cacheable_for_visitors_without_a_cookie(world, client, auth, app):
    auth.login_as("westorg")
    _issue(client, world["comp"])
    url = f"/verify/{services.display_number(_mine(world).number)}"
    anonymous = app.test_client()
    response = anonymous.get(url)
    assert response.status_code == 200 and "public" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers and "csrf" not in response.get_data(as_text=True)
    again = anonymous.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_old_numbers_verify_after_the_signing_key_is_rotated(world, client, auth, app):
    auth.login_as("westorg")
    _issue(client, world["comp"])
    number = _mine(world).number
    assert number[10] == "B"
    app.config["CERTIFICATE_KEYS"] = "B:test-certificate-key-0002,C:a-brand-new-rotated-key"
    app.config["CERTIFICATE_KEY_ID"] = "C"
    assert services.verify(number).state == "valid"
    app.config["CERTIFICATE_KEYS"] = "C:a-brand-new-rotated-key"  # B retired: its numbers no longer verify
    assert services.verify(number).state == "invalid"


# --- appeals change final results ---------------------------------------------------------------


def _corrected_final_results(world, status="final"):
    """Results corrected after an appeal: a new version in which A01 and A02 swap places.

    Today's results flow freezes final results, so the correction is written
    as the results stage would write a new version; what is tested is how
    certificates follow it.
    """
    old = world["snapshot"]
    new = ResultSnapshot(competition_id=old.competition_id, version=old.version + 1, status=status,
                         computed_at=datetime.now(UTC), published_at=old.published_at, notice_days=old.notice_days,
                         notice_ends_at=old.notice_ends_at,
                         finalized_at=datetime.now(UTC) if status == "final" else None)
    db.session.add(new)
    db.session.flush()
    prizes = {"A01": "second", "A02": "first"}
    for entry in db.session.execute(select(ResultEntry).where(ResultEntry.snapshot_id == old.id)).scalars():
        db.session.add(ResultEntry(
            snapshot_id=new.id, event_id=entry.event_id, registration_id=entry.registration_id,
            position=entry.position, rank=entry.rank, total=entry.total, part_scores=entry.part_scores,
            prize=prizes.get(entry.anonymous_code, entry.prize), anonymous_code=entry.anonymous_code,
            name=entry.name, employer=entry.employer, worker_id=entry.worker_id))
    old.status = "superseded"
    db.session.commit()
    return new


def test_corrected_final_results_revoke_and_reissue_automatically(world, client, auth):
    auth.login_as("westorg")
    _issue(client, world["comp"])
    before = _mine(world)
    unaffected = _mine(world, "A03")
    _corrected_final_results(world)
    result = run_job(job_named("sync_certificates"), now=datetime.now(UTC))
    assert result["competitions"][str(world["comp"].id)] == {"reissued": 2, "revoked": 0, "issued": 0}
    db.session.expire_all()
    after = _mine(world)
    assert after.id != before.id and after.award == "second" and after.replaces_id == before.id
    assert db.session.get(Certificate, before.id).revoked_code == "results_changed"
    assert _mine(world, "A03").id == unaffected.id  # unchanged facts keep their certificate
    # The holder sees the new one; the old number says revoked and points at the new one.
    auth.login_as("winner")
    page = _text(client.get("/certificates/mine"))
    assert "Second prize" in page and services.display_number(after.number) in page
    auth.logout()
    client.post("/lang", data={"lang": "en"})
    page = _text(client.get(f"/verify/{services.display_number(before.number)}"))
    assert 'data-state="revoked"' in page and "The final results were corrected (results version 2)" in page
    assert services.display_number(after.number) in page
    # A second run finds nothing to do.
    assert run_job(job_named("sync_certificates"), now=datetime.now(UTC) + timedelta(minutes=5)) == {
        "competitions": {}}


def test_certificates_follow_results_the_moment_they_become_final_again(world, client, auth):
    auth.login_as("westorg")
    _issue(client, world["comp"])
    before = _mine(world)
    corrected = _corrected_final_results(world, status="published")
    assert _mine(world).id == before.id  # published is not final: nothing changes yet
    results.finalize_results(corrected, actor_id=world["users"]["westorg"].id, now=datetime.now(UTC))
    db.session.commit()
    after = _mine(world)
    assert after.replaces_id == before.id and after.award == "second" and after.snapshot_version == 2


def _approve_honour(world, code="A01", title="海州市技术能手"):
    from competitions.promotion.models import PromotionFlag

    registration = world["regs"][code]
    flag = PromotionFlag(competition_id=world["comp"].id, event_id=world["event"].id,
                         registration_id=registration.id, worker_id=registration.worker_id, year=2026, kind="honour",
                         target=title, title=title, status="approved", decided_at=datetime.now(UTC))
    db.session.add(flag)
    db.session.commit()
    return flag


def test_approved_honour_titles_get_an_honour_certificate(world, client, auth, tmp_path):
    auth.login_as("westorg")
    _issue(client, world["comp"])
    flag = _approve_honour(world)
    # Approved after the awards were issued: the job issues the honour certificate on its own.
    result = run_job(job_named("sync_certificates"), now=datetime.now(UTC))
    assert result["competitions"][str(world["comp"].id)]["issued"] == 1
    honour = db.session.execute(select(Certificate).where(Certificate.kind == "honour")).scalar_one()
    assert honour.title == "海州市技术能手" and honour.name == "王𫖯" and honour.source == f"honour:{flag.id}"
    auth.login_as("winner", lang="zh")
    data = client.get(f"/certificates/{honour.id}.pdf?lang=zh").data
    text = _pdftotext(data, tmp_path)
    assert "荣誉证书" in text.replace(" ", "") and "“海州市技术能手”荣誉称号" in text and "王𫖯" in text
    _render(data, "certificate-honour-zh")
    # Withdrawn in the promotion review: the honour certificate is revoked.
    flag.status = "withdrawn"
    db.session.commit()
    run_job(job_named("sync_certificates"), now=datetime.now(UTC) + timedelta(minutes=5))
    db.session.expire_all()
    assert db.session.get(Certificate, honour.id).revoked_code == "not_called_for"


# --- batches ------------------------------------------------------------------------------------


def _run_batches():
    return run_job(job_named("certificate_batches"), now=datetime.now(UTC), period_key=f"t{datetime.now(UTC)}")


@pytest.mark.parametrize("fmt, processes", [("zip", 1), ("zip", 2), ("pdf", 1)])
def test_organizer_downloads_all_certificates_made_in_the_background(world, client, auth, app, fmt, processes,
                                                                      monkeypatch):
    from competitions.certificates import batches

    app.config["CERTIFICATE_BATCH_PROCESSES"] = processes
    monkeypatch.setattr(batches, "PROGRESS_EVERY", 2)  # three chunks of two: the worker pool has work to share
    auth.login_as("westorg")
    _issue(client, world["comp"])
    response = client.post(f"/certificates/competitions/{world['comp'].id}/batches",
                           data={"format": fmt, "language": "zh"})
    batch_url = response.headers["Location"]
    page = _text(client.get(batch_url))
    assert "Waiting for the scheduler" in page and 'http-equiv="refresh"' in page  # nothing made in the request
    batch = db.session.execute(select(CertificateBatch)).scalar_one()
    assert batch.status == "queued" and batch.total == 6
    # Asking again returns the same batch.
    client.post(f"/certificates/competitions/{world['comp'].id}/batches", data={"format": fmt, "language": "zh"})
    assert db.session.execute(select(func.count(CertificateBatch.id))).scalar() == 1
    assert _run_batches()["made"] == [batch.id]
    db.session.expire_all()
    page = _text(client.get(batch_url))
    assert "Ready." in page and 'http-equiv="refresh"' not in page
    download = client.get(f"{batch_url}/download")
    assert download.status_code == 200
    if fmt == "zip":
        archive = zipfile.ZipFile(io.BytesIO(download.data))
        names = archive.namelist()
        assert len(names) == 6 and all(name.endswith("-zh.pdf") for name in names)
        text = "".join(PdfReader(io.BytesIO(archive.read(n))).pages[0].extract_text() for n in names)
    else:
        reader = PdfReader(io.BytesIO(download.data))
        assert len(reader.pages) == 6
        text = "".join(p.extract_text() for p in reader.pages)
    assert all(name in text for name, *_rest in PEOPLE[:6]) and "周杰" not in text
    # Another organizer cannot open it, the winner neither.
    auth.login_as("eastorg")
    assert client.get(batch_url).status_code == 404
    auth.login_as("winner")
    assert client.get(f"{batch_url}/download").status_code == 403
    # A revocation makes the batch stale; the job deletes its file.
    auth.login_as("westorg")
    client.post(f"/certificates/{_mine(world).id}/revoke", data={"reason": "重复发放"})
    assert "no longer current" in _text(client.get(f"{batch_url}/download", follow_redirects=True))
    _run_batches()
    db.session.expire_all()
    assert db.session.get(CertificateBatch, batch.id).status == "stale"


def test_no_batch_before_certificates_are_issued(world, client, auth):
    auth.login_as("westorg")
    page = _text(client.post(f"/certificates/competitions/{world['comp'].id}/batches",
                             data={"format": "zip", "language": "zh"}, follow_redirects=True))
    assert "There are no certificates to download yet: issue them first." in page
    assert db.session.execute(select(func.count(CertificateBatch.id))).scalar() == 0


# --- design: seal and signatories, preview --------------------------------------------------------


def _png(size=(300, 300), color=(200, 20, 20)) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).ellipse((10, 10, size[0] - 10, size[1] - 10), outline=color, width=12)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _upload(client, org_id, data: bytes, name="seal.png", signatories="组委会主任：王建国\n裁判长：李明"):
    return client.post(f"/certificates/organizations/{org_id}/design", data={
        "issuer_name": "西区总工会（竞赛组委会）", "signatories": signatories,
        "seal": (io.BytesIO(data), name)}, content_type="multipart/form-data", follow_redirects=True)


@pytest.mark.parametrize("data, name, message", [
    (b"%PDF-1.4 not an image", "seal.png", "The file is not a readable image."),
    (b"GIF89a" + b"\0" * 100, "seal.gif", "The file is not a readable image."),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024 + 10), "big.png", "at most 2 MB is accepted"),
])
def test_a_bad_seal_is_refused_with_a_message_and_nothing_saved(world, client, auth, data, name, message):
    auth.login_as("westorg")
    page = _text(_upload(client, world["orgs"]["west"].id, data, name))
    assert message in page
    assert services.design_for(world["orgs"]["west"]) is None


def test_the_seal_page_states_one_limit_everywhere(world, client, auth):
    """The label, the file input's own check and the request cap all say 2 MB (the roster's 5 MB never shows)."""
    auth.login_as("westorg")
    url = f"/certificates/organizations/{world['orgs']['west'].id}/design"
    page = _text(client.get(url))
    assert "at most 2 MB)" in page and f'data-max-bytes="{2 * 1024 * 1024}"' in page
    assert "at most 2 MB can be uploaded" in page and "5 MB" not in page
    big = b"\x89PNG\r\n\x1a\n" + b"\0" * (3 * 1024 * 1024)  # above the seal's cap, below the roster's
    for headers in ({"Referer": f"http://localhost{url}"}, {}):  # with and without the browser's Referer
        answer = client.post(url, data={"seal": (io.BytesIO(big), "big.png")}, content_type="multipart/form-data",
                             headers=headers)
        assert answer.status_code == 303 and answer.headers["Location"].endswith(url), "back on the seal page"
        shown = _text(client.get(url))
        assert "The file is too large: at most 2 MB can be uploaded." in shown
    assert services.design_for(world["orgs"]["west"]) is None


def test_a_huge_image_is_refused_before_it_is_decoded(world, client, auth):
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (5000, 5000)).save(out, format="PNG")  # 25 megapixels in a few KB
    auth.login_as("westorg")
    assert "5000 × 5000 pixels" in _text(_upload(client, world["orgs"]["west"].id, out.getvalue()))


def test_signatories_must_read_role_and_name(world, client, auth):
    auth.login_as("westorg")
    page = _text(_upload(client, world["orgs"]["west"].id, _png(), signatories="王建国"))
    assert "Line 1: write each signatory as “role: name”." in page


def test_preview_shows_the_organizers_own_seal_before_issuing(world, client, auth, tmp_path):
    auth.login_as("westorg")
    page = _text(_upload(client, world["orgs"]["west"].id, _png()))
    assert "Saved." in page
    seal = client.get(f"/certificates/organizations/{world['orgs']['west'].id}/seal.png")
    assert seal.mimetype == "image/png"
    for lang in ("zh", "en"):
        data = client.get(f"/certificates/competitions/{world['comp'].id}/preview.pdf?lang={lang}").data
        text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
        assert "王𫖯" in text and {"zh": "样本", "en": "SPECIMEN"}[lang] in text and "王建国" in text
        assert b"/Subtype /Image" in data
        _render(data, f"certificate-preview-{lang}")
    assert db.session.execute(select(func.count(Certificate.id))).scalar() == 0  # a preview issues nothing
    _issue(client, world["comp"])
    certificate = _mine(world)
    assert certificate.seal_sha and certificate.signatories == [["组委会主任", "王建国"], ["裁判长", "李明"]]
    assert certificate.issuer == "西区总工会（竞赛组委会）"
    auth.login_as("eastorg")
    assert client.get(f"/certificates/organizations/{world['orgs']['west'].id}/design").status_code == 404


# --- command line -------------------------------------------------------------------------------


def test_cli_issues_verifies_and_exports(world, runner, tmp_path):
    result = runner.invoke(args=["certificates", "issue", str(world["comp"].id)])
    assert result.exit_code == 0 and "issued 6" in result.output
    number = services.display_number(_mine(world).number)
    assert runner.invoke(args=["certificates", "verify", number]).output.startswith("valid")
    out = tmp_path / "all.pdf"
    result = runner.invoke(args=["certificates", "export", str(world["comp"].id), "--format", "pdf",
                                 "--out", str(out)])
    assert result.exit_code == 0 and len(PdfReader(str(out)).pages) == 6
    result = runner.invoke(args=["certificates", "revoke", number, "--reason", "错发"])
    assert result.exit_code == 0
    assert runner.invoke(args=["certificates", "verify", number]).output.startswith("revoked")
    assert re.fullmatch(r"[A-Z0-9]:[0-9a-f]{64}\n", runner.invoke(args=["certificates", "new-key"]).output)
