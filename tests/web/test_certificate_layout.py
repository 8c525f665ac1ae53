"""Certificates whose texts never overlap, however long the name or union name (review M10).

Found: the Chinese certificate set "NAME 同志：" left and "工作单位：EMPLOYER" right on one baseline without a
width check, so a Uyghur name with its · and a branch company's union printed on top of each other. Checked as
a reader meets the page: pdftotext's word boxes must not overlap one another and must lie inside the border,
for a short and a long name in both languages; the pages are rendered with pdftoppm into tests/artifacts/.
The promotion roster, a sibling, must wrap a long name inside its column.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from competitions.certificates.pdf import PAGE, certificate_pdf
from competitions.certificates.services import Printable, certificate_text
from competitions.promotion.exports import RosterData
from competitions.promotion.pdf import roster_pdf
from tests.support import require

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
SHORT_NAME = "王伟明远"
LONG_NAME = "阿卜杜热合曼·买买提依明·艾尔肯江·吐尔洪·阿卜杜克热木江巴"  # 30 characters
LONG_UNION = "海州市轨道交通集团有限公司第三运营分公司工会委员会"
LONG_ISSUER = "海州市轨道交通集团有限公司第三运营分公司工会"
BORDER = 31  # the inner (gold) border, points from each edge


def _boxes(data: bytes, tmp_path) -> tuple[list[tuple[float, float, float, float, str]], float, float]:
    """(xMin, yMin, xMax, yMax, word) of every word on the first page (pdftotext -bbox), and the page size."""
    require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "run scripts/system-deps.sh")
    source = tmp_path / "doc.pdf"
    source.write_bytes(data)
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(source), "-"], check=True,
                         capture_output=True, text=True).stdout
    width, height = map(float, re.search(r'<page width="([\d.]+)" height="([\d.]+)"', out).groups())
    words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]
    return words, width, height


def _render(data: bytes, name: str) -> None:
    if shutil.which("pdftoppm") is None:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(ARTIFACTS / f"{name}.pdf"), str(ARTIFACTS / name)],
                   check=True)


def _overlaps(words) -> list[tuple[str, str]]:
    """Pairs of words whose boxes share more than a sliver (half a point each way)."""
    found = []
    for i, (ax0, ay0, ax1, ay1, a) in enumerate(words):
        for bx0, by0, bx1, by1, b in words[i + 1:]:
            if min(ax1, bx1) - max(ax0, bx0) > 0.5 and min(ay1, by1) - max(ay0, by0) > 0.5:
                found.append((a, b))
    return found


def _printable(kind: str, name: str, employer: str, issuer: str) -> Printable:
    return Printable(kind=kind, source=f"{kind}:1", number="1P124FMC5EAPQX09174T", name=name, employer=employer,
                     competition_name="2026年海州市职工职业技能大赛", event_name="电工", event_group="workers",
                     award="second", title="海州市技术能手", issuer=issuer, issue_date=date(2026, 11, 30))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", ["award", "honour"])
@pytest.mark.parametrize("name, employer, issuer", [
    (SHORT_NAME, "海州电力", "海州市总工会"),
    (LONG_NAME, LONG_UNION, LONG_ISSUER),
    (LONG_NAME, "海州电力", "海州市总工会"),
    (SHORT_NAME, LONG_UNION + LONG_UNION, "海州市总工会"),
], ids=["short", "long", "long-name", "very-long-union"])
def test_certificate_texts_never_overlap_and_stay_inside_the_border(app, tmp_path, lang, kind, name, employer,
                                                                     issuer):
    with app.test_request_context():
        text = certificate_text(_printable(kind, name, employer, issuer), lang, verify="https://example.org/v/1",
                                seal=None)
    data = certificate_pdf(text)
    words, width, height = _boxes(data, tmp_path)
    assert (width, height) == pytest.approx(PAGE, abs=1)
    joined = "".join(w[4] for w in words)
    assert name.replace(" ", "") in joined and employer in joined and issuer in joined  # nothing cut off
    assert _overlaps(words) == []
    outside = [w[4] for w in words if w[0] < BORDER or w[2] > width - BORDER or w[1] < BORDER
               or w[3] > height - BORDER]
    assert outside == []
    if kind == "award":
        _render(data, f"certificate-layout-{lang}-{len(name)}-{len(employer)}")


def test_promotion_roster_wraps_a_long_name_inside_its_column(tmp_path):
    headings = ("姓名", "身份证号", "工作单位", "项目", "名次", "成绩", "现等级", "晋升至", "依据", "状态")
    row = (LONG_NAME, "370202********2010", LONG_UNION, "电工", "1", "91.50", "中级工（四级）", "高级工（三级）",
           "青年职工第一名", "待审核")
    data = roster_pdf(RosterData(title="晋升名单", subtitle="海州市", headings=headings, rows=(row,),
                                 filename="roster.pdf"))
    words, width, _height = _boxes(data, tmp_path)
    assert _overlaps(words) == []
    assert all(w[2] <= width for w in words)
    _render(data, "promotion-roster-long-name")
