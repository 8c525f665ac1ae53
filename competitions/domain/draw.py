"""Station draw (抽签) and anonymous codes (加密号).

Before a practical event every competitor draws a station (赛位号) — which lathe,
which welding booth — so nobody chooses a better machine; and every competitor
gets an anonymous code that replaces the name on the work piece and the mark
sheet, so judges mark a code, never a person.

Both are drawn by computer from a **seed** recorded with the result: anyone with
the seed and the list of competitors can run the draw again and get the same
stations and codes, which is how an appeal about the draw is settled. The
competitor ids are sorted first, so the order the list happened to come in does
not matter, only who is in it.

Only ``random.Random.random()`` is used, never ``shuffle``/``sample``/``randrange``:
Python guarantees that ``random()`` yields the same sequence for the same seed
in every future version, while the other methods may change, and a draw must be
re-checkable years later.

Codes come from a stream of their own, separate from the stations, so a code
says nothing about a station or about anyone's place in the list; they are
drawn at random from a space at least ten times larger than the field, so one
code does not hint at the others. A station draw announced in public should use
a different, unannounced ``code_seed`` for the codes.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from random import Random

from competitions.domain.errors import RuleViolation

MIN_CODE_DIGITS = 4
# The code space is at least this many times the number of codes, so codes are sparse.
CODE_SPACE_FACTOR = 10


@dataclass(frozen=True)
class DrawRow:
    """One competitor's station and anonymous code."""

    competitor_id: Hashable
    station: int | str
    code: str


@dataclass(frozen=True)
class DrawResult:
    """The outcome of a draw and the seeds that reproduce it; rows in station order."""

    seed: str
    code_seed: str
    rows: tuple[DrawRow, ...]

    def by_competitor(self) -> dict:
        """The rows keyed by competitor id."""
        return {row.competitor_id: row for row in self.rows}


def new_seed() -> str:
    """A fresh unpredictable seed (16 hex characters) to record with a draw."""
    return secrets.token_hex(8)


def draw_stations(
    competitor_ids: Collection,
    seed: str,
    station_count: int | None = None,
    *,
    station_labels: Sequence[str] | None = None,
    code_prefix: str = "",
    code_seed: str | None = None,
) -> DrawResult:
    """Draw a station and an anonymous code for every competitor, reproducibly from the seed.

    Stations are numbered 1..``station_count`` (default: one per competitor), or
    are the given ``station_labels`` such as ``["A1", "A2", "B1"]``; with more
    stations than competitors some stay empty. Codes come from ``issue_codes``
    with ``code_seed`` (default: ``seed``). Rows come back in station order.
    """
    seed = _checked_seed(seed)
    code_seed = seed if code_seed is None else _checked_seed(code_seed)
    ordered = _sorted_unique(competitor_ids)
    stations = _stations(len(ordered), station_count, station_labels)
    drawn = _shuffled(range(len(stations)), Random(seed))[: len(ordered)]
    codes = issue_codes(ordered, code_seed, prefix=code_prefix)
    rows = sorted(
        (
            (index, DrawRow(competitor_id, stations[index], codes[competitor_id]))
            for competitor_id, index in zip(ordered, drawn, strict=True)
        ),
        key=lambda pair: pair[0],
    )
    return DrawResult(seed=seed, code_seed=code_seed, rows=tuple(row for _, row in rows))


def issue_codes(
    competitor_ids: Collection,
    seed: str,
    prefix: str = "",
    *,
    taken: Collection[str] = (),
    digits: int | None = None,
) -> dict:
    """Unique anonymous codes: ``prefix`` followed by random digits, e.g. ``"A0371"`` or ``"DGW5820"``.

    Reproducible from the seed and the set of ids. ``taken`` holds codes already
    issued in the event (for late entrants, issued with a fresh seed), which are
    never repeated. ``digits`` defaults to 4, or more when needed to keep the
    code space ten times the number of codes in the event.
    """
    seed = _checked_seed(seed)
    ordered = _sorted_unique(competitor_ids)
    width = digits if digits is not None else code_digits(len(ordered) + len(taken))
    space = 10**width
    if len(ordered) + len(taken) > space:
        raise RuleViolation(
            "%(count)d codes do not fit in %(digits)d digits.", count=len(ordered) + len(taken), digits=width
        )
    # A stream of its own, so codes are independent of the stations drawn from the same seed.
    rng = Random(f"anonymous-codes:{seed}")
    used = set(taken)
    codes = {}
    for competitor_id in ordered:
        code = _fresh_code(rng, prefix, width, space, used)
        used.add(code)
        codes[competitor_id] = code
    return codes


def code_digits(count: int) -> int:
    """How many digits codes need so that the code space is ten times ``count`` (at least 4)."""
    width = MIN_CODE_DIGITS
    while 10**width < count * CODE_SPACE_FACTOR:
        width += 1
    return width


def _fresh_code(rng: Random, prefix: str, width: int, space: int, used: set[str]) -> str:
    """Draw codes until one is not used yet."""
    while True:
        code = f"{prefix}{int(rng.random() * space):0{width}d}"
        if code not in used:
            return code


def _shuffled(items: Sequence, rng: Random) -> list:
    """Fisher–Yates shuffle driven only by ``rng.random()``, whose sequence Python keeps stable."""
    result = list(items)
    for i in range(len(result) - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        result[i], result[j] = result[j], result[i]
    return result


def _checked_seed(seed: object) -> str:
    """The seed as a string (42 and "42" are the same draw); an empty seed is refused."""
    text = "" if seed is None else str(seed).strip()
    if not text:
        raise RuleViolation("A draw needs a seed.", field="seed")
    return text


def _sorted_unique(competitor_ids: Collection) -> list:
    """The ids in sorted order, refusing duplicates (a duplicate means a bad competitor list)."""
    ordered = sorted(competitor_ids)
    duplicates = sorted({a for a, b in pairwise(ordered) if a == b})
    if duplicates:
        raise RuleViolation(
            "Competitor %(ids)s appears more than once in the draw.", ids=", ".join(map(str, duplicates))
        )
    return ordered


def _stations(count: int, station_count: int | None, station_labels: Sequence[str] | None) -> list:
    """The station names to draw from: the labels given, or 1..station_count, or one per competitor."""
    if station_labels is not None:
        labels = list(station_labels)
        if len(set(labels)) != len(labels):
            raise RuleViolation("Station labels must be unique.", field="stations")
        if station_count is not None and station_count != len(labels):
            raise RuleViolation(
                "%(count)d station labels given for %(stations)d stations.",
                field="stations",
                count=len(labels),
                stations=station_count,
            )
        stations = labels
    else:
        stations = list(range(1, (count if station_count is None else station_count) + 1))
    if len(stations) < count:
        raise RuleViolation(
            "Not enough stations: %(stations)d for %(competitors)d competitors.",
            field="stations",
            stations=len(stations),
            competitors=count,
        )
    return stations
