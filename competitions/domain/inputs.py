"""Reading what people and programs send: text, numbers, ids, pages, dates and JSON, one way everywhere.

Every value that reaches a form, the roster importer or the JSON API is untrusted. These are the
rules all of them apply, so that a clerk's paste from a word processor, a tablet's keyboard in
another script or an attacker's crafted request get the same clear refusal instead of a server error
somewhere deep down (the attacker's findings of issue 9: ``1e400``, a 100,000-digit number, ``1_0``,
Arabic-Indic digits, infinity, ids of 2**63, ``?page=99999999999999999999``, dates in year 9999 or 1,
JSON nested 5,000 deep).

* Text (``clean_text``): Unicode NFC (so 'é' typed two ways is one name: UAX #15), and no control
  characters (Unicode category Cc, and the invisible direction overrides of UAX #9 used to disguise
  text), except tab and line breaks in multi-line fields. Surrogates and the non-characters U+FFFE and
  U+FFFF are refused too: no XML document, and so no workbook, can hold them.
  Invisible format characters (Unicode Cf) that word processors and chat apps paste along with
  text -- soft hyphen U+00AD, zero-width space/non-joiner/joiner U+200B-U+200D, the marks U+200E/U+200F,
  word joiner U+2060, byte order mark U+FEFF (``INVISIBLE``) -- are removed: nobody sees them, so nobody
  meant them, and left in they make 张+U+00AD+三 another name than "张三" for search, de-duplication and
  masking and print as "张-三" (review2 M4). Every other Cf character (invisible operators, annotations,
  tags, deprecated format controls) is refused like a control character, except the Mongolian vowel
  separator U+180E that traditional Mongolian spelling needs. The joiners matter only in emoji sequences
  and some Indic/Persian spellings, which no name, employer or reason here needs.
* Person names (``person_name``): letters of any script, the middle dot of minority names, spaces,
  hyphens and apostrophes, beginning with a letter (review2 L17).
* Numbers (``parse_decimal``, ``parse_int``): ASCII digits (full-width ones typed with a Chinese input
  method are folded to ASCII first), at most one decimal point, an optional
  leading minus, a bounded count of digits, finite, within the field's range. Python's own ``Decimal``
  and ``int`` read ``1_0``, ``١٠``, ``1e400`` and ``Infinity``; people never mean those.
* Ids (``parse_id``): 1 .. 2**31 - 1, the range of an INTEGER column on PostgreSQL; anything else
  is "not found", never an overflow.
* Pages (``parse_page``): 1 .. ``MAX_PAGE``; anything else is page 1.
* Dates (``check_date_in_range``): 1900-01-01 .. 2100-12-31, wide enough for any birth date and any
  competition, narrow enough that adding a time zone or a notice period can never overflow.
* JSON (``check_json_shape``): a bounded nesting depth, checked on the raw text before parsing so that
  a deep document never reaches the recursive parser.

Each refusal is an ``InputError`` carrying an English message with ``%(name)s`` parameters (the web
layer translates it and names the field).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal

from competitions.domain.errors import N_, RuleViolation

MAX_ID = 2**31 - 1            # PostgreSQL INTEGER; SQLite's 2**63 - 1 is wider
MAX_PAGE = 100_000            # 100,000 pages of 25 rows are more rows than any list holds
MAX_DIGITS = 15               # a double holds 15 significant decimal digits exactly
MAX_JSON_DEPTH = 32           # the deepest document the API describes is 4 levels
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)

# Direction overrides and isolates (UAX #9): invisible, and they make "abc.exe" look like "exe.cba".
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_CONTROLS = frozenset("\t\n\r")
# Invisible format characters pasted along with text (see the module docstring): removed, never stored.
INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff")
_KEPT_FORMAT = frozenset("\u180e")   # Mongolian vowel separator: part of traditional Mongolian spelling
_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")   # [0-9], not \d: \d matches ١ and ５ too
_INTEGER = re.compile(r"-?[0-9]+")


class InputError(RuleViolation):
    """A value that cannot be read as what the field holds; ``field`` names the field."""

    code = "invalid_input"


# ---- text ------------------------------------------------------------------------------------------

def bad_characters(text: str, *, multiline: bool = False) -> list[str]:
    """The characters of ``text`` that no stored text may hold, each once, in order of appearance.

    Control characters (Cc), direction overrides, surrogates (Cs), the non-characters U+FFFE/U+FFFF and the
    format characters (Cf) other than the ``INVISIBLE`` ones (which ``clean_text`` removes) and U+180E;
    tab, CR and LF are allowed when ``multiline``.
    """
    found: list[str] = []
    for ch in text:
        if ch in found or (multiline and ch in _LINE_CONTROLS) or ch in INVISIBLE or ch in _KEPT_FORMAT:
            continue
        if ch in _BIDI_CONTROLS or ch in ("\ufffe", "\uffff") or unicodedata.category(ch) in ("Cc", "Cs", "Cf"):
            found.append(ch)
    return found


def strip_invisible(text: str) -> str:
    """``text`` without the ``INVISIBLE`` format characters (soft hyphen, zero-width space and joiners, BOM…)."""
    return "".join(ch for ch in text if ch not in INVISIBLE) if any(ch in INVISIBLE for ch in text) else text


def describe_characters(chars: list[str]) -> str:
    """Name characters for a message: "U+000B, U+001B"."""
    return ", ".join(f"U+{ord(ch):04X}" for ch in chars)


def clean_text(text: str, *, field: str | None = None, multiline: bool = False) -> str:
    """``text`` in Unicode NFC without the invisible format characters (``INVISIBLE``), or InputError when it
    holds a character no stored text may hold (``bad_characters``).

    Spaces are not stripped or collapsed here: a form's own filters (``strip``) decide that.
    """
    bad = bad_characters(text, multiline=multiline)
    if bad:
        raise InputError(N_("%(name)s contains a control character (%(chars)s), probably pasted from another "
                            "program. Delete it and type the text again."),
                         field=field, name=field or "", chars=describe_characters(bad))
    return unicodedata.normalize("NFC", strip_invisible(text))


def trade_code(text: str) -> str:
    """A trade code as it is stored and compared: Unicode NFKC (full-width 'ＥＬＥＣ' is 'ELEC'), no surrounding
    spaces, upper case -- one trade is one code however it was typed ('elec', 'Elec', 'ELEC'), as the national
    occupation catalogue writes codes (review M5: 电工 was listed twice in the statistics)."""
    return unicodedata.normalize("NFKC", text or "").strip().upper()


def normalize_name(text: str) -> str:
    """A name for comparing (team names): NFKC (full-width letters and digits become ASCII), no spaces at all.

    ``红 队``, ``红队`` and ``红　队`` (an ideographic space) compare equal; so do ``Ａ队`` and ``A队``.
    """
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch) != "Cf").casefold()


def tidy_name(text: str) -> str:
    """A name as stored: NFKC-folded, spaces trimmed and runs of spaces collapsed to one ASCII space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


# ---- person names ----------------------------------------------------------------------------------

MAX_PERSON_NAME = 100   # worker.name's column
# The middle dot of transcribed minority names (阿卜杜热合曼·阿卜杜克热木) as the ID card prints it, and the look-alikes
# keyboards type for it (katakana middle dot, hyphenation point, bullet, half-width katakana dot): stored as U+00B7.
MIDDLE_DOT = "\u00b7"
_MIDDLE_DOTS = frozenset("\u00b7\u30fb\u2027\u2022\uff65\u22c5")
# Jean-Luc, O'Brien (either apostrophe), J. Smith; the Tibetan syllable marks tsheg (U+0F0B, U+0F0C) of བཀྲ་ཤིས་.
_NAME_PUNCTUATION = frozenset(" -'\u2019.\u0f0b\u0f0c")


def person_name(text: str, *, field: str | None = None) -> str:
    """A person's name as stored, or InputError naming the characters a name cannot hold.

    A name is written with letters of any script (Unicode L*, with their combining marks M*: Han,
    Latin, Uyghur's Arabic script, Tibetan, Mongolian…), the middle dot of minority names, spaces,
    hyphens, apostrophes and full stops (and the Tibetan syllable mark), and begins with a letter.
    So ``<img src=x onerror=alert(1)>``, ``王<font size="40">五</font>``, ``=赵新`` (a formula),
    digits and e-mail addresses are refused (review2 L17): always a typing or pasting mistake,
    and they would print on certificates. The text is first cleaned as every text (``clean_text``:
    NFC, invisible characters removed); runs of spaces become one; the middle-dot look-alikes
    become U+00B7; at most ``MAX_PERSON_NAME`` characters.
    """
    cleaned = clean_text(text or "", field=field)
    name = " ".join("".join(MIDDLE_DOT if ch in _MIDDLE_DOTS else ch for ch in cleaned).split())
    if not name:
        raise InputError(N_("Enter the person's full name."), field=field)
    wrong: list[str] = []
    for ch in name:
        if ch in wrong or ch == MIDDLE_DOT or ch in _NAME_PUNCTUATION or unicodedata.category(ch)[0] in "LM":
            continue
        wrong.append(ch)
    if wrong:
        raise InputError(N_("A name may not contain %(chars)s: it is written with letters, the middle dot · of "
                            "minority names, spaces, hyphens and apostrophes."),
                         field=field, chars=" ".join(f"“{ch}”" for ch in wrong))
    if unicodedata.category(name[0])[0] != "L":
        raise InputError(N_("A name must begin with a letter, not “%(char)s”."), field=field, char=name[0])
    if len(name) > MAX_PERSON_NAME:
        raise InputError(N_("A name has at most %(max)d characters; this one has %(length)d."), field=field,
                         length=len(name), max=MAX_PERSON_NAME)
    return name


_PHONE = re.compile(r"[0-9+\- ]{6,30}")


def phone_number(text: str, *, field: str | None = None) -> str:
    """A phone number as stored: NFKC (full-width １３８ typed with a Chinese input method is 138), trimmed, then
    6 to 30 of the digits, "+", "-" and spaces -- the rule the registration form states ("digits only"), so a
    roster and the form accept the same numbers; anything else is InputError (review2 M3: a roster took any text)."""
    folded = unicodedata.normalize("NFKC", text or "").strip()
    if not _PHONE.fullmatch(folded):
        raise InputError(N_("Enter a phone number (digits only)."), field=field)
    return folded


# ---- numbers ---------------------------------------------------------------------------------------

# What a Chinese input method types in full-width mode, read as the ASCII a person means: the digits
# ０-９ (U+FF10-FF19), the full-width point ． and comma ，, the ideographic full stop 。 (the period key in
# Chinese punctuation mode), the full-width minus － and the ideographic space. Only these: other scripts'
# digits (١٠, ०) stay refused, as nobody at a Chinese venue means them.
_NUMBER_FOLD = {**{0xFF10 + i: str(i) for i in range(10)}, 0xFF0E: ".", 0xFF0C: ",", 0x3002: ".",
                0xFF0D: "-", 0x3000: " "}


def fold_number_text(text: str) -> str:
    """``text`` with full-width digits, points, commas, minus and spaces as ASCII ("３５．５" -> "35.5").

    The tablet's JavaScript folds the same characters before sending (static/js/judging-tablet.js), so
    the judge sees what was stored; this is the rule for every other way in (forms, API, imports).
    """
    return text.translate(_NUMBER_FOLD)


_NOT_A_NUMBER = N_("%(name)s must be a number, written with the digits 0-9 and at most one decimal point.")


def parse_decimal(value: object, *, field: str | None = None, minimum: Decimal | int | None = None,
                  maximum: Decimal | int | None = None, places: int | None = None,
                  max_digits: int = MAX_DIGITS) -> Decimal:
    """``value`` (text typed by a person, or a JSON number) as a finite Decimal within the field's range.

    Text is ASCII digits with at most one decimal point (a comma is read as one, as tablets set to other
    locales type it) and an optional leading minus, after ``fold_number_text`` (full-width ３５．５ is 35.5);
    at most ``max_digits`` digits in all and at most
    ``places`` after the point. JSON numbers: ints and finite floats (read through ``repr``, so 0.1 stays
    0.1); booleans are not numbers.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise InputError(_NOT_A_NUMBER, field=field, name=field or "")
    if isinstance(value, str):
        text = fold_number_text(value).strip(" \t\r\n").replace(",", ".")
        if not _NUMBER.fullmatch(text):
            raise InputError(_NOT_A_NUMBER, field=field, name=field or "")
        if sum(ch.isdigit() for ch in text) > max_digits:
            raise InputError(N_("%(name)s has too many digits (at most %(max)d)."), field=field, name=field or "",
                             max=max_digits)
        number = Decimal(text)
    elif isinstance(value, int):
        if value.bit_length() > 4 * max_digits:   # never turn a 100,000-digit int into text
            raise InputError(N_("%(name)s has too many digits (at most %(max)d)."), field=field, name=field or "",
                             max=max_digits)
        number = Decimal(value)
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InputError(_NOT_A_NUMBER, field=field, name=field or "")
        number = Decimal(repr(value))
    else:
        number = value
    return _checked(number, field, minimum, maximum, places, max_digits)


def _checked(number: Decimal, field, minimum, maximum, places, max_digits) -> Decimal:
    if not number.is_finite():
        raise InputError(_NOT_A_NUMBER, field=field, name=field or "")
    _sign, digits, exponent = number.as_tuple()
    if len(digits) + max(exponent, 0) > max_digits or -exponent > max_digits:
        raise InputError(N_("%(name)s has too many digits (at most %(max)d)."), field=field, name=field or "",
                         max=max_digits)
    if places is not None and exponent < -places and number != number.quantize(Decimal(1).scaleb(-places)):
        raise InputError(N_("%(name)s has more than %(places)d decimal places."), field=field, name=field or "",
                         places=places)
    if minimum is not None and number < Decimal(minimum):
        raise InputError(N_("%(name)s must be at least %(min)s."), field=field, name=field or "", min=minimum)
    if maximum is not None and number > Decimal(maximum):
        raise InputError(N_("%(name)s must be at most %(max)s."), field=field, name=field or "", max=maximum)
    return number.copy_abs() if number.is_zero() else number


def parse_int(value: object, *, field: str | None = None, minimum: int | None = None,
              maximum: int | None = None) -> int:
    """A whole number within the field's range, written with ASCII digits (``parse_decimal``'s rules)."""
    if isinstance(value, str):
        value = fold_number_text(value)
    if isinstance(value, str) and not _INTEGER.fullmatch(value.strip(" \t\r\n")):
        raise InputError(N_("%(name)s must be a whole number, written with the digits 0-9."), field=field,
                         name=field or "")
    if isinstance(value, float) and not value.is_integer():
        raise InputError(N_("%(name)s must be a whole number, written with the digits 0-9."), field=field,
                         name=field or "")
    number = parse_decimal(value, field=field, minimum=minimum, maximum=maximum, places=0)
    return int(number)


# ---- ids and pages ---------------------------------------------------------------------------------

def parse_id(value: object) -> int | None:
    """A database id (1 .. MAX_ID) from a URL, a form or JSON; None when it cannot be one (so: not found)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    if isinstance(value, str):
        text = value.strip()
        if 0 < len(text) <= 10 and text.isascii() and text.isdigit():
            number = int(text)
            return number if 1 <= number <= MAX_ID else None
    return None


def parse_page(value: object) -> int:
    """A list's page number: 1 .. MAX_PAGE; anything else (blank, text, 0, 10**20) is page 1."""
    number = parse_id(value)
    return number if number is not None and number <= MAX_PAGE else 1


# ---- dates -----------------------------------------------------------------------------------------

def date_in_range(value: date | datetime) -> bool:
    """True when the date lies in 1900-01-01 .. 2100-12-31."""
    day = value.date() if isinstance(value, datetime) else value
    return MIN_DATE <= day <= MAX_DATE


def check_date_in_range(value: date | datetime, *, field: str | None = None) -> date | datetime:
    """``value``, or InputError when it lies outside 1900-2100."""
    if not date_in_range(value):
        raise InputError(N_("%(name)s must be a date between %(min)s and %(max)s."), field=field,
                         name=field or "", min=MIN_DATE.isoformat(), max=MAX_DATE.isoformat())
    return value


def parse_iso_date(text: str, *, field: str | None = None) -> date | None:
    """A YYYY-MM-DD date within range; None for blank text; InputError for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise InputError(N_("%(name)s must be a date written as YYYY-MM-DD."), field=field, name=field or "")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError(N_("%(name)s must be a date written as YYYY-MM-DD."), field=field,
                         name=field or "") from None
    return check_date_in_range(day, field=field)


_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
                        r"(Z|[+-][0-9]{2}:[0-9]{2})")


def parse_iso_timestamp(text: object, *, field: str | None = None) -> datetime | None:
    """An ISO 8601 instant with its offset (``2026-05-01T08:30:00.123Z``, as JavaScript's ``toISOString``
    writes it), in UTC, within 1900-2100; None for blank or missing; InputError for anything else (no
    offset means no instant: a tablet's local wall time without its zone is refused)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if not isinstance(text, str) or not _TIMESTAMP.fullmatch(text.strip()):
        raise InputError(N_("%(name)s must be a time written as YYYY-MM-DDTHH:MM:SSZ."), field=field,
                         name=field or "")
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(N_("%(name)s must be a time written as YYYY-MM-DDTHH:MM:SSZ."), field=field,
                         name=field or "") from None
    check_date_in_range(moment, field=field)
    return moment.astimezone(UTC)


# ---- JSON ------------------------------------------------------------------------------------------

def json_depth_exceeds(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when the JSON text nests arrays and objects deeper than ``limit`` (strings are skipped).

    A linear scan of the raw text, so a document 5,000 levels deep is refused before the recursive
    parser sees it.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False
