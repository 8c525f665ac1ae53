"""Table layout shared by the lists printed as PDF (check-in list, results notice).

* Every column gets a width so that the table fits the page's text width,
  whatever the number of scheme parts: narrow columns (place, code, figures)
  keep a fixed width, the text columns (name, employer) share what is left, and
  their cells wrap (a long minority name or a long union name takes two lines,
  never runs off the page). With many parts the font gets smaller first.
* A line drawn straight on a canvas (a certificate's name, employer, issuer)
  that would not fit its box is set smaller (``fitted_size``), never run into
  its neighbour or off the page.
* Pages carry "page n of m" in the reader's language, drawn after the whole
  document is laid out (reportlab's two-pass canvas recipe).

Plain data in, flowables out; nothing here queries the database.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from competitions.pdf_fonts import FontChain

# Minimum widths in points of the columns that wrap; narrow columns never shrink below their own width.
MIN_TEXT_WIDTH = 60.0


def column_widths(total: float, fixed: Sequence[float | None], shares: Sequence[float]) -> list[float]:
    """Widths (points) for columns that fit ``total``: ``fixed[i]`` for a fixed column, None for a text column.

    Text columns share what the fixed ones leave, in proportion to ``shares``
    (one share per text column, in order); when the fixed columns leave less
    than ``MIN_TEXT_WIDTH`` per text column, every fixed column is scaled down
    so the text columns get that minimum.
    """
    text_count = sum(1 for w in fixed if w is None)
    fixed_sum = sum(w for w in fixed if w is not None)
    room = total - fixed_sum
    scale = 1.0
    if text_count and room < MIN_TEXT_WIDTH * text_count:
        scale = (total - MIN_TEXT_WIDTH * text_count) / fixed_sum
        room = MIN_TEXT_WIDTH * text_count
    elif not text_count and fixed_sum > total:
        scale = total / fixed_sum
    share_sum = sum(shares) or 1.0
    shares_iter = iter(shares)
    widths = []
    for w in fixed:
        widths.append(w * scale if w is not None else room * next(shares_iter) / share_sum)
    return widths


def fitted_size(fonts: FontChain, text: str, size: float, measure: float, minimum: float = 8.0) -> float:
    """The font size (points) at which ``text`` fits ``measure`` points: ``size`` if it fits, else smaller.

    Never below ``minimum``: a box that cannot hold the text even then is a
    layout to change (another line), which the caller decides.
    """
    width = fonts.width(text, size)
    if width <= measure or not width:
        return size
    return max(minimum, size * measure / width)


def wrapping_style(fonts: FontChain, size: float, *, align: int = 0, name: str = "cell") -> ParagraphStyle:
    """A table cell style that wraps Chinese text anywhere and Latin text at spaces (``cell`` picks)."""
    return ParagraphStyle(name, fontName=fonts.primary, fontSize=size, leading=size * 1.3, alignment=align,
                          wordWrap="CJK")


_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_LATIN_STYLES: dict[int, ParagraphStyle] = {}


def _latin(style: ParagraphStyle) -> ParagraphStyle:
    """``style`` wrapping at spaces: reportlab's CJK wrapping breaks Latin words anywhere ("Workers (person|s)")."""
    found = _LATIN_STYLES.get(id(style))
    if found is None or found.parent is not style:
        found = _LATIN_STYLES[id(style)] = ParagraphStyle(f"{style.name}-latin", parent=style, wordWrap=None)
    return found


def cell(fonts: FontChain, text: object, style: ParagraphStyle) -> Paragraph:
    """A wrapping table cell for ``text`` through the font chain: Chinese wraps anywhere, text without Chinese at
    spaces."""
    text = "" if text is None else str(text)
    if style.wordWrap == "CJK" and not _CJK.search(text):
        style = _latin(style)
    return Paragraph(fonts.markup(text), style)


def numbered_canvas(fonts: FontChain, label: str, size: float = 8.5):
    """A canvas class that draws ``label % {"page": n, "pages": m}`` centred at the foot of every page."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            pages = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                width, _height = self._pagesize
                text = label % {"page": self._pageNumber, "pages": pages}
                fonts.draw(self, width / 2, 18, text, size, align="centre")
                super().showPage()
            super().save()

    return NumberedCanvas
