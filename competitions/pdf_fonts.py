"""The chain of Chinese fonts every PDF draws with, character by character.

A name must print as it is written, including rare characters from the CJK
extensions (王𫖯, 刘䶮, 张𬭎): a check-in list or certificate that silently
prints 王 for 王𫖯 names someone else. No single free font covers them all, so
every PDF draws with a chain of TrueType fonts, each character in the first
font that has it:

1. the font configured by the operator (``PDF_FONT_PATH``, optionally
   ``path#index`` for one font of a .ttc collection), when it loads;
2. WenQuanYi Micro Hei / Zen Hei (Debian's fonts-wqy-microhei): the common
   characters (GB 18030 level 1 and 2), in a sans-serif face;
3. Hanazono Mincho A and B (Debian's fonts-hanazono): CJK extension A and the
   supplementary ideographic plane (extensions B and later).

``scripts/system-deps.sh`` installs the Debian fonts. reportlab embeds
TrueType (glyf) fonts only; Noto CJK ships CFF outlines, which reportlab
refuses, so it is not in the chain. A character no font has is drawn as the
geta mark 〓 (the sign Chinese and Japanese typesetters use for a missing
character) and logged as a warning, never dropped or drawn as an empty box.
Without any usable TrueType font the Adobe CID font STSong-Light is the last
resort: readers supply it, but it is not embedded and covers no extension.

Characters beyond U+FFFF raise two separate problems in reportlab: whether a
glyph is drawn (reportlab reads the font's format 12 cmap, so the fallback
chain only has to pick a font that has the character) and whether the text
layer maps the glyph back to the character. reportlab writes each subset's
ToUnicode CMap entry as ``<%04X>`` of the code point, which for U+2B5AF gives
the five-digit ``<2B5AF>`` that readers cut to U+2B5A; a ToUnicode
destination must be UTF-16BE, i.e. the surrogate pair ``<D86DDDAF>`` (PDF
32000-1 §9.10.3). ``_ChainFont`` rewrites those CMaps, so copying or
searching a rare name finds it.

PDF builders use ``font_chain()``: ``markup(text)`` for Paragraph text,
``cell(text, size)`` for a plain table cell, ``draw(canvas, ...)`` and
``width(...)`` on a canvas. Fonts are read once per process, the fallback
fonts only when a character first needs them.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont
from reportlab.platypus import Flowable

log = logging.getLogger(__name__)

DEBIAN_FONTS = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf", 0),
    ("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf", 0),
)
FONT_CANDIDATES = DEBIAN_FONTS  # what the chain tries after the configured font (tests point it elsewhere)
EMBEDDED_NAME = "CompetitionsCJK"
CID_FALLBACK = "STSong-Light"
MISSING_MARK = "\u3013"  # 〓 geta mark
_FALLBACK_PREFIX = "CompetitionsCJK"
_lock = threading.RLock()
_configured: str | None = None
_chain: FontChain | None = None
_chain_key: tuple | None = None


def configure(path: str | None) -> None:
    """Put ``path`` (``PDF_FONT_PATH``; ``file#index`` for a .ttc) first in the chain; the next PDF reloads it."""
    global _configured
    with _lock:
        _configured = (path or "").strip() or None


def font_chain() -> FontChain:
    """The process's font chain, built on first use and again when the configured path or candidates change."""
    global _chain, _chain_key
    key = (_configured, tuple(FONT_CANDIDATES))
    with _lock:
        if _chain is None or _chain_key != key:
            _chain = _build_chain(*key)
            _chain_key = key
        return _chain


def cjk_font() -> str:
    """The reportlab name of the chain's first font: the one table styles and paragraph styles name."""
    return font_chain().primary


def is_embedded(font_name: str) -> bool:
    """True when ``font_name`` is a TrueType font that PDFs embed (not the CID fallback)."""
    return font_name.startswith(_FALLBACK_PREFIX)


@dataclass
class _Member:
    """One font of the chain: where it comes from, and once loaded its reportlab name and covered code points."""

    path: str
    index: int
    name: str
    covered: frozenset[int] | None = None
    failed: str | None = None


@dataclass
class FontChain:
    """Fonts in order of preference; the first loads at once, the rest when a character needs them.

    ``problems`` lists fonts that could not be used and why (a configured font
    that is missing, unreadable or has PostScript outlines), for
    ``flask --app wsgi pdf-fonts`` and the logs.
    """

    primary: str
    members: list[_Member] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _warned: set[int] = field(default_factory=set)

    def runs(self, text: str) -> list[tuple[str, str]]:
        """``text`` cut into (font name, characters) runs, each character in the first font that has it."""
        if not text:
            return []
        if not self.members:
            return [(self.primary, text)]
        first = self.members[0].covered
        if all(ord(ch) in first for ch in text):
            return [(self.primary, text)]
        runs: list[tuple[str, str]] = []
        for ch in text:
            font, ch = self._font_for(ch)
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + ch)
            else:
                runs.append((font, ch))
        return runs

    def missing(self, text: str) -> str:
        """The characters of ``text`` that no font of the chain has (drawn as 〓), in order, once each."""
        if not self.members:
            return ""
        seen: dict[str, None] = {}
        for ch in text:
            if _needs_glyph(ch) and self._member_for(ord(ch)) is None:
                seen.setdefault(ch)
        return "".join(seen)

    def markup(self, text: object) -> str:
        """``text`` escaped for a reportlab Paragraph, with ``<font>`` tags where a fallback font draws."""
        parts = []
        for font, chunk in self.runs(str(text or "")):
            chunk = _escape(chunk)
            parts.append(chunk if font == self.primary else f'<font name="{font}">{chunk}</font>')
        return "".join(parts)

    def width(self, text: str, size: float) -> float:
        """The width of ``text`` at ``size`` points, as ``draw`` sets it."""
        return sum(stringWidth(chunk, font, size) for font, chunk in self.runs(text))

    def draw(self, canvas, x: float, y: float, text: str, size: float, align: str = "left") -> float:
        """Draw one line on a reportlab canvas at (x, y) aligned left, centre or right; returns its width."""
        runs = self.runs(text)
        if align != "left":
            total = self.width(text, size)
            x -= total / 2 if align == "centre" else total
        start = x
        if len(runs) == 1:
            canvas.setFont(runs[0][0], size)
            canvas.drawString(x, y, runs[0][1])
            return canvas.stringWidth(runs[0][1], runs[0][0], size)
        text_object = canvas.beginText(x, y)
        for font, chunk in runs:
            text_object.setFont(font, size)
            text_object.textOut(chunk)
        canvas.drawText(text_object)
        return text_object.getX() - start

    def cell(self, text: object, size: float):
        """A table cell: the plain string when the first font draws it all, else a one-line flowable."""
        text = "" if text is None else str(text)
        runs = self.runs(text)
        if len(runs) <= 1 and (not runs or runs[0][0] == self.primary):
            return text
        return _Line(self, text, size)

    def _font_for(self, ch: str) -> tuple[str, str]:
        member = self._member_for(ord(ch))
        if member is not None:
            return member.name, ch
        if not _needs_glyph(ch):
            return self.primary, ch
        if ord(ch) not in self._warned:
            self._warned.add(ord(ch))
            log.warning("No PDF font has the character %r (U+%04X); it prints as %s. Fonts tried: %s",
                        ch, ord(ch), MISSING_MARK, ", ".join(m.path for m in self.members))
        return self.primary, MISSING_MARK

    def _member_for(self, code: int) -> _Member | None:
        for member in self.members:
            if member.failed:
                continue
            if member.covered is None:
                with _lock:
                    if member.covered is None and not member.failed:
                        _load(member, self.problems)
                if member.failed:
                    continue
            if code in member.covered:
                return member
        return None


def _build_chain(configured: str | None, candidates: Iterable[tuple[str, int]]) -> FontChain:
    """Load the first usable font now (the primary); list the others to load on demand."""
    from reportlab import rl_config

    # reportlab armours every stream in ASCII85 by default (for 7-bit mail, once): a quarter bigger and
    # slower to write. PDFs here are downloaded as binary files.
    rl_config.useA85 = 0
    sources = []
    problems: list[str] = []
    if configured:
        path, _sep, index = configured.partition("#")
        try:
            sources.append((path, int(index or 0), True))
        except ValueError:
            problems.append(f"PDF_FONT_PATH {configured!r}: the part after # must be a font number")
            log.warning("PDF font: %s", problems[-1])
    sources += [(path, index, False) for path, index in candidates]
    members: list[_Member] = []
    for number, (path, index, is_configured) in enumerate(sources):
        if not is_configured and not os.path.exists(path):
            continue
        member = _Member(path, index, EMBEDDED_NAME if not members else f"{_FALLBACK_PREFIX}{number}")
        if not members:
            _load(member, problems)
            if member.failed:
                continue
        members.append(member)
    if not members:
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
        log.warning("No TrueType CJK font could be loaded; PDFs use the non-embedded %s (run "
                    "scripts/system-deps.sh to install fonts-wqy-microhei and fonts-hanazono)", CID_FALLBACK)
        return FontChain(CID_FALLBACK, [], problems)
    return FontChain(members[0].name, members, problems)


def _load(member: _Member, problems: list[str]) -> None:
    """Read and register one font; on failure record why and leave it out of the chain."""
    try:
        if not os.path.isfile(member.path):
            raise FileNotFoundError
        if not os.access(member.path, os.R_OK):
            raise PermissionError
        font = _ChainFont(member.name, member.path, subfontIndex=member.index)
    except FileNotFoundError:
        member.failed = f"{member.path}: no such file"
    except PermissionError:
        member.failed = f"{member.path}: not readable (permission denied)"
    except Exception as exc:  # noqa: BLE001 - reportlab raises TTFError, struct.error, ... for fonts it cannot use
        member.failed = f"{member.path}: cannot be embedded ({exc})"
    else:
        pdfmetrics.registerFont(font)
        member.covered = frozenset(font.face.charToGlyph)
        return
    problems.append(member.failed)
    log.warning("PDF font: %s", member.failed)


def _needs_glyph(ch: str) -> bool:
    """Controls and line breaks draw nothing; every other character needs a glyph."""
    return ch >= " " and ch not in "\u00a0\u200b\ufeff"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _to_unicode_cmap(font_name: str, subset: list[int]) -> str:
    """A ToUnicode CMap whose destinations are UTF-16BE, surrogate pairs included (PDF 32000-1 §9.10.3)."""
    lines = [
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({font_name})", f"/Ordering ({font_name})", "/Supplement 0", ">> def",
        f"/CMapName /{font_name} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar",
    ]
    lines += [f"<{code:02X}> <{chr(value).encode('utf-16-be', 'surrogatepass').hex().upper()}>"
              for code, value in enumerate(subset)]
    lines += ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


class _TableView:
    """A font table read in place: slicing copies only the bytes asked for.

    reportlab's subsetter takes the whole ``glyf`` table (3.5 MB in WenQuanYi,
    over 20 MB in Hanazono) and ``post`` as bytes for every document, only to
    slice a few glyphs out of them; copying them cost more than the rest of a
    one-page certificate.
    """

    def __init__(self, data: bytes, start: int, length: int):
        self.data, self.start, self.length = data, start, length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step not in (None, 1):
            return bytes(self)[key]
        begin, end, _step = key.indices(self.length)
        return self.data[self.start + begin:self.start + max(begin, end)]

    def __bytes__(self) -> bytes:
        return self.data[self.start:self.start + self.length]


class _ChainFont(TTFont):
    """reportlab's TTFont, with ToUnicode CMaps that map characters beyond U+FFFF back correctly.

    Its subsetter also reads the two large tables in place (``_TableView``).
    """

    def __init__(self, name, filename, subfontIndex=0):  # noqa: N803 - reportlab's name
        super().__init__(name, filename, subfontIndex=subfontIndex)
        face = self.face
        plain = face.get_table

        def get_table(tag):
            if tag in ("glyf", "post"):
                pos, length = face.get_table_pos(tag)
                return _TableView(face._ttf_data, pos, length)
            return plain(tag)

        face.get_table = get_table

    def addObjects(self, doc):  # noqa: N802 - reportlab's name
        state = self.state.get(doc)
        subsets = [list(subset) for subset in state.subsets] if state is not None else []
        super().addObjects(doc)
        for number, subset in enumerate(subsets):
            if max(subset, default=0) <= 0xFFFF:
                continue
            base = b"".join((SUBSETN(number), b"+", self.face.name, self.face.subfontNameX)).decode("pdfdoc")
            doc.idToObject["toUnicodeCMap:" + base].content = _to_unicode_cmap(base, subset)


class _Line(Flowable):
    """One line of text in fallback fonts, as wide as its text (tables size their columns by it)."""

    _fixedWidth = 1

    def __init__(self, chain: FontChain, text: str, size: float):
        super().__init__()
        self.chain, self.text, self.size = chain, text, size
        self.width = chain.width(text, size)
        self.height = size * 1.2

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        self.chain.draw(self.canv, 0, self.size * 0.25, self.text, self.size)
