"""What a preliminary standing says about each competitor's qualification, in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

ROUNDS = {"preliminary": _l("Preliminary round"), "final": _l("Final round")}
STATUSES = {"computed": _l("Computed, not confirmed"), "confirmed": _l("Confirmed: the qualifiers are in the final")}


def round_label(code: str | None) -> str:
    """初赛 / 决赛 ('' for a single-round event)."""
    return str(ROUNDS[code]) if code in ROUNDS else ""


def rule_text(rule: dict) -> str:
    """The qualification rule as a sentence: "the top 8 places (all tied at the 8th place go)"."""
    if not rule:
        return _("No qualification rule yet")
    if rule.get("top") is not None:
        return _("The top %(top)s places qualify; everyone tied at place %(top)s goes too.", top=rule["top"])
    rounding = {"down": _("rounded down"), "up": _("rounded up"), "nearest": _("rounded to the nearest")}.get(
        rule.get("rounding") or "down", "")
    return _("The top %(percent)s %% of the entrants qualify (%(rounding)s); all tied at the last place go too.",
             percent=rule.get("percent"), rounding=rounding)


def reason_text(entry, cut: int, count: int) -> str:
    """Why one competitor did or did not qualify."""
    rank = entry.rank if entry.rank is not None else "—"
    if entry.reason == "within_cut":
        return _("Place %(rank)s, within the top %(cut)s", rank=rank, cut=cut)
    if entry.reason == "tied_at_cut":
        return _("Place %(rank)s, tied at the cut: all who share it qualify (%(count)s qualify)", rank=rank,
                 count=count)
    if entry.reason == "below_cut":
        return _("Place %(rank)s, below the cut (top %(cut)s)", rank=rank, cut=cut)
    if entry.reason == "did_not_pass":
        return _("Did not pass the preliminary's pass marks")
    if entry.reason == "absent":
        return _("Absent")
    if entry.reason == "disqualified":
        return _("Disqualified")
    return entry.reason
