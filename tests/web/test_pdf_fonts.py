"""Every PDF embeds real Chinese TrueType fonts and prints every character of a name.

Names with characters from CJK extension A (䶮) and beyond U+FFFF (𫖯, 𬭎) are
checked the way a reader meets them: the page is rendered with pdftoppm (a
glyph is drawn, not an empty box or nothing) and its text is extracted with
pypdf and pdftotext (copying or searching the name finds it).
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from competitions import pdf_fonts
from competitions.registration.pdf import CheckinSheet, checkin_pdf
from competitions.results.exports import EventTable, ResultsData
from competitions.results.pdf import results_pdf
from tests.support import require

RARE_NAMES = ("王𫖯", "刘䶮", "张𬭎")


def _require_fonts():
    chain = pdf_fonts.font_chain()
    require("a TrueType CJK font (fonts-wqy-microhei)", pdf_fonts.is_embedded(chain.primary),
            "only the non-embedded CID fallback is available; run scripts/system-deps.sh")
    require("fonts-hanazono (CJK extensions A and B)", not chain.missing("".join(RARE_NAMES)),
            "run scripts/system-deps.sh to install fonts-hanazono")


def _pdftotext(data: bytes, tmp_path) -> str:
    require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "run scripts/system-deps.sh")
    source = tmp_path / "page.pdf"
    source.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True,
                          text=True).stdout


def _ink(data: bytes, tmp_path, dpi: int = 40) -> int:
    """Dark pixels on the first page, rendered by pdftoppm as a reader's viewer would."""
    from PIL import Image

    require("pdftoppm (poppler-utils)", shutil.which("pdftoppm") is not None, "run scripts/system-deps.sh")
    source = tmp_path / "ink.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-gray", "-png", "-r", str(dpi), "-singlefile", str(source),
                    str(tmp_path / "ink")], check=True)
    with Image.open(tmp_path / "ink.png") as image:
        return sum(count for value, count in enumerate(image.histogram()) if value < 128)


def _one_line(text: str) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=(400, 120))
    pdf_fonts.font_chain().draw(page, 20, 40, text, 60)
    page.save()
    return out.getvalue()


def test_a_truetype_cjk_font_is_registered_and_embedded():
    _require_fonts()
    data = checkin_pdf(CheckinSheet(title="检录表", subtitle="电工 职工组", headers=("赛位号", "姓名", "签名"),
                                    rows=(("1", "张伟", ""),)))
    assert b"/FontFile2" in data  # an embedded TrueType font program
    assert "张伟" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_checkin_pdf_prints_and_maps_back_every_character_of_rare_names(tmp_path):
    _require_fonts()
    rows = tuple((str(n), f"A0{n}", name, "110***********1234", "海州市电力公司", "") for n, name in
                 enumerate(RARE_NAMES, 1))
    data = checkin_pdf(CheckinSheet(title="检录表 · 王𫖯", subtitle="电工", headers=(
        "赛位号", "加密号", "姓名", "身份证号", "工作单位", "签名"), rows=rows))
    extracted = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    poppler = _pdftotext(data, tmp_path)
    for name in RARE_NAMES:
        assert name in extracted and name in poppler
    assert "检录表 · 王𫖯" in poppler


def test_results_pdf_prints_rare_names_in_table_cells(tmp_path):
    _require_fonts()
    rows = tuple({"rank": str(n), "code": f"A0{n}", "name": name, "employer": "西区电力公司䶮工会",
                  "parts": ["80.00"], "deductions": "", "time": "", "total": "80.00", "prize": "一等奖"}
                 for n, name in enumerate(RARE_NAMES, 1))
    headings = {key: key for key in ("rank", "code", "name", "employer", "deductions", "time", "total", "prize",
                                     "team_standing", "individual_standing", "team", "members", "team_score")}
    data = results_pdf(ResultsData(title="成绩公示", subtitle="最终", headings=headings, revealed=True,
                                   events=(EventTable("电工 · 职工组", ("P",), ("技能操作",), rows),)))
    poppler = _pdftotext(data, tmp_path)
    extracted = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    for name in RARE_NAMES:
        assert name in poppler and name in extracted
    assert "西区电力公司䶮工会" in poppler


@pytest.mark.parametrize("character", ["𫖯", "䶮", "𬭎"])
def test_a_rare_character_is_drawn_as_its_own_glyph(character, tmp_path):
    _require_fonts()
    ink = _ink(_one_line(character), tmp_path)
    # Before the chain these drew nothing; the geta mark 〓 is what a missing glyph looks like.
    assert ink > 150
    assert ink != _ink(_one_line(pdf_fonts.MISSING_MARK), tmp_path)
    assert _pdftotext(_one_line(character), tmp_path).strip() == character


def test_pdffonts_lists_the_fallback_fonts_embedded_as_subsets(tmp_path):
    _require_fonts()
    require("pdffonts (poppler-utils)", shutil.which("pdffonts") is not None, "run scripts/system-deps.sh")
    source = tmp_path / "fonts.pdf"
    source.write_bytes(_one_line("王𫖯刘䶮"))
    listing = subprocess.run(["pdffonts", str(source)], check=True, capture_output=True, text=True).stdout
    fonts = [line.split() for line in listing.splitlines()[2:] if "+" in line]  # subsets (not the page default)
    assert any("WenQuanYi" in f[0] for f in fonts) and any("HanaMin" in f[0] for f in fonts)
    assert all(f[-5:-2] == ["yes", "yes", "yes"] for f in fonts)  # embedded, subset, ToUnicode


def test_a_character_no_font_has_prints_a_visible_mark_and_is_logged(caplog):
    chain = pdf_fonts.font_chain()
    require("a TrueType CJK font", bool(chain.members), "run scripts/system-deps.sh")
    unknown = "\U000f0001"  # private use plane: no font of the chain has it
    with caplog.at_level(logging.WARNING, logger="competitions.pdf_fonts"):
        runs = chain.runs(f"王{unknown}")
    assert "".join(chunk for _font, chunk in runs) == f"王{pdf_fonts.MISSING_MARK}"
    assert chain.missing(f"王{unknown}") == unknown
    assert "U+F0001" in caplog.text


def test_a_configured_font_that_cannot_be_used_is_reported_and_skipped(tmp_path, caplog):
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    try:
        for path, reason in ((str(broken), "cannot be embedded"), (str(tmp_path / "gone.ttf"), "no such file")):
            pdf_fonts.configure(path)
            with caplog.at_level(logging.WARNING, logger="competitions.pdf_fonts"):
                chain = pdf_fonts.font_chain()
            assert any(reason in problem for problem in chain.problems)
            assert reason in caplog.text
            data = checkin_pdf(CheckinSheet(title="检录表", subtitle="", headers=("姓名",), rows=(("张伟",),)))
            assert "张伟" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    finally:
        pdf_fonts.configure(None)


def test_a_configured_font_comes_first():
    require("WenQuanYi Micro Hei", shutil.os.path.exists(pdf_fonts.DEBIAN_FONTS[0][0]), "run scripts/system-deps.sh")
    hanazono = "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"
    require("fonts-hanazono", shutil.os.path.exists(hanazono), "run scripts/system-deps.sh")
    try:
        pdf_fonts.configure(hanazono)
        chain = pdf_fonts.font_chain()
        assert chain.members[0].path == hanazono and chain.runs("王𫖯") == [(chain.primary, "王𫖯")]
    finally:
        pdf_fonts.configure(None)
