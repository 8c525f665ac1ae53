"""Results: from signed-off marks to published, appealed and final standings.

The stage's operations live in one module per concept; this module keeps
their names importable as ``results.services.<name>`` for callers (views, CLI,
jobs, other stages, tests):

* ``results.standing``: scoring, ranking and awarding each event from its
  signed-off marks, and computing the provisional snapshot.
* ``results.adjustments``: time used, deductions, disqualifications, the tie
  mode and the chief judge's tie decisions.
* ``results.snapshots``: looking up and reading the persisted snapshots.
* ``results.publication``: the public notice period (成绩公示) and final results.
* ``results.appeals``: appeals (申诉) and their decisions.
"""

from __future__ import annotations

from competitions.results.adjustments import (  # noqa: F401
    AdjustmentData,
    _adjustment_dict,
    _require_event_open_for_changes,
    part_absences,
    record_adjustment,
    record_part_absence,
    record_tie_decision,
    set_tie_mode,
    undo_part_absence,
)
from competitions.results.appeals import AppealData, decide_appeal, record_appeal, reopen_event_for_appeal  # noqa: F401
from competitions.results.publication import (  # noqa: F401
    DEFAULT_NOTICE_DAYS,
    MAX_NOTICE_DAYS,
    due_snapshots,
    finalize_blocker,
    finalize_results,
    notice_end,
    publish_results,
)
from competitions.results.snapshots import (  # noqa: F401
    PUBLIC_ROWS_SQL,
    EntryRow,
    PublicRow,
    _appeals_of,
    _lock,
    _sign_off,
    _upheld_appeals,
    current_snapshot,
    entries_by_event,
    may_compute,
    public_rows,
    public_snapshot,
    published_competitions,
    purge_provisional,
    ranked_events,
    snapshots_of,
    unsigned_events,
)
from competitions.results.standing import (  # noqa: F401
    AWARD_METHODS,
    COMPUTABLE_STATUSES,
    MARKS_SQL,
    EventStanding,
    PanelMark,
    _people,
    _write_entries,
    adjustments_of,
    award_rule_of,
    check_publishable,
    codes_of,
    competitor_ids,
    compute_provisional_results,
    cyclic_gc_paused,
    event_standing,
    is_chief_judge,
    judge_report,
    load_marks,
    load_panels,
    problem_message,
    scheme_of,
    standardised_scores,
    tie_mode_of,
)
