"""The Chinese font every PDF uses, registered once per process.

reportlab's built-in fonts cannot draw Chinese. reportlab embeds TrueType
fonts only (glyf outlines); Noto Sans CJK ships CFF outlines, which it refuses,
so WenQuanYi Micro Hei (Debian's fonts-wqy-microhei, installed by
scripts/system-deps.sh) comes first. Without any usable TrueType CJK font the
Adobe CID font STSong-Light is used: every PDF reader supplies it, but it is not
embedded, which is why the PDF tests check that a TrueType font was found.
"""

from __future__ import annotations

import threading

FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
)
EMBEDDED_NAME = "CompetitionsCJK"
CID_FALLBACK = "STSong-Light"
_lock = threading.Lock()
_registered: str | None = None


def cjk_font() -> str:
    """Register the Chinese font on first use and return its reportlab name."""
    global _registered
    with _lock:
        if _registered is None:
            _registered = _register()
        return _registered


def is_embedded(font_name: str) -> bool:
    """True when ``font_name`` is a TrueType font that PDFs embed (not the CID fallback)."""
    return font_name == EMBEDDED_NAME


def _register() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    for path, index in FONT_CANDIDATES:
        try:
            pdfmetrics.registerFont(TTFont(EMBEDDED_NAME, path, subfontIndex=index))
            return EMBEDDED_NAME
        except Exception:  # noqa: BLE001 - a missing or unreadable font file: try the next one
            continue
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return CID_FALLBACK
