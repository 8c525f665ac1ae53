"""Demo data of the publication side: the demo labour competition (``labour.demo``) in its third month has
September and October published — their rankings, the red flag's holder and the money — under rules a
metro line's assessment rules would state. Loading twice changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from competitions.extensions import db
from competitions.labour.models import LabourPeriod
from competitions.labour_results.publication import active_publication, publish_period
from competitions.labour_results.rules import rules_of, save_rules

DEMO_RULES = {
    "tie_break": ["deductions", "group:SAFE"], "veto_placement": "unplaced", "flag_on_tie": "none",
    "rewards": ["50000", "30000", "20000"], "last_place_penalty": "20000", "veto_money": "penalty",
    "veto_penalty": "50000", "money_ties": "share", "combine": "weighted_sum", "missing": "zero",
    "veto_count": "zero", "honours_veto_limit": 1, "cumulative_tie_break": ["flags", "vetoes"],
    "honours": [{"kind": "advanced_collective", "count": 3, "participant_kinds": ["section", "enterprise"]},
                {"kind": "workers_pioneer", "count": 1, "participant_kinds": ["team", "section"]}],
    "individuals_per_honoured_unit": 3, "individuals_per_other_unit": 1,
}


def load_publication_demo(competition, organizer) -> None:
    """The demo competition's publication rules and its two signed-off months published (once)."""
    if competition is None:
        return
    if rules_of(competition.id).id is None:
        save_rules(competition, DEMO_RULES, actor_id=organizer.id)
    periods = db.session.execute(select(LabourPeriod).where(
        LabourPeriod.competition_id == competition.id, LabourPeriod.status == "signed_off")
        .order_by(LabourPeriod.number)).scalars()
    for period in periods:
        if active_publication(period.id) is None:
            publish_period(period, actor_id=organizer.id, now=datetime(2026, 11, 5, 9, 0, tzinfo=UTC)
                           if period.number == 2 else datetime(2026, 10, 8, 9, 0, tzinfo=UTC))
    db.session.flush()
