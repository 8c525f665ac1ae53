"""Points: one number type and one rounding rule for the whole application.

Marks, weighted part scores and totals are ``Decimal``. Marks are entered with
at most two decimal places (the finest step any marking scheme uses, 0.01);
computed values are kept exact while they are combined and rounded **once**, to
two decimal places with ROUND_HALF_UP (the "四舍五入" every score sheet uses),
when a figure is stored or shown. Never round an intermediate twice.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from competitions.domain.inputs import InputError, parse_decimal

POINTS_QUANTUM = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")


def round_points(value: Decimal | int | str) -> Decimal:
    """Round ``value`` to two decimal places, half up (the one rounding rule)."""
    return Decimal(value).quantize(POINTS_QUANTUM, rounding=ROUND_HALF_UP)


def parse_points(text: str | int | float | Decimal) -> Decimal | None:
    """Read a mark typed by a person; None when it is not a plain, finite, bounded number.

    The shared number rules (``inputs.parse_decimal``): ASCII digits and one decimal point (a comma is
    read as one, common on tablets set to other locales), surrounding blanks ignored, at most 15 digits;
    ``1e400``, ``1_0``, ``١٠`` and ``Infinity`` are not marks. Floats go through ``repr`` so 0.1 stays 0.1.
    """
    try:
        return parse_decimal(text)
    except InputError:
        return None


def has_at_most_two_places(value: Decimal) -> bool:
    """True when ``value`` needs no more than two decimal places."""
    return value == value.quantize(POINTS_QUANTUM)


def plain_decimal(value: Decimal) -> Decimal:
    """``value`` without trailing zeros or an exponent: 100.00 -> 100, 0.50 -> 0.5 (for showing and editing)."""
    text = format(Decimal(value).normalize(), "f")
    return Decimal(text)
