"""Every PDF embeds a real Chinese TrueType font (so it prints the same on any machine)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from competitions import pdf_fonts
from competitions.registration.pdf import CheckinSheet, checkin_pdf
from tests.support import require


def test_a_truetype_cjk_font_is_registered_and_embedded():
    font = pdf_fonts.cjk_font()
    require("a TrueType CJK font (fonts-wqy-microhei)", pdf_fonts.is_embedded(font),
            "only the non-embedded CID fallback is available; run scripts/system-deps.sh")
    data = checkin_pdf(CheckinSheet(title="检录表", subtitle="电工 职工组", headers=("赛位号", "姓名", "签名"),
                                    rows=(("1", "张伟", ""),)))
    assert b"/FontFile2" in data  # an embedded TrueType font program
    assert "张伟" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
