"""Points: one number type and one rounding rule for the whole application.

Marks, weighted part scores and totals are ``Decimal``. Marks are entered with
at most two decimal places (the finest step any marking scheme uses, 0.01);
computed values are kept exact while they are combined and rounded **once**, to
two decimal places with ROUND_HALF_UP (the "四舍五入" every score sheet uses),
when a figure is stored or shown. Never round an intermediate twice.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

POINTS_QUANTUM = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")


def round_points(value: Decimal | int | str) -> Decimal:
    """Round ``value`` to two decimal places, half up (the one rounding rule)."""
    return Decimal(value).quantize(POINTS_QUANTUM, rounding=ROUND_HALF_UP)


def parse_points(text: str | int | float | Decimal) -> Decimal | None:
    """Read a mark typed by a person; None when it is not a finite number.

    Accepts a comma as decimal separator (common on tablets set to other
    locales) and surrounding blanks. Floats go through ``str`` so 0.1 stays 0.1.
    """
    if isinstance(text, Decimal):
        value = text
    else:
        raw = str(text).strip().replace(",", ".").replace("，", ".")
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            return None
    if not value.is_finite():
        return None
    return value


def has_at_most_two_places(value: Decimal) -> bool:
    """True when ``value`` needs no more than two decimal places."""
    return value == value.quantize(POINTS_QUANTUM)


def plain_decimal(value: Decimal) -> Decimal:
    """``value`` without trailing zeros or an exponent: 100.00 -> 100, 0.50 -> 0.5 (for showing and editing)."""
    text = format(Decimal(value).normalize(), "f")
    return Decimal(text)
