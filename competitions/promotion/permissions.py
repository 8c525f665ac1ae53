"""Object checks for promotion.

* The organizer who manages a competition (``organize.permissions.can_manage``)
  evaluates it, reviews its flags and exports its roster.
* Rule sets: an organizer sees the rule sets issued within their subtree and
  above them (those apply to their competitions) and the unissued ones
  (presets, imports); edits only those issued within their own subtree.
* A worker's history: the worker themself (``/promotion/mine``), and
  organizers whose subtree employs the worker.
Anything out of reach answers 404, so its existence is not revealed.
"""

from __future__ import annotations

from flask import abort

from competitions.auth.models import User
from competitions.extensions import db
from competitions.organize.models import Competition
from competitions.organize.permissions import can_manage
from competitions.orgs.models import Worker
from competitions.orgs.services import is_within
from competitions.promotion.models import PromotionRuleSet
from competitions.promotion.rules import may_edit, visible_rule_sets


def load_competition_or_404(competition_id: int, *, for_user: User) -> Competition:
    """The competition, when ``for_user`` manages it; 404 otherwise."""
    competition = db.get_or_404(Competition, competition_id)
    if not can_manage(for_user, competition):
        abort(404)
    return competition


def load_rule_set_or_404(rule_set_id: int, *, for_user: User, edit: bool = False) -> PromotionRuleSet:
    """The rule set, when ``for_user`` may see it (and edit it, with ``edit``); 404 otherwise."""
    row = db.get_or_404(PromotionRuleSet, rule_set_id)
    if row not in visible_rule_sets(for_user):
        abort(404)
    if edit and not may_edit(for_user, row):
        abort(404)
    return row


def load_worker_or_404(worker_id: int, *, for_user: User) -> Worker:
    """The worker, when ``for_user`` is an admin or an organizer whose subtree employs them; 404 otherwise."""
    worker = db.get_or_404(Worker, worker_id)
    if for_user.has_role("admin"):
        return worker
    if not (for_user.has_role("organizer") and is_within(worker.employer, for_user.organization)):
        abort(404)
    return worker
