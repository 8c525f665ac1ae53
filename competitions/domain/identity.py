"""Chinese resident identity numbers (居民身份证号码, GB 11643-1999).

The number every worker gives when registering is 18 characters:

    RRRRRR YYYYMMDD SSS C
    region birth    order check

* ``RRRRRR`` is the administrative region code where the number was issued;
* ``YYYYMMDD`` is the date of birth;
* ``SSS`` is the order code among people born that day in that region; its last
  digit (the 17th character) is odd for men and even for women;
* ``C`` is the ISO 7064 MOD 11-2 check character: each of the first 17 digits is
  multiplied by 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, the sum is taken modulo 11
  and the remainder 0..10 selects a character of ``"10X98765432"``.

Registration desks and roster spreadsheets routinely carry typos, a lowercase
``x``, full-width digits typed with a Chinese input method, or a birth date that
contradicts the date typed in another column. This module reads a number,
explains exactly what is wrong with it, checks it against the other columns, and
masks it for display (a number is personal data: lists show ``370102********1234``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from competitions.domain.errors import N_, RuleViolation

ID_LENGTH = 18
CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
MALE = "male"
FEMALE = "female"
GENDERS = (MALE, FEMALE)
EARLIEST_BIRTH_YEAR = 1900

# Spreadsheets filled in with a Chinese input method often carry full-width
# digits and letters; they mean the same number.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789XX")
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_FIELD = "national_id"


@dataclass(frozen=True)
class NationalId:
    """A resident identity number that passed every check, and what it says."""

    number: str
    region_code: str
    birth_date: date
    order_code: str
    gender: str


def check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits of a number."""
    if len(first17) != ID_LENGTH - 1 or not first17.isascii() or not first17.isdigit():
        raise ValueError("the check character is computed over exactly 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, CHECK_WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def normalize_national_id(text: object) -> str:
    """The number as it should be stored: blanks around it removed, full-width and lowercase x folded."""
    if text is None:
        return ""
    return str(text).strip().translate(_FULL_WIDTH).upper()


def parse_national_id(text: object, *, today: date | None = None) -> NationalId:
    """Read an 18-character identity number, or raise RuleViolation saying precisely what is wrong.

    The checks run in the order a person would fix them: length, characters,
    birth date, check character, then a birth date in the future (``today``
    defaults to the current date; pass it for reproducible results).
    """
    number = normalize_national_id(text)
    if len(number) != ID_LENGTH:
        raise RuleViolation(
            "The identity number must be 18 characters; it has %(length)d.", field=_FIELD, length=len(number)
        )
    if not _SHAPE.fullmatch(number):
        raise RuleViolation(
            "The identity number may contain only digits, with X allowed as the last character.", field=_FIELD
        )
    birth_date = _birth_date_in(number)
    expected = check_character(number[:17])
    if number[17] != expected:
        # An expected character alone would invite "fixing" the last one when the
        # typo is anywhere in the number.
        raise RuleViolation(
            "The identity number's check digit is wrong: expected %(expected)s. "
            "Check every digit for a typo.",
            field=_FIELD,
            expected=expected,
        )
    if birth_date > (today or date.today()):
        raise RuleViolation(
            "The birth date %(date)s in the identity number lies in the future.",
            field=_FIELD,
            date=birth_date,
        )
    return NationalId(
        number=number,
        region_code=number[:6],
        birth_date=birth_date,
        order_code=number[14:17],
        gender=MALE if int(number[16]) % 2 else FEMALE,
    )


def _birth_date_in(number: str) -> date:
    """The birth date in characters 7..14, or RuleViolation when it is no real date."""
    digits = number[6:14]
    shown = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    try:
        birth_date = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise RuleViolation(
            "The birth date %(date)s in the identity number is not a real date.", field=_FIELD, date=shown
        ) from None
    if birth_date.year < EARLIEST_BIRTH_YEAR:
        raise RuleViolation(
            "The birth date %(date)s in the identity number is before %(year)d.",
            field=_FIELD,
            date=shown,
            year=EARLIEST_BIRTH_YEAR,
        )
    return birth_date


def is_valid_national_id(text: object, *, today: date | None = None) -> bool:
    """True when ``parse_national_id`` accepts the number."""
    try:
        parse_national_id(text, today=today)
    except RuleViolation:
        return False
    return True


def check_consistent(parsed: NationalId, date_of_birth: date | None, gender: str | None) -> list[dict]:
    """Problems where the other columns of a form or roster row contradict the identity number.

    Each problem has the shape of ``ValidationErrors.problems`` (``code``,
    ``field``, ``message``, ``params``), so a roster import can add the row
    number and raise them all at once. A column left empty (None) is not a
    contradiction. ``gender`` is ``"male"`` or ``"female"``.
    """
    problems = []
    if date_of_birth is not None and date_of_birth != parsed.birth_date:
        problems.append(
            {
                "code": "birth_date_contradicts_id",
                "field": "date_of_birth",
                "message": N_("The date of birth %(given)s contradicts the identity number, "
                              "which says %(in_id)s."),
                "params": {"given": date_of_birth, "in_id": parsed.birth_date},
            }
        )
    if gender is not None and gender != parsed.gender:
        problems.append(
            {
                "code": "gender_contradicts_id",
                "field": "gender",
                "message": N_("The gender %(given)s contradicts the identity number, which says %(in_id)s."),
                "params": {"given": gender, "in_id": parsed.gender},
            }
        )
    return problems


def mask_national_id(text: object) -> str:
    """The number for display: first 6 and last 4 characters shown, the rest as ``*``.

    ``"370102199001011234"`` -> ``"370102********1234"``. Malformed input never
    shows more: at most 10 characters are revealed and at least 8 stay hidden,
    so a 15-character number (the pre-1999 format) keeps its birth date hidden
    and anything of 8 characters or fewer is all stars. None or blank -> "".
    """
    number = normalize_national_id(text)
    shown = max(0, min(10, len(number) - 8))
    head = shown * 6 // 10
    tail = shown - head
    return number[:head] + "*" * (len(number) - shown) + (number[-tail:] if tail else "")


def make_national_id(region: str, birth_date: date, sequence: int, gender: str) -> str:
    """A valid identity number for test and demonstration data, check character computed.

    ``sequence`` (0..499) numbers the people of that gender born that day in
    that region; the order code is ``2 * sequence`` for women and
    ``2 * sequence + 1`` for men, so its last digit carries the gender and every
    (region, date, sequence, gender) gives a different number.
    """
    if len(region) != 6 or not region.isascii() or not region.isdigit():
        raise ValueError("region must be 6 digits")
    if not 0 <= sequence <= 499:
        raise ValueError("sequence must be between 0 and 499")
    if gender not in GENDERS:
        raise ValueError("gender must be 'male' or 'female'")
    if not EARLIEST_BIRTH_YEAR <= birth_date.year <= 9999:
        raise ValueError("birth year out of range")
    order = 2 * sequence + (1 if gender == MALE else 0)
    first17 = f"{region}{birth_date:%Y%m%d}{order:03d}"
    return first17 + check_character(first17)
