"""Certificates as PDF: plain data in, bytes out (never a database query).

The page follows the Chinese award certificate as unions print it: A4
landscape, a double red border, the title large and spaced at the top, the
holder's name set large, the award on a line of its own, the issuer and the
date (in Chinese numerals, 二〇二六年十一月二十九日) bottom right under the seal,
and bottom left the certificate number with a QR code to the public
verification page. The English version centres the same facts.

Speed matters (a city's contest issues thousands at once): everything is drawn
straight on a canvas — no platypus — with the font chain of
``competitions/pdf_fonts.py`` (embedded subset; rare characters of a name fall
back per character), and the QR code is one filled path: the matrix comes from
the maintained ``qrcode`` encoder with its version and mask fixed per length
(choosing the mask by penalty scoring costs four times the encoding; any mask
is valid), and each row's dark runs become rectangles of a single path.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from competitions.pdf_fonts import FontChain, font_chain
from competitions.pdf_layout import fitted_size

PAGE = landscape(A4)  # 841.9 x 595.3 pt
RED = HexColor("#a3201c")
GOLD = HexColor("#b8892b")
INK = HexColor("#1f1f1f")
GREY = HexColor("#5a5a5a")
WATERMARK = Color(0.6, 0.6, 0.6, alpha=0.25)
_CLOSING_PUNCTUATION = set("，。、：；！？）」』”’》〉,.;:!?)")


@dataclass(frozen=True)
class CertificateText:
    """Everything printed on one certificate, already in its language (``zh`` or ``en``).

    ``salutation`` follows the name in Chinese (同志：) and precedes it in
    English (This is to certify that); ``highlight`` is the award or title on
    its own line; ``signatories`` are (role, name) pairs; ``seal_png`` an RGBA
    PNG stamped over the issuer and date; ``watermark`` marks a preview.
    """

    language: str
    title: str
    name: str
    salutation: str
    body: str
    highlight: str
    closing: str
    employer_line: str
    issuer: str
    date: str
    number_label: str
    number: str
    verify_hint: str
    verify_url: str
    signatories: tuple[tuple[str, str], ...] = ()
    seal_png: bytes | None = field(default=None, repr=False)
    seal_key: str = ""
    watermark: str = ""


def certificate_pdf(text: CertificateText) -> bytes:
    """One certificate as a one-page PDF."""
    out = io.BytesIO()
    certificates_pdf([text], out)
    return out.getvalue()


def certificates_pdf(texts: Iterable[CertificateText], out, progress: Callable[[int], None] | None = None,
                     every: int = 50) -> int:
    """Many certificates as one PDF written to ``out`` (a file or buffer), one page each; returns the page count.

    The pages share one embedded font subset and one copy of each seal, so a
    combined file is far smaller than the single files together.
    ``progress(pages_done)`` is called every ``every`` pages.
    """
    fonts = font_chain()
    canvas = Canvas(out, pagesize=PAGE, pageCompression=1)
    pages = 0
    for text in texts:
        canvas.setTitle(text.title)
        draw_certificate(canvas, text, fonts)
        canvas.showPage()
        pages += 1
        if progress is not None and pages % every == 0:
            progress(pages)
    canvas.save()
    return pages


def draw_certificate(canvas: Canvas, text: CertificateText, fonts: FontChain | None = None) -> None:
    """Draw one certificate on the canvas's current page."""
    fonts = fonts or font_chain()
    width, height = PAGE
    _border(canvas, width, height)
    if text.watermark:
        _watermark(canvas, fonts, text.watermark, width, height)
    canvas.setFillColor(RED)
    if text.language == "zh":
        _title(canvas, fonts, text.title, width / 2, height - 118, 46, spacing=18)
        _body_zh(canvas, fonts, text, width, height)
    else:
        _title(canvas, fonts, text.title, width / 2, height - 112, 38, spacing=2)
        _body_en(canvas, fonts, text, width, height)
    _footer(canvas, fonts, text, width)


def _border(canvas: Canvas, width: float, height: float) -> None:
    canvas.setStrokeColor(RED)
    canvas.setLineWidth(3)
    canvas.rect(22, 22, width - 44, height - 44)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.8)
    canvas.rect(31, 31, width - 62, height - 62)
    canvas.setFillColor(GOLD)
    for x, y in ((31, 31), (width - 31, 31), (31, height - 31), (width - 31, height - 31)):
        canvas.rect(x - 4, y - 4, 8, 8, stroke=0, fill=1)


def _watermark(canvas: Canvas, fonts: FontChain, mark: str, width: float, height: float) -> None:
    canvas.saveState()
    canvas.setFillColor(WATERMARK)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(24)
    fonts.draw(canvas, 0, -30, mark, 84, align="centre")
    canvas.restoreState()


def _title(canvas: Canvas, fonts: FontChain, title: str, x: float, y: float, size: float, spacing: float) -> None:
    """The title centred at (x, y), its characters spread by ``spacing`` points as certificates set it."""
    runs = fonts.runs(title)
    total = fonts.width(title, size) + spacing * (len(title) - 1)
    canvas.saveState()  # the character spacing is graphics state: it must not reach the lines after the title
    text = canvas.beginText(x - total / 2, y)
    text.setCharSpace(spacing)
    for font, chunk in runs:
        text.setFont(font, size)
        text.textOut(chunk)
    canvas.drawText(text)
    canvas.restoreState()


def _body_zh(canvas: Canvas, fonts: FontChain, text: CertificateText, width: float, height: float) -> None:
    """Name and 同志： top left, 工作单位 right on the same line when both fit, else on a line of its own.

    A long name (a Uyghur name with its ·, a roster paste) is set smaller to fit
    the measure; a long union name moves under the name and is set smaller
    only if even its own line is too short. Nothing overlaps (review M10).
    """
    left, right = 112, width - 112
    measure = right - left
    y = height - 200
    salutation = fonts.width(text.salutation, 19) + 6
    name_size = fitted_size(fonts, text.name, 30, measure - salutation, minimum=12)
    name_width = fonts.width(text.name, name_size) + salutation
    employer_width = fonts.width(text.employer_line, 13) if text.employer_line else 0.0
    own_line = bool(text.employer_line) and name_width + 24 + employer_width > measure
    name_y = y + 10 if own_line else y
    canvas.setFillColor(INK)
    drawn = fonts.draw(canvas, left, name_y, text.name, name_size)
    fonts.draw(canvas, left + drawn + 6, name_y, text.salutation, 19)
    if text.employer_line:
        canvas.setFillColor(GREY)
        if own_line:
            fonts.draw(canvas, right, y - 20, text.employer_line,
                       fitted_size(fonts, text.employer_line, 13, measure), align="right")
            y -= 12
        else:
            fonts.draw(canvas, right, y, text.employer_line, 13, align="right")
        canvas.setFillColor(INK)
    y -= 48
    size, indent = _body_size(fonts, text.body, 19, measure, indent=38, most=3)
    leading = size * 34 / 19
    for number, line in enumerate(wrap(fonts, text.body, size, measure, first_indent=indent)):
        fonts.draw(canvas, left + (indent if number == 0 else 0), y, line, size)
        y -= leading
    y -= 14
    canvas.setFillColor(RED)
    _highlight(canvas, fonts, text.highlight, width / 2, y, 34, measure)
    y -= 56
    canvas.setFillColor(INK)
    if text.closing:
        fonts.draw(canvas, left + 38, y, text.closing, 19)


def _body_size(fonts: FontChain, body: str, size: float, measure: float, *, indent: float,
               most: int) -> tuple[float, float]:
    """The largest size (down to 12 pt) at which ``body`` takes at most ``most`` lines, and its first indent.

    A long competition and event name is set smaller rather than cut off after the last line.
    """
    while size > 12 and len(wrap(fonts, body, size, measure, first_indent=indent)) > most:
        indent = indent * (size - 1) / size  # the first-line indent stays two characters wide
        size -= 1
    return size, indent


def _body_en(canvas: Canvas, fonts: FontChain, text: CertificateText, width: float, height: float) -> None:
    centre, measure = width / 2, width - 240
    y = height - 168
    canvas.setFillColor(GREY)
    fonts.draw(canvas, centre, y, text.salutation, 16, align="centre")
    y -= 48
    canvas.setFillColor(INK)
    _highlight(canvas, fonts, text.name, centre, y, 32, measure)
    y -= 26
    if text.employer_line:
        canvas.setFillColor(GREY)
        fonts.draw(canvas, centre, y, text.employer_line, fitted_size(fonts, text.employer_line, 13, measure),
                   align="centre")
    y -= 34
    canvas.setFillColor(INK)
    size, _indent = _body_size(fonts, text.body, 16, measure, indent=0, most=4)
    for line in wrap(fonts, text.body, size, measure):
        fonts.draw(canvas, centre, y, line, size, align="centre")
        y -= size * 25 / 16
    y -= 22
    canvas.setFillColor(RED)
    _highlight(canvas, fonts, text.highlight, centre, y, 30, measure)
    if text.closing:
        canvas.setFillColor(GREY)
        fonts.draw(canvas, centre, y - 40, text.closing, 14, align="centre")


def _highlight(canvas: Canvas, fonts: FontChain, line: str, x: float, y: float, size: float, measure: float) -> None:
    """One line centred at (x, y) at ``size``, smaller when it would not fit ``measure``."""
    fonts.draw(canvas, x, y, line, fitted_size(fonts, line, size, measure, minimum=12), align="centre")


def _footer(canvas: Canvas, fonts: FontChain, text: CertificateText, width: float) -> None:
    qr_size, qr_x, qr_y = 66, 70, 76
    canvas.setFillColor(INK)
    draw_qr(canvas, text.verify_url, qr_x, qr_y, qr_size)
    canvas.setFillColor(GREY)
    fonts.draw(canvas, qr_x + qr_size + 10, qr_y + qr_size - 12, text.verify_hint, 10)
    fonts.draw(canvas, qr_x + qr_size + 10, qr_y + qr_size - 28, text.number_label, 10)
    canvas.setFillColor(INK)
    fonts.draw(canvas, qr_x + qr_size + 10, qr_y + qr_size - 44, text.number, 11)
    issuer_x = width - 190
    if text.signatories:
        canvas.setFillColor(INK)
        y = 150 + 18 * (len(text.signatories) - 1)
        for role, name in text.signatories[:3]:
            fonts.draw(canvas, issuer_x - 150, y, f"{role}{'：' if text.language == 'zh' else ': '}{name}", 12)
            y -= 18
    canvas.setFillColor(INK)
    # the issuer is centred under the seal: a branch union's long name is set smaller, never over the border
    fonts.draw(canvas, issuer_x, 104, text.issuer, fitted_size(fonts, text.issuer, 16, 2 * (width - 48 - issuer_x)),
               align="centre")
    fonts.draw(canvas, issuer_x, 80, text.date, 14, align="centre")
    if text.seal_png:
        seal = _seal_image(text.seal_key or str(hash(text.seal_png)), text.seal_png)
        side = 118
        canvas.saveState()
        canvas.setBlendMode("Multiply")  # ink on paper: the red darkens what is under it, white leaves it
        canvas.drawImage(seal, issuer_x - side / 2, 92 - side / 2, side, side, preserveAspectRatio=True,
                         anchor="c")
        canvas.restoreState()


_seals: dict[str, str] = {}


def _seal_image(key: str, png: bytes) -> str:
    """The seal as a JPEG file on white, made once per process, stamped with the Multiply blend mode.

    A stamp is ink on paper, so multiplying gives what a real one does — the
    text under it stays readable, the white around it vanishes — without an
    alpha channel. reportlab copies a JPEG file into each PDF as it is and
    knows it again by its name; a PNG with transparency would be decoded,
    hashed and deflated again for every certificate (five milliseconds each,
    as much as the rest of the page).
    """
    path = _seals.get(key)
    if path is None or not os.path.exists(path):
        from PIL import Image

        with Image.open(io.BytesIO(png)) as image:
            rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        folder = os.path.join(tempfile.gettempdir(), f"competitions-seals-{os.getuid()}")
        os.makedirs(folder, mode=0o700, exist_ok=True)
        digest = hashlib.sha256(png).hexdigest()
        path = os.path.join(folder, f"{digest}.jpg")
        partial = f"{path}.{os.getpid()}.part"
        paper.save(partial, format="JPEG", quality=90)
        os.replace(partial, path)
        _seals[key] = path
    return path


def wrap(fonts: FontChain, text: str, size: float, measure: float, first_indent: float = 0) -> list[str]:
    """``text`` broken into lines no wider than ``measure`` (the first ``first_indent`` narrower).

    Chinese breaks between any two characters, English between words; a
    closing punctuation mark never starts a line (it stays with the character
    before it, as Chinese typesetting requires). A newline always breaks.
    """
    if "\n" in text:
        lines = []
        for number, part in enumerate(text.split("\n")):
            lines += wrap(fonts, part, size, measure, first_indent if number == 0 else 0)
        return lines
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ch.isascii() and not ch.isspace():
            word += ch
            continue
        if word:
            tokens.append(word)
            word = ""
        if ch in _CLOSING_PUNCTUATION and tokens:
            tokens[-1] += ch
        else:
            tokens.append(ch)
    if word:
        tokens.append(word)
    lines: list[str] = []
    line, line_width, limit = "", 0.0, measure - first_indent
    for token in tokens:
        token_width = fonts.width(token, size)
        if line and line_width + token_width > limit and not token.isspace():
            lines.append(line.rstrip())
            line, line_width, limit = "", 0.0, measure
            token = token.lstrip()
            token_width = fonts.width(token, size)
        if not line and token.isspace():
            continue
        line += token
        line_width += token_width
    if line.strip():
        lines.append(line.rstrip())
    return lines


@lru_cache(maxsize=16)
def _qr_version(length: int) -> int:
    """The smallest QR version holding ``length`` bytes at error level M (asked of the encoder once per length)."""
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data("x" * length, optimize=0)
    code.make(fit=True)
    return code.version


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR code of ``data`` (error level M, no quiet zone) as rows of dark (True) modules."""
    import qrcode

    raw = data.encode("utf-8")
    code = qrcode.QRCode(version=_qr_version(len(raw)), error_correction=qrcode.constants.ERROR_CORRECT_M,
                         border=0, mask_pattern=2)
    code.add_data(raw, optimize=0)
    code.make(fit=False)
    return code.modules


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of ``data`` as one filled path, ``size`` points square, lower left at (x, y).

    The path is written in module units under a scaling transform, one
    rectangle per run of dark modules in a row, as whole numbers: formatting
    hundreds of coordinates as decimals was a sixth of a certificate's time.
    The page around it is white: that is the quiet zone.
    """
    matrix = qr_matrix(data)
    count = len(matrix)
    rects = []
    for row_number, row in enumerate(matrix):
        bottom = count - 1 - row_number
        start = None
        for column, dark in enumerate(row):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                rects.append(f"{start} {bottom} {column - start} 1 re")
                start = None
        if start is not None:
            rects.append(f"{start} {bottom} {count - start} 1 re")
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(size / count, size / count)
    canvas.addLiteral("\n".join(rects) + "\nf")
    canvas.restoreState()
