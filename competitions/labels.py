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
        "labor": _l("Labor competition"),
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
    "prize": {
        "first": _l("First prize"),
        "second": _l("Second prize"),
        "third": _l("Third prize"),
        "honourable": _l("Honourable mention"),
    },
    "award_mode": {
        "bands": _l("Rank bands"),
        "proportions": _l("Proportions of entrants"),
        "medals": _l("Top three plus honourable mentions"),
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
