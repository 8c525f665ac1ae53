"""Names shown for the results stage's stored codes: prizes, snapshot states, appeal decisions, tie modes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from competitions.labels import LABELS

PRIZES = LABELS["prize"]
SNAPSHOT_STATUSES = {"provisional": _l("Provisional (not public)"), "published": _l("On public notice"),
                     "final": _l("Final"), "superseded": _l("Superseded")}
APPEAL_DECISIONS = {"pending": _l("Pending"), "upheld": _l("Upheld"), "dismissed": _l("Dismissed")}
TIE_MODES = {"shared": _l("Shared places (1, 2, 2, 4)"), "no_tied_places": _l("No tied places: chief judge decides")}


def prize_label(code: str | None) -> str:
    """The prize's name in the user's language ('' for none)."""
    return str(PRIZES[code]) if code in PRIZES else ""


def outcome_label(entry) -> str:
    """What a standing row says in its prize column: disqualified, did not pass, or the prize ('' for none).

    ``entry`` is any result row with ``disqualified``, ``passed`` and ``prize`` (``ResultEntry`` and its
    read-only row shapes).
    """
    if getattr(entry, "round_reached", None) == "preliminary":
        return str(_l("Did not qualify"))  # for the final (rounds): listed with their preliminary place
    if entry.disqualified:
        return str(_l("Disqualified"))
    if getattr(entry, "absent", False):
        return str(_l("Absent"))
    if getattr(entry, "passed", None) is False:
        return str(_l("Did not pass"))
    return prize_label(entry.prize)


def results_label(kind: str, code: str | None) -> str:
    """The label of a results code in the family ``kind`` (snapshot, appeal, tie_mode)."""
    family = {"snapshot": SNAPSHOT_STATUSES, "appeal": APPEAL_DECISIONS, "tie_mode": TIE_MODES}[kind]
    return str(family[code]) if code in family else (code or "")


def format_time_used(seconds: int | None) -> str:
    """Time used as m:ss (85:30), as score sheets write it."""
    if seconds is None:
        return ""
    return f"{seconds // 60}:{seconds % 60:02d}"
