"""Certificates: render rate per core against a bare reportlab page, file size, and a whole batch.

Three figures, measured in the same run:

* **Rate**: ``n`` award certificates (1,000; ``--quick`` 200) drawn by
  ``certificates.pdf.certificate_pdf`` — each its own PDF with the embedded
  font subset (WenQuanYi; Hanazono for the one name in fifty with a rare
  character), the QR code of its verification URL and a seal image — from
  plain data of varied names, employers and prizes. ``per_core_per_second`` is
  ``n`` / CPU seconds of this process (``time.process_time``), so other work
  on the machine does not count against it. Target ≥ 120.
* **Baseline**: the same texts drawn with ``canvas.drawString`` in the same
  font file registered as a plain reportlab ``TTFont`` (no fallback chain, no
  QR code, no seal, no border), one page per PDF, also per CPU second.
  ``ratio_to_bare_page`` = rate / baseline rate. Target ≥ 0.5.
* **Batch**: a competition with 2,000 active certificates (``--quick`` 200) in
  a fresh SQLite database; an organizer's batch is queued and made by the
  scheduler's job function (``batches.run_queued``) as a zip and as one
  combined PDF: wall seconds from the job's start to the finished file.
  Target < 60 s each.

File sizes: every single certificate under 100 KB (``max_file_bytes``).
"""

from __future__ import annotations

import io
import random
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bench import say

NAME = "certificates"
DESCRIPTION = "Award certificate PDFs (font subset, QR code, seal) per CPU second vs a bare reportlab page; " \
              "a 2,000-certificate batch as zip and as one PDF through the scheduler's job."

RATE_TARGET = 120.0
RATIO_TARGET = 0.5
SIZE_TARGET = 100 * 1024
BATCH_TARGET_S = 60.0

FAMILY = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
          "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力鹏飞斌宇浩凯健俊帆帅旭宁晨阳博"
RARE = ("𫖯", "䶮", "𬭎", "堃", "喆", "昇")
EMPLOYERS = ("海州市电力公司", "海州重型机床厂", "海州港务集团有限公司", "东区自来水公司", "海州市第一建筑工程有限公司",
             "西区轨道交通运营公司")
PRIZES = ("first", "second", "third")


def _people(n: int, seed: int = 13) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    people = []
    for i in range(n):
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if i % 50 == 7:
            given = rng.choice(RARE)
        people.append((rng.choice(FAMILY) + given, rng.choice(EMPLOYERS), PRIZES[min(2, i % 6 // 2)]))
    return people


def _seal() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (400, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((12, 12, 388, 388), outline=(200, 20, 20), width=14)
    draw.regular_polygon((200, 200, 60), 5, fill=(200, 20, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    from competitions.certificates.seal import check_seal

    return check_seal(out.getvalue()).png


def _texts(n: int, seal: bytes):
    from competitions.certificates import services
    from competitions.domain.certificate_numbers import new_number

    texts = []
    for name, employer, prize in _people(n):
        number = new_number("A", b"bench-key-0000000001").compact
        item = services.Printable("award", "award:1", number, name, employer, "2026年海州市“振兴杯”青年职工技能竞赛",
                                  "电工", "workers", prize, "", "海州市总工会", date(2026, 12, 30),
                                  (("组委会主任", "王建国"), ("裁判长", "李明")), "bench-seal")
        texts.append(services.certificate_text(item, "zh", verify=services.verify_url(number, "https://jingsai.example.cn"),
                                               seal=seal))
    return texts


def _rate(texts) -> dict:
    from competitions.certificates.pdf import certificate_pdf

    certificate_pdf(texts[0])  # fonts loaded, seal decoded: not part of the rate
    sizes = []
    cpu, wall = time.process_time(), time.perf_counter()
    for text in texts:
        sizes.append(len(certificate_pdf(text)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"n": len(texts), "cpu_s": round(cpu, 3), "wall_s": round(wall, 3),
            "per_core_per_second": round(len(texts) / cpu, 1), "max_file_bytes": max(sizes),
            "mean_file_bytes": round(sum(sizes) / len(sizes))}


def _bare(texts) -> dict:
    """The same strings, drawn with drawString in the same font file as a plain reportlab TTFont."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    from competitions.certificates.pdf import PAGE
    from competitions.pdf_fonts import font_chain

    member = font_chain().members[0]
    pdfmetrics.registerFont(TTFont("BenchBare", member.path, subfontIndex=member.index))

    def strings(t):
        return (t.title, t.name, t.salutation, t.body, t.highlight, t.closing, t.employer_line, t.issuer, t.date,
                t.number_label, t.number, t.verify_hint, *(f"{r}：{n}" for r, n in t.signatories))

    def page(t) -> bytes:
        out = io.BytesIO()
        canvas = Canvas(out, pagesize=PAGE, pageCompression=1)
        y = 520
        for s in strings(t):
            canvas.setFont("BenchBare", 16)
            canvas.drawString(60, y, s.replace("\n", " "))
            y -= 34
        canvas.showPage()
        canvas.save()
        return out.getvalue()

    page(texts[0])
    cpu, wall = time.process_time(), time.perf_counter()
    for text in texts:
        page(text)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"n": len(texts), "cpu_s": round(cpu, 3), "wall_s": round(wall, 3),
            "per_core_per_second": round(len(texts) / cpu, 1)}


def _cpu_with_children() -> float:
    """CPU seconds of this process and of the zip batch's drawing processes (as they report them)."""
    from competitions.certificates import batches

    return time.process_time() + batches.worker_cpu_seconds


def _batch(n: int, seal_png: bytes) -> dict:
    """A competition with ``n`` active certificates; the scheduler's job makes a zip and a combined PDF."""
    import hashlib

    from competitions import create_app
    from competitions.certificates import batches
    from competitions.certificates.models import Certificate, CertificateBatch, CertificateSeal
    from competitions.domain.certificate_numbers import new_number
    from competitions.extensions import db
    from competitions.organize import services as organize
    from competitions.orgs.services import create_organization

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                                     "CERTIFICATE_BATCH_DIR": str(Path(tmp) / "batches"),
                                     "PUBLIC_BASE_URL": "https://jingsai.example.cn"})
        with app.app_context():
            db.create_all()
            city = create_organization(name="海州市总工会", kind="federation", parent_id=None)
            comp = organize.create_competition(organize.CompetitionData(
                name="2026年海州市“振兴杯”青年职工技能竞赛", year=2026, level="city", competition_class="I",
                kind="skills", organization_id=city.id, starts_on=date(2026, 12, 15), ends_on=date(2026, 12, 17),
                registration_opens_at=None, registration_closes_at=None),
                created_by_id=None)
            sha = hashlib.sha256(seal_png).hexdigest()
            db.session.add(CertificateSeal(sha256=sha, png=seal_png, width=400, height=400))
            db.session.flush()
            key_id, key = "B", app.config["CERTIFICATE_KEYS"].split(",")[1].split(":", 1)[1].encode()
            now = datetime.now(UTC)
            db.session.add_all([Certificate(
                number=new_number(key_id, key).compact, kind="award", source=f"award:{i}", active_source=f"award:{i}",
                competition_id=comp.id, name=name, employer=employer, competition_name=comp.name, event_name="电工",
                event_group="workers", award=prize, issuer=city.name, issue_date=date(2026, 12, 30), seal_sha=sha,
                signatories=[["组委会主任", "王建国"]], issued_at=now) for i, (name, employer, prize)
                in enumerate(_people(n, seed=29))])
            db.session.commit()
            for fmt in ("zip", "pdf"):
                batch = CertificateBatch(competition_id=comp.id, format=fmt, language="zh", status="queued", total=n,
                                         base_url="https://jingsai.example.cn")
                db.session.add(batch)
                db.session.commit()
                say(f"certificates: batch of {n} as {fmt}")
                started, cpu = time.perf_counter(), _cpu_with_children()
                made = batches.run_queued(now=datetime.now(UTC), watch_seconds=0)
                seconds, cpu = time.perf_counter() - started, _cpu_with_children() - cpu
                db.session.expire_all()
                row = db.session.get(CertificateBatch, batch.id)
                results[fmt] = {"seconds": round(seconds, 2), "cpu_s": round(cpu, 2),
                                "processes": batches.batch_processes() if fmt == "zip" else 1,
                                "status": row.status, "made": made["made"],
                                "file_bytes": row.size, "certificates": row.done}
            db.session.remove()
            db.engine.dispose()
    return results


def run(quick: bool) -> dict:
    """Measure the rate, the baseline and the batches (see the module docstring)."""
    from competitions import create_app

    n, batch_n = (200, 200) if quick else (1000, 2000)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context(), app.test_request_context():
        seal = _seal()
        texts = _texts(n, seal)
        say(f"certificates: {n} single certificates")
        ours = _rate(texts)
        say("certificates: bare reportlab pages")
        bare = _bare(texts)
    batch = _batch(batch_n, seal)
    ratio = round(ours["per_core_per_second"] / bare["per_core_per_second"], 2)
    return {
        "single": ours, "bare_reportlab_page": bare, "ratio_to_bare_page": ratio, "batch": batch,
        "targets": {"per_core_per_second": RATE_TARGET, "ratio_to_bare_page": RATIO_TARGET,
                    "max_file_bytes": SIZE_TARGET, "batch_seconds": BATCH_TARGET_S},
        "targets_met": (ours["per_core_per_second"] >= RATE_TARGET and ratio >= RATIO_TARGET
                        and ours["max_file_bytes"] < SIZE_TARGET
                        and all(b["seconds"] < BATCH_TARGET_S and b["status"] == "done" for b in batch.values())),
    }
