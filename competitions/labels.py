"""Names shown to people for the codes stored in the database, in the user's language.

The database stores stable English codes ("city", "skills", "in_progress");
pages, exports and PDFs show these labels. ``label(kind, code)`` is exposed to
templates as ``label``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS: dict[str, dict[str, object]] = {
    "level": {
        "national": _l("National"),
        "provincial": _l("Provincial"),
        "city": _l("City"),
        "district": _l("District / county"),
        "enterprise": _l("Enterprise"),
    },
    "class": {"I": _l("Class I"), "II": _l("Class II")},
    "kind": {
        "skills": _l("Skills contest"),
        "labor": _l("Labour competition"),
        "innovation": _l("Innovation contest"),
    },
    "group": {"workers": _l("Workers"), "students": _l("Students")},
    "status": {
        "draft": _l("Draft"),
        "open": _l("Registration open"),
        "closed": _l("Registration closed"),
        "in_progress": _l("In progress"),
        "results": _l("Results"),
        "archived": _l("Archived"),
        "called_off": _l("Called off"),  # archived straight from a draft (Competition.called_off_at)
    },
    "org_kind": {
        "federation": _l("Federation"),
        "district": _l("District / county federation"),
        "enterprise": _l("Enterprise union"),
    },
    "role": {
        "admin": _l("Administrator"),
        "organizer": _l("Organizer"),
        "judge": _l("Judge"),
        "competitor": _l("Competitor"),
    },
    "skill_level": {
        5: _l("Junior worker (level 5)"),
        4: _l("Intermediate worker (level 4)"),
        3: _l("Senior worker (level 3)"),
        2: _l("Technician (level 2)"),
        1: _l("Senior technician (level 1)"),
    },
    "criterion_kind": {"measurement": _l("Measurement"), "judgement": _l("Judgement")},
    "aggregation": {
        "mean": _l("Mean"),
        "trimmed": _l("Drop highest and lowest"),
        "median": _l("Median"),
    },
    "gender": {"male": _l("Male"), "female": _l("Female")},
    "registration_status": {
        "pending": _l("Pending review"),
        "approved": _l("Approved"),
        "waitlisted": _l("Waiting list"),
        "rejected": _l("Rejected"),
        "withdrawn": _l("Withdrawn"),
    },
    "decision": {"approve": _l("approved"), "reject": _l("rejected")},
    # Late corrections (judging.corrections): after what a tablet's correction arrived.
    "correction_arrival": {"submitted": _l("after the sheet was submitted"), "signed_off": _l("after sign-off")},
    "prize": {
        "first": _l("First prize"),
        "second": _l("Second prize"),
        "third": _l("Third prize"),
        "honourable": _l("Honourable mention"),
    },
    # Promotion (competitions/promotion): the eight-level ladder and the rule form's words.
    "promotion_level": {
        "apprentice": _l("Apprentice"),
        "junior": _l("Junior worker"),
        "intermediate": _l("Intermediate worker"),
        "senior": _l("Senior worker"),
        "technician": _l("Technician"),
        "senior_technician": _l("Senior technician"),
        "principal_technician": _l("Principal technician"),
        "chief_technician": _l("Chief technician"),
    },
    "level_relation": {"at": _l("at"), "below": _l("below"), "at_or_above": _l("at or above")},
    "rounding": {"down": _l("down"), "up": _l("up"), "nearest": _l("to the nearest place")},
    "fraction_of": {"entrants": _l("entrants"), "finalists": _l("finalists")},
    "person": {"any": _l("workers and students"), "workers": _l("workers only"), "students": _l("students only")},
    "selection_kind": {
        "rank": _l("places in a range (top N)"),
        "fraction": _l("a top fraction"),
        "award": _l("prize winners"),
        "score": _l("a score threshold"),
        "team": _l("members of teams placed in a range"),
    },
    "outcome_kind": {
        "level": _l("promotion to the level"),
        "level_or_next": _l("the level, or one up if already at or above it"),
        "one_up": _l("one level up"),
        "hold": _l("no promotion for those at or above the level"),
        "honour": _l("honour title"),
        "nomination": _l("nomination"),
    },
    "flag_kind": {"level": _l("Level"), "honour": _l("Honour title"), "nomination": _l("Nomination")},
    "flag_status": {
        "pending": _l("Awaiting review"),
        "approved": _l("Approved"),
        "rejected": _l("Rejected"),
        "withdrawn": _l("Withdrawn"),
    },
    "run_trigger": {"final": _l("automatically when the results became final"), "manual": _l("by an organizer"),
                    "cli": _l("from the command line")},
    "diff": {"added": _l("New"), "withdrawn": _l("Withdrawn"), "contested": _l("Contested"),
             "restored": _l("Restored")},
    "award_mode": {
        "bands": _l("Rank bands"),
        "proportions": _l("Proportions of entrants"),
        "medals": _l("Top three plus honourable mentions"),
    },
    # Labour competitions (competitions/labour): units, periods, scorecards, entries.
    "unit_kind": {"section": _l("Project section"), "enterprise": _l("Enterprise"), "workshop": _l("Workshop"),
                  "team": _l("Work team")},
    "cadence": {"half_month": _l("Half-month"), "month": _l("Month"), "quarter": _l("Quarter"),
                "milestone": _l("Milestone")},
    "period_status": {"not_started": _l("Not started"),
                      "open": _l("Open for assessment"), "assessed": _l("Assessed"), "signed_off": _l("Signed off")},
    "indicator_kind": {"judged": _l("Judged"), "measured": _l("Measured")},
    "formula_type": {"above_target": _l("Points above or below a target"), "linear": _l("Linear between two values"),
                     "bands": _l("Threshold bands")},
    "adjustment_kind": {"bonus": _l("Bonus"), "deduction": _l("Deduction")},
    "adjustment_source": {"owner": _l("Project owner"), "supervisor": _l("Supervising engineer"),
                          "authority": _l("Higher authority"), "leading_group": _l("Competition leading group"),
                          "media": _l("Media report"), "other": _l("Other")},
    "veto_category": {"safety_accident": _l("Serious safety accident"),
                      "quality_accident": _l("Serious quality accident"), "fight": _l("Fight or mass incident"),
                      "environment": _l("Environmental incident"), "other": _l("Other")},
    "labour_aggregation": {"mean": _l("Mean"), "trimmed": _l("Drop highest and lowest")},
    # Innovation contests (competitions.innovation).
    "innovation_category": {
        "rationalization": _l("Rationalization proposal"),
        "technical": _l("Technical improvement"),
        "invention": _l("Invention"),
        "method": _l("Advanced operating method"),
    },
    "innovation_status": {
        "draft": _l("Draft"),
        "submitted": _l("Submitted, awaiting the unit's review"),
        "returned": _l("Returned for revision"),
        "withdrawn": _l("Withdrawn"),
        "passed": _l("Passed to the experts"),
        "not_adopted": _l("Not adopted"),
        "adopted": _l("Adopted"),
        "implemented": _l("Implemented"),
    },
    "innovation_action": {
        "submit": _l("submitted"), "withdraw": _l("withdrawn"), "reopen": _l("reopened"),
        "pass": _l("passed"), "return": _l("returned"), "unpass": _l("taken back"),
        "adopt": _l("adopted"), "decline": _l("declined"), "implement": _l("implemented"),
        "revert": _l("reverted"),
    },
    "innovation_button": {
        "submit": _l("Submit"), "withdraw": _l("Withdraw the entry"), "reopen": _l("Reopen as a draft"),
        "pass": _l("Pass to the experts"), "return": _l("Return for revision"), "unpass": _l("Take the pass back"),
        "adopt": _l("Adopt"), "decline": _l("Do not adopt"), "revert": _l("Revert the last decision"),
    },
}


def label(kind: str, code) -> str:
    """The label of ``code`` in the family ``kind``; the code itself when unknown."""
    if code is None or code == "":
        return ""
    value = LABELS.get(kind, {}).get(code)
    return str(value) if value is not None else str(code)


def choices(kind: str) -> list[tuple[str, str]]:
    """(code, label) pairs for a select field, in declaration order."""
    return [(str(code), str(text)) for code, text in LABELS[kind].items()]
