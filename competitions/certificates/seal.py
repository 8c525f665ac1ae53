"""Checking an uploaded seal image (公章) before it is ever printed.

A seal is the most abused upload a certificate system takes: it must be a real
image, not a renamed document or script, and not a "decompression bomb" (a
small file that unpacks to gigapixels). So: at most ``MAX_BYTES`` on the wire;
only PNG, JPEG or WebP as Pillow itself recognises them from the content (the
name and the browser's content type are ignored); at most ``MAX_PIXELS`` before
anything is decoded; the whole image decoded once to prove it is intact; then
re-encoded from its pixels as a fresh PNG (dropping metadata and anything
appended to the file), at most 800 px on its longer side. Scanned stamps
usually come on white paper: near-white pixels become transparent so the red
stamp sits over the issuer's name as a real one does.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from competitions.domain.errors import RuleViolation

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 16_000_000
MAX_SIDE = 800
FORMATS = ("PNG", "JPEG", "WEBP")


@dataclass(frozen=True)
class CheckedSeal:
    """A seal as stored: PNG bytes, their SHA-256 and the size in pixels."""

    png: bytes
    sha256: str
    width: int
    height: int


def check_seal(data: bytes) -> CheckedSeal:
    """The uploaded bytes as a clean RGBA PNG, or a RuleViolation saying what is wrong with them."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise RuleViolation("Choose an image file of the seal.", field="seal")
    if len(data) > MAX_BYTES:
        raise RuleViolation("The seal image is %(size)s MB; at most 2 MB is accepted.", field="seal",
                            size=f"{len(data) / 1024 / 1024:.1f}")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            if kind not in FORMATS:
                raise RuleViolation("The seal must be a PNG, JPEG or WebP image.", field="seal")
            if width * height > MAX_PIXELS or width < 40 or height < 40:
                raise RuleViolation("The seal image is %(width)s × %(height)s pixels; use 40 to 4000 pixels a side.",
                                    field="seal", width=width, height=height)
            probe.load()
            image = probe.convert("RGBA")
    except RuleViolation:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise RuleViolation("The file is not a readable image.", field="seal") from error
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    image = _white_to_transparent(image)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    png = out.getvalue()
    return CheckedSeal(png, hashlib.sha256(png).hexdigest(), image.width, image.height)


def _white_to_transparent(image):
    """Near-white, unsaturated pixels (the paper around a scanned stamp) become transparent."""
    from PIL import Image

    red, green, blue, alpha = image.split()
    light = Image.eval(Image.merge("RGB", (red, green, blue)).convert("L"), lambda v: 255 if v > 232 else 0)
    spread = Image.eval(Image.merge("RGB", (red, green, blue)).convert("HSV").split()[1],
                        lambda s: 255 if s < 40 else 0)
    paper = Image.composite(light, Image.new("L", image.size, 0), spread)
    alpha = Image.composite(Image.new("L", image.size, 0), alpha, paper)
    return Image.merge("RGBA", (red, green, blue, alpha))
