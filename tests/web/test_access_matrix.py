"""Every route against every role, built from ``app.url_map``.

Each view declares its audience (``@public``, ``@login_required_any`` or
``@role_required``); this sweep fails when a route declares nothing. ``EXPECTED``
holds one line per endpoint: the declared audience (so a permission cannot be
widened by accident) and the status each of the seven callers gets from a real
request against a real world (so the object checks — this organizer's subtree,
this event's chief judge — are swept too, not only the role decorators):

    anonymous        not logged in
    competitor       a worker with a login and one registration in the competition
    judge            a judge on the event's panel (not its chief)
    chief            the event's chief judge (裁判长)
    other_organizer  an organizer of another district (another subtree of the same city)
    organizer        an organizer of the district that runs the competition
    admin            an administrator

A new route without a line here fails the suite (``test_every_route_has_an_entry``).
To add yours: one line ``"blueprint.endpoint": (AUDIENCE, "anon comp judge chief other org admin")``;
the seven statuses are written as numbers, ``L`` for "sent to the login page" and ``-`` for "allowed,
not sent" (a POST-only route's allowed callers are not sent an empty form: it could change the world
the next rows are checked against; refusals are what this sweep is for). If your URL has a parameter
the world does not have yet, add it to ``_world_ids``. Run this file and read the message: it prints
the statuses it saw for any line that differs.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from flask import current_app

from competitions.auth.permissions import ANY_USER, PUBLIC
from competitions.extensions import db
from competitions.judging.models import JudgeAssignment
from competitions.orgs.models import PersonClaim
from competitions.promotion.rules import load_preset
from competitions.registration.models import Registration
from competitions.results import services as results
from tests import factories as f
from tests.support.innovation_world import matrix_entry

ROLES = ("anonymous", "competitor", "judge", "chief", "other_organizer", "organizer", "admin")
STAFF = frozenset({"organizer", "admin"})
JUDGE = frozenset({"judge", "admin"})
COMPETITOR = frozenset({"competitor", "admin"})
JUDGE_OR_STAFF = frozenset({"judge", "organizer", "admin"})
ADMIN = frozenset({"admin"})

# Shapes that recur (columns: anonymous competitor judge chief other_organizer organizer admin).
EVERYONE = "200 200 200 200 200 200 200"
MANAGED = "L 403 403 403 404 200 200"       # a page of a competition the organizer manages
MANAGED_POST = "L 403 403 403 404 - -"
STAFF_LIST = "L 403 403 403 200 200 200"    # a staff page that lists only what the caller manages
ADMIN_ONLY = "L 403 403 403 403 403 200"

EXPECTED: dict[str, tuple[frozenset[str] | str, str]] = {
    # endpoint: (declared audience, "anonymous competitor judge chief other_organizer organizer admin")
    "main.index": (PUBLIC, EVERYONE),
    "main.set_language": (PUBLIC, "302 302 302 302 302 302 302"),
    "main.healthz": (PUBLIC, EVERYONE),
    "auth.login": (PUBLIC, EVERYONE),
    "auth.logout": (PUBLIC, "- - - - - - -"),
    "auth.change_password": (ANY_USER, "L 200 200 200 200 200 200"),
    "auth.users": (ADMIN, ADMIN_ONLY),
    "auth.user_new": (ADMIN, ADMIN_ONLY),
    "auth.judge_new": (STAFF, STAFF_LIST),
    "auth.user_edit": (ADMIN, ADMIN_ONLY),
    "auth.user_unlock": (ADMIN, "L 403 403 403 403 403 -"),
    "orgs.index": (STAFF, STAFF_LIST),
    "orgs.new": (ADMIN, ADMIN_ONLY),
    "orgs.edit": (ADMIN, ADMIN_ONLY),
    "people.index": (STAFF, STAFF_LIST),
    "people.person": (STAFF, MANAGED),
    "people.change": (STAFF, MANAGED_POST),
    "people.claim_code": (STAFF, MANAGED_POST),
    "people.unlink": (STAFF, MANAGED_POST),
    "people.claims": (STAFF, STAFF_LIST),
    "people.claim_codes": (STAFF, "L 403 403 403 - - -"),
    "people.decide_claim": (STAFF, MANAGED_POST),
    "people.claim": (COMPETITOR, "L 200 403 403 403 403 200"),
    "people.cancel_claim": (COMPETITOR, "L - 403 403 403 403 -"),
    "organize.index": (STAFF, STAFF_LIST),
    "organize.competitions": (STAFF, STAFF_LIST),
    "organize.competition_new": (STAFF, STAFF_LIST),
    "organize.competition": (STAFF, MANAGED),
    "organize.competition_edit": (STAFF, MANAGED),
    "organize.competition_status": (STAFF, MANAGED_POST),
    "organize.competition_copy": (STAFF, MANAGED_POST),
    "organize.event_new": (STAFF, MANAGED),
    "organize.event_edit": (STAFF, MANAGED),
    "organize.event_delete": (STAFF, MANAGED_POST),
    "organize.event_cancel": (STAFF, MANAGED_POST),
    "organize.event_copy": (STAFF, MANAGED),
    "organize.scheme": (STAFF, MANAGED),
    "api.openapi": (PUBLIC, EVERYONE),
    "api.health": (PUBLIC, EVERYONE),
    "registration.competition_page": (PUBLIC, EVERYONE),
    "registration.register": (COMPETITOR, "L 200 403 403 403 403 200"),
    "registration.mine": (COMPETITOR, "L 200 403 403 403 403 200"),
    "registration.withdraw": (COMPETITOR, "L - 403 403 403 403 -"),
    "results.own_appeal": (COMPETITOR, "L - 403 403 403 403 -"),
    "registration.manage": (STAFF, MANAGED),
    "registration.decide": (STAFF, MANAGED_POST),
    "registration.close": (STAFF, MANAGED_POST),
    "registration.reveal": (STAFF, MANAGED_POST),
    "registration.export": (STAFF, MANAGED),
    "registration.roster": (STAFF, MANAGED),
    "registration.roster_template": (STAFF, MANAGED),
    "registration.draw": (STAFF, MANAGED),
    "registration.checkin_list_pdf": (STAFF, MANAGED),
    "registration.checkin_list_xlsx": (STAFF, MANAGED),
    "judging.index": (JUDGE, "L 403 200 200 403 403 200"),
    "judging.service_worker": (PUBLIC, EVERYONE),
    "judging.tablet": (JUDGE, "L 403 200 404 403 403 404"),
    "judging.my_sheet": (JUDGE, "L 403 200 404 403 403 404"),
    "judging.submit_sheet": (JUDGE, "L 403 - - 403 403 -"),
    "judging.declare_own_conflict": (JUDGE, "L 403 - - 403 403 -"),
    "judging.chief": (JUDGE, "L 403 404 200 403 403 404"),
    "judging.readings": (JUDGE, "L 403 404 200 403 403 404"),
    "judging.decide_reading": (JUDGE, "L 403 - - 403 403 -"),
    "judging.chief_mark": (JUDGE, "L 403 - - 403 403 -"),
    "judging.sign_off": (JUDGE, "L 403 - - 403 403 -"),
    "judging.change_panel": (JUDGE, "L 403 - - 403 403 -"),
    "judging.fact_changes_read": (JUDGE, "L 403 - - 403 403 -"),
    "judging.threshold": (JUDGE, "L 403 - - 403 403 -"),
    "judging.override": (JUDGE, "L 403 - - 403 403 -"),
    "judging.reopen_sheet": (JUDGE, "L 403 - - 403 403 -"),
    "judging.chief_reopen": (JUDGE, "L 403 - - 403 403 -"),
    "judging.restore_recusal": (JUDGE, "L 403 - - 403 403 -"),
    "judging.correction_accept": (JUDGE, "L 403 404 - 403 403 404"),
    "judging.correction_decline": (JUDGE, "L 403 404 - 403 403 404"),
    "judging.manage": (STAFF, STAFF_LIST),
    "judging.assignments": (STAFF, MANAGED),
    "judging.unassign": (STAFF, MANAGED_POST),
    "judging.declare_conflict": (STAFF, MANAGED_POST),
    "judging.organizer_reopen": (STAFF, MANAGED_POST),
    "judging.audit": (STAFF, STAFF_LIST),
    "judging.audit_export": (STAFF, STAFF_LIST),
    "judging_api.sheet": (JUDGE, "401 403 200 404 403 403 404"),
    "judging_api.post_mark": (JUDGE, "401 403 - - 403 403 -"),
    "results.manage": (STAFF, MANAGED),
    "results.compute": (STAFF, MANAGED_POST),
    "results.publish": (STAFF, MANAGED_POST),
    "results.finalize": (STAFF, MANAGED_POST),
    "results.appeal_new": (STAFF, MANAGED_POST),
    "results.appeal_decide": (STAFF, MANAGED_POST),
    "results.export_xlsx": (STAFF, MANAGED),
    "results.export_pdf": (STAFF, MANAGED),
    "results.adjustments": (JUDGE_OR_STAFF, "L 403 404 200 404 200 200"),
    "results.tie_mode": (JUDGE_OR_STAFF, "L 403 - - 404 - -"),
    "results.tie_decision": (JUDGE_OR_STAFF, "L 403 - - 404 - -"),
    "results.part_absence": (JUDGE_OR_STAFF, "L 403 - - 404 - -"),
    "results.consistency": (JUDGE_OR_STAFF, "L 403 404 200 404 200 200"),
    "results.public_index": (PUBLIC, EVERYONE),
    "results.public_competition": (PUBLIC, EVERYONE),
    "results.public_event": (PUBLIC, EVERYONE),
    "results.board": (PUBLIC, EVERYONE),
    "results.calendar": (ADMIN, ADMIN_ONLY),
    "organize_api.scoring_rules": (STAFF, "401 403 403 403 404 200 200"),
    "organize_api.set_scoring_rules": (STAFF, "401 403 403 403 404 - -"),
    "results.calendar_set": (ADMIN, "L 403 403 403 403 403 -"),
    "results.calendar_remove": (ADMIN, "L 403 403 403 403 403 -"),
    # Rounds: the world's event is held once, so there is no public preliminary standing (404 for everyone);
    # the chief judge of an event may open its rounds page and compute/confirm/undo its qualification.
    "rounds.event": (JUDGE_OR_STAFF, "L 403 404 200 404 200 200"),
    "rounds.create": (STAFF, "L 403 403 403 404 - -"),
    "rounds.rule": (STAFF, "L 403 403 403 404 - -"),
    "rounds.remove": (STAFF, "L 403 403 403 404 - -"),
    "rounds.publish": (STAFF, "L 403 403 403 404 - -"),
    "rounds.compute": (JUDGE_OR_STAFF, "L 403 404 - 404 - -"),
    "rounds.confirm": (JUDGE_OR_STAFF, "L 403 404 - 404 - -"),
    "rounds.undo": (JUDGE_OR_STAFF, "L 403 404 - 404 - -"),
    "rounds.public_standing": (PUBLIC, "404 404 404 404 404 404 404"),
    "rounds_api.event": (JUDGE_OR_STAFF, "401 403 404 200 404 200 200"),
    "rounds_api.create": (STAFF, "401 403 403 403 404 - -"),
    "rounds_api.rule": (STAFF, "401 403 403 403 404 - -"),
    "rounds_api.carry": (STAFF, "401 403 403 403 404 - -"),
    "rounds_api.publish": (STAFF, "401 403 403 403 404 - -"),
    "rounds_api.compute": (JUDGE_OR_STAFF, "401 403 404 - 404 - -"),
    "rounds_api.confirm": (JUDGE_OR_STAFF, "401 403 404 - 404 - -"),
    "rounds_api.undo": (JUDGE_OR_STAFF, "401 403 404 - 404 - -"),
    "rounds_api.public_standing": (PUBLIC, "404 404 404 404 404 404 404"),
    "results_api.competition_feed": (PUBLIC, EVERYONE),
    "results_api.event_feed": (PUBLIC, EVERYONE),
    "promotion.index": (STAFF, STAFF_LIST),
    "promotion.rule_sets": (STAFF, STAFF_LIST),
    "promotion.rule_set_new": (STAFF, "L 403 403 403 - - -"),
    "promotion.rule_set_import": (STAFF, "L 403 403 403 - - -"),
    "promotion.rule_set": (STAFF, MANAGED),            # a rule set issued by the organizer's district
    "promotion.rule_set_active": (STAFF, MANAGED_POST),
    "promotion.rule_set_export": (STAFF, MANAGED),
    "promotion.rule_edit": (STAFF, MANAGED),
    "promotion.rule_delete": (STAFF, MANAGED_POST),
    "promotion.competition": (STAFF, MANAGED),
    "promotion.evaluate": (STAFF, MANAGED_POST),
    "promotion.assign": (STAFF, MANAGED_POST),
    "promotion.review": (STAFF, MANAGED_POST),
    "promotion.roster_xlsx_download": (STAFF, MANAGED),
    "promotion.roster_pdf_download": (STAFF, MANAGED),
    "promotion.worker": (STAFF, MANAGED),              # a worker employed in the organizer's subtree
    "promotion.mine": (COMPETITOR, "L 200 403 403 403 403 200"),
    "promotion_api.decisions": (STAFF, "401 403 403 403 404 200 200"),
    "promotion_api.mine": (COMPETITOR, "401 200 403 403 403 403 200"),
    "certificates.manage": (STAFF, MANAGED),
    "certificates.issue": (STAFF, MANAGED_POST),
    "certificates.participation": (STAFF, MANAGED_POST),
    "certificates.preview": (STAFF, MANAGED),
    "certificates.revoke": (STAFF, MANAGED_POST),
    "certificates.reissue": (STAFF, MANAGED_POST),
    "certificates.batch_new": (STAFF, MANAGED_POST),
    # A batch belongs to the organizer who asked for it (the world's is queued: its download redirects back).
    "certificates.batch": (STAFF, "L 403 403 403 404 200 200"),
    "certificates.batch_download": (STAFF, "L 403 403 403 404 302 302"),
    "certificates.design": (STAFF, "L 403 403 403 404 200 200"),
    "certificates.seal_image": (STAFF, "L 403 403 403 404 200 200"),
    "certificates.mine": (COMPETITOR, "L 200 403 403 403 403 200"),
    # The world's certificate is the other competitor's: a worker never downloads someone else's.
    "certificates.download": (ANY_USER, "L 404 404 404 404 200 200"),
    "verify.lookup": (PUBLIC, EVERYONE),
    "verify.verify": (PUBLIC, EVERYONE),
    "stats.dashboard": (STAFF, STAFF_LIST),
    "stats.chart_xlsx": (STAFF, "L 403 403 403 404 404 404"),  # no ?chart= named: nothing to give
    "stats.report_xlsx": (STAFF, STAFF_LIST),
    "stats.report_pdf": (STAFF, STAFF_LIST),
    "stats.jobs": (ADMIN, ADMIN_ONLY),
    "stats.run_job_now": (ADMIN, "L 403 403 403 403 403 -"),
    "stats.cancel_job_run": (ADMIN, "L 403 403 403 403 403 -"),
    "stats_api.figures": (STAFF, "401 403 403 403 200 200 200"),
    # Innovation contests: the competitor leads a submitted entry of the west district's innovation contest.
    "innovation.index": (ANY_USER, "L 200 200 200 200 200 200"),
    "innovation.new_entry": (ANY_USER, "L 200 404 404 404 404 404"),
    "innovation.edit_entry": (ANY_USER, "L 200 404 404 404 404 404"),
    "innovation.entry": (ANY_USER, "L 200 404 404 404 200 200"),
    "innovation.entrant_action": (ANY_USER, "L - 404 404 404 404 404"),
    "innovation.upload": (ANY_USER, "L - 404 404 404 404 404"),
    "innovation.delete_file": (ANY_USER, "L - 404 404 404 404 404"),
    "innovation.download": (ANY_USER, "L 200 404 404 404 200 200"),
    "innovation.certificate": (ANY_USER, "L 404 404 404 404 404 404"),
    "innovation.unit_action": (STAFF, MANAGED_POST),
    "innovation.outcome_action": (STAFF, MANAGED_POST),
    "innovation.implement": (STAFF, MANAGED_POST),
    "innovation.recommend": (STAFF, MANAGED_POST),
    "innovation.review": (STAFF, STAFF_LIST),
    "innovation.contest": (STAFF, MANAGED),
    "innovation.expert": (JUDGE, "L 403 200 200 403 403 200"),
    "innovation_api.contest_entries": (STAFF, "401 403 403 403 404 200 200"),
    "innovation_api.entry": (ANY_USER, "401 200 404 404 404 200 200"),
    "innovation_api.act": (ANY_USER, "401 - 404 404 404 - -"),
    # Labour competitions (labour): the organizer's set-up of a labour competition of the west district, the
    # assessors' tablet pages (the judge assesses every unit, the chief is its chief assessor) and the JSON.
    "labour.manage": (STAFF, STAFF_LIST),
    "labour.competition": (STAFF, MANAGED),
    "labour.units": (STAFF, MANAGED),
    "labour.unit": (STAFF, MANAGED),
    "labour.units_import": (STAFF, MANAGED_POST),
    "labour.units_template": (STAFF, MANAGED),
    "labour.add_member": (STAFF, MANAGED_POST),
    "labour.remove_member": (STAFF, MANAGED_POST),
    "labour.withdraw_unit": (STAFF, MANAGED_POST),
    "labour.reinstate_unit": (STAFF, MANAGED_POST),
    "labour.periods": (STAFF, MANAGED),
    "labour.period_edit": (STAFF, MANAGED),
    "labour.period_delete": (STAFF, MANAGED_POST),
    "labour.scorecard": (STAFF, MANAGED),
    "labour.group_edit": (STAFF, MANAGED),
    "labour.group_delete": (STAFF, MANAGED_POST),
    "labour.indicator_new": (STAFF, MANAGED),
    "labour.indicator_edit": (STAFF, MANAGED),
    "labour.indicator_delete": (STAFF, MANAGED_POST),
    "labour.assessors": (STAFF, MANAGED),
    "labour.assessor_delete": (STAFF, MANAGED_POST),
    "labour.period": (STAFF, MANAGED),
    "labour.adjustment_add": (STAFF, MANAGED_POST),
    "labour.adjustment_void": (STAFF, MANAGED_POST),
    "labour.veto_add": (STAFF, MANAGED_POST),
    "labour.veto_void": (STAFF, MANAGED_POST),
    "labour.index": (JUDGE, "L 403 200 200 403 403 200"),
    "labour.assess": (JUDGE, "L 403 200 200 403 403 404"),
    "labour.assess_unit": (JUDGE, "L 403 200 200 403 403 404"),
    "labour.chief": (JUDGE, "L 403 404 200 403 403 404"),
    "labour.close": (JUDGE, "L 403 404 - 403 403 404"),
    "labour.sign_off": (JUDGE, "L 403 404 - 403 403 404"),
    "labour.reopen": (JUDGE, "L 403 404 - 403 403 404"),
    "labour_api.competition": (STAFF, "401 403 403 403 404 200 200"),
    "labour_api.add_unit": (STAFF, "401 403 403 403 404 - -"),
    "labour_api.add_periods": (STAFF, "401 403 403 403 404 - -"),
    "labour_api.add_assessor": (STAFF, "401 403 403 403 404 - -"),
    "labour_api.save_scorecard": (STAFF, "401 403 403 403 404 - -"),
    "labour_api.period_scores": (JUDGE_OR_STAFF, "401 403 404 200 404 200 200"),
    "labour_api.add_adjustment": (STAFF, "401 403 403 403 404 - -"),
    "labour_api.add_veto": (STAFF, "401 403 403 403 404 - -"),
    "labour_api.void_adjustment": (STAFF, "401 403 403 403 404 - -"),
    "labour_api.void_veto": (STAFF, "401 403 403 403 404 - -"),
    "labour_api.withdraw_unit": (STAFF, "401 403 403 403 404 - -"),
    "labour_api.update_unit": (STAFF, "401 403 403 403 404 - -"),
    "labour_api.remove_assessor": (STAFF, "401 403 403 403 404 - -"),
    "labour_api.add_member": (STAFF, "401 403 403 403 404 - -"),
    "labour_api.update_period": (STAFF, "401 403 403 403 404 - -"),
    "labour_api.delete_period": (STAFF, "401 403 403 403 404 - -"),
    "labour_api.reinstate_unit": (STAFF, "401 403 403 403 404 - -"),
    "labour_api.close_period": (JUDGE, "401 403 404 - 403 403 404"),
    "labour_api.sign_off_period": (JUDGE, "401 403 404 - 403 403 404"),
    "labour_api.reopen_period": (JUDGE, "401 403 404 - 403 403 404"),
    "labour_api.post_scores": (JUDGE, "401 403 - - 403 403 404"),
    # Labour publication side (labour_results): the same labour competition with January published and the
    # competitor named as an advanced individual by their unit (S1, of the west power company).
    "labour_results.manage": (STAFF, MANAGED),
    "labour_results.publish": (STAFF, MANAGED_POST),
    "labour_results.unpublish": (STAFF, MANAGED_POST),
    "labour_results.correct": (STAFF, MANAGED_POST),
    "labour_results.rules": (STAFF, MANAGED),
    "labour_results.money": (STAFF, MANAGED),
    "labour_results.money_xlsx": (STAFF, MANAGED),
    "labour_results.honours_manage": (STAFF, MANAGED),
    "labour_results.honours_decide": (STAFF, MANAGED_POST),
    "labour_results.honour_withdraw": (STAFF, MANAGED_POST),
    "labour_results.nomination_decide": (STAFF, MANAGED_POST),
    "labour_results.nominate": (STAFF, MANAGED),
    "labour_results.certificates_issue": (STAFF, MANAGED_POST),
    "labour_results.public_page": (PUBLIC, EVERYONE),
    "labour_results.board": (PUBLIC, EVERYONE),
    "labour_results.public_honours": (PUBLIC, EVERYONE),
    "labour_results_api.competition_feed": (PUBLIC, EVERYONE),
    "labour_results_api.standings_feed": (PUBLIC, EVERYONE),
    "labour_results_api.honours_feed": (PUBLIC, EVERYONE),
    "labour_results_api.publish": (STAFF, "401 403 403 403 404 - -"),
    "labour_results_api.unpublish": (STAFF, "401 403 403 403 404 - -"),
    "labour_results_api.correct": (STAFF, "401 403 403 403 404 - -"),
    "labour_results_api.decide": (STAFF, "401 403 403 403 404 - -"),
    "labour_results_api.rules": (STAFF, "401 403 403 403 404 200 200"),
    "labour_results_api.withdraw_honour": (STAFF, "401 403 403 403 404 - -"),
    "labour_results_api.nominate": (STAFF, "401 403 403 403 404 - -"),
    "labour_results_api.decide_nomination": (STAFF, "401 403 403 403 404 - -"),
    "labour_results_api.issue_certificates": (STAFF, "401 403 403 403 404 - -"),
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule, app.view_functions[rule.endpoint]


def test_every_route_declares_its_audience(app):
    undeclared = [rule.rule for rule, view in _routes(app) if not hasattr(view, "access")]
    assert not undeclared, f"routes without @public/@login_required_any/@role_required: {undeclared}"


def test_every_route_has_an_entry_with_the_declared_audience(app):
    views = app.view_functions
    unlisted = sorted(set(views) - set(EXPECTED) - {"static"})
    assert not unlisted, f"routes missing from EXPECTED (decide who may open them, one line each): {unlisted}"
    for endpoint, (audience, statuses) in EXPECTED.items():
        assert endpoint in views, f"{endpoint} is gone: update EXPECTED"
        actual = views[endpoint].access
        assert actual == audience, f"{endpoint}: declared {actual}, expected {audience}"
        assert len(statuses.split()) == len(ROLES), f"{endpoint}: give one status per role {ROLES}"


def test_the_statuses_agree_with_the_declared_audience():
    """A caller outside the declared audience is refused in every line (the table cannot contradict itself)."""
    role_of = {"anonymous": None, "competitor": "competitor", "judge": "judge", "chief": "judge",
               "other_organizer": "organizer", "organizer": "organizer", "admin": "admin"}
    problems = []
    for endpoint, (audience, statuses) in EXPECTED.items():
        for caller, status in zip(ROLES, statuses.split(), strict=True):
            if not _declared_allows(audience, role_of[caller]) and status not in _REFUSED:
                problems.append(f"{endpoint}: {caller} is outside {audience} but expects {status}")
    assert not problems, "\n".join(problems)


_REFUSED = {"L", "401", "403", "404"}


def _declared_allows(audience, role: str | None) -> bool:
    if audience == PUBLIC:
        return True
    if audience == ANY_USER:
        return role is not None
    return role in audience


# ---- the world every caller is swept against -------------------------------------------------------

def _world():
    """A west-district contest on results day: one event with a panel, marks signed off, results published.

    The competitor has an approved registration; the judge sits on the panel, the chief judge leads it; the
    organizer belongs to the west district, the other organizer to the east district.
    """
    orgs = f.org_tree()
    users = {
        "competitor": f.user("competitor", "competitor", org=orgs["works"]),
        "judge": f.user("judge", "judge", org=orgs["city"]),
        "chief": f.user("chief", "judge", org=orgs["city"]),
        "other_organizer": f.user("eastorg", "organizer", org=orgs["east"]),
        "organizer": f.user("westorg", "organizer", org=orgs["west"]),
        "admin": f.user("admin", "admin", org=orgs["city"]),
    }
    helpers = [f.user(f"j{n}", "judge", org=orgs["city"]) for n in (2, 3)]
    comp = f.competition(orgs["west"], level="district")
    ev = f.event(comp)
    comp.status = "in_progress"
    judge_row = JudgeAssignment(event_id=ev.id, user_id=users["judge"].id, is_chief=False)
    db.session.add_all([judge_row, JudgeAssignment(event_id=ev.id, user_id=users["chief"].id, is_chief=True)])
    own = f.results_competitor(ev, orgs["works"], name="张伟", code="A01", station=1)
    own.worker.user_id = users["competitor"].id
    other = f.results_competitor(ev, orgs["plant"], name="李娜", code="A02", station=2)
    for reg, (theory, p1, p2) in ((own, (90, 50, 35)), (other, (80, 55, 36))):
        f.results_marks(ev, reg, [users["judge"], *helpers], theory=theory, p1=p1, p2=p2)
    f.sign_off(ev, users["chief"])
    db.session.flush()
    results.compute_provisional_results(comp, actor_id=users["organizer"].id)
    now = datetime.now(UTC)
    results.publish_results(comp, actor_id=users["organizer"].id, now=now, zone=ZoneInfo("Asia/Shanghai"))
    appeal = results.record_appeal(comp, results.AppealData(event_id=ev.id, appellant="李娜", subject="复核"),
                                   actor_id=users["organizer"].id, now=now)
    rule_set = load_preset("workers_contest", organization_id=orgs["west"].id, actor_id=None)
    rivals_certificate = f.certificate(other)
    batch = f.certificate_batch(comp, users["organizer"])
    f.seal_design(orgs["west"])
    claim = PersonClaim(worker_id=own.worker_id, user_id=users["competitor"].id)
    db.session.add(claim)
    innovation = matrix_entry(current_app, orgs, users["competitor"])
    labour = _labour_world(orgs, users, own)
    db.session.commit()
    ids = _world_ids(orgs, users, comp, ev, own, judge_row, appeal) | innovation | labour
    return users, ids | {"rule_set_id": rule_set.id, "key": "W1", "worker_id": own.worker_id,
                         "certificate_id": rivals_certificate.id, "batch_id": batch.id,
                         "number": rivals_certificate.number, "claim_id": claim.id}


def _labour_world(orgs, users, own: Registration) -> dict:
    """A labour competition of the west district (organizer's subtree): the sample scorecard, two units (one
    of the west power company with the competitor as a member), monthly periods, the judge assessing every
    unit and group, the chief as chief assessor; one bonus and one veto. Its ids, the competition's under
    the labour blueprints' names (``"<blueprint>:<parameter>"`` overrides a parameter for one blueprint)."""
    from competitions.labour import services as labour
    from competitions.labour.demo import build_metro_scorecard

    comp = f.competition(orgs["west"], name="西区地铁站建设劳动竞赛", level="district", kind="labor",
                         starts_on=datetime(2026, 1, 1).date(), ends_on=datetime(2026, 3, 31).date())
    indicators = build_metro_scorecard(comp)
    unit = labour.add_unit(comp, labour.UnitData(code="S1", name="1标段", organization_id=orgs["works"].id), actor=None)
    labour.add_unit(comp, labour.UnitData(code="S2", name="2标段"), actor=None)
    member = labour.add_member(unit, worker_id=own.worker_id, role="班组长", actor=None)
    period = labour.generate_periods(comp, cadence="month", actor=None)[0]
    assessor = labour.assign_assessor(comp, user_id=users["judge"].id, group_id=None, unit_id=None, is_chief=False,
                                      actor=None)
    labour.assign_assessor(comp, user_id=users["chief"].id, group_id=None, unit_id=None, is_chief=True, actor=None)
    bonus = labour.add_adjustment(period, labour.AdjustmentData(unit.id, "bonus", "2", "owner", "业主表扬信"),
                                  actor=None)
    veto = labour.add_veto(period, labour.VetoData(unit.id, "fight", "两班组斗殴", "通报〔2026〕1号"), actor=None)
    group_id = labour.groups_of(comp)[0].id
    ids = {"unit_id": unit.id, "member_id": member.id, "period_id": period.id, "group_id": group_id,
           "indicator_id": indicators["O1"].id, "assessor_id": assessor.id, "adjustment_id": bonus.id,
           "veto_id": veto.id}
    return ids | {f"{bp}:competition_id": comp.id for bp in ("labour", "labour_api")} | _labour_results_world(
        comp, period, unit, own)


def _labour_results_world(comp, period, unit, own: Registration) -> dict:
    """January of the labour competition published (a frozen snapshot as publishing writes it) and the
    competitor nominated as an advanced individual by their unit; the ids the publication routes need."""
    from competitions.labour_results.models import LabourHonour, LabourPublication

    row = {"unit_id": unit.id, "code": unit.code, "name": unit.name, "kind": unit.kind, "rank": 1, "tied": False,
           "total": "88.50", "groups": {}, "bonus": "2.00", "deduction": "0.00", "vetoed": False,
           "veto_reasons": [], "eligible": True}
    snapshot = {"period": {"id": period.id, "number": period.number, "name": period.name, "kind": period.kind,
                           "starts_on": period.starts_on.isoformat(), "ends_on": period.ends_on.isoformat(),
                           "weight": "1", "signed_off_at": None},
                "groups": [], "rules": {}, "rows": [row], "flag": {"holders": [unit.id], "reason": None},
                "money": [{"unit_id": unit.id, "rank": 1, "amount": "5000.00", "reason": "place"}]}
    publication = LabourPublication(competition_id=comp.id, period_id=period.id, active_period_id=period.id,
                                    period_number=period.number, version=1, status="published", snapshot=snapshot)
    honour = LabourHonour(competition_id=comp.id, kind="advanced_individual", unit_id=unit.id,
                          worker_id=own.worker_id, status="nominated",
                          active_key=f"advanced_individual:{own.worker_id}")
    db.session.add_all([publication, honour])
    db.session.flush()
    return {"publication_id": publication.id, "honour_id": honour.id,
            **{f"{bp}:competition_id": comp.id for bp in ("labour_results", "labour_results_api")}}


def _world_ids(orgs, users, comp, ev, registration: Registration, assignment, appeal) -> dict[str, int]:
    """The value of each URL parameter in the world (add yours here when a new route needs one)."""
    return {
        "competition_id": comp.id,
        "event_id": ev.id,
        "registration_id": registration.id,
        "user_id": users["judge"].id,
        "org_id": orgs["west"].id,
        "assignment_id": assignment.id,
        "appeal_id": appeal.id,
        "name": "refresh_statistics",
        "run_id": 1,  # a job run (stats.cancel_job_run): refused callers never reach it; the admin is not sent
        "correction_id": 1,
        "override_id": 1,  # a recusal override (judging.restore_recusal): refused callers never reach it
    }


def _url(rule, ids: dict[str, int]) -> str:
    blueprint = rule.endpoint.rsplit(".", 1)[0]

    def value(match):
        name = match.group(1)
        if f"{blueprint}:{name}" in ids:
            return str(ids[f"{blueprint}:{name}"])
        assert name in ids, f"{rule.rule}: no value for <{name}> in the world; add one to _world_ids"
        return str(ids[name])

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", value, rule.rule)


def _status(response) -> str:
    if response.status_code == 302 and "/auth/login" in response.headers.get("Location", ""):
        return "L"
    return str(response.status_code)


def _sweep(client, app, ids, caller: str) -> list[str]:
    """Request every route as ``caller``; the lines of EXPECTED it does not match."""
    column = ROLES.index(caller)
    problems = []
    for rule, _view in sorted(_routes(app), key=lambda item: item[0].rule):
        if rule.endpoint not in EXPECTED:
            continue  # reported by test_every_route_has_an_entry_with_the_declared_audience
        expected = EXPECTED[rule.endpoint][1].split()[column]
        url = _url(rule, ids)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method != "GET" and expected not in _REFUSED:
                continue  # allowed callers are not sent empty forms (see the module docstring); refused
            #           callers are refused for every method with the same status
            seen = _status(client.open(url, method=method))
            if seen != expected:
                problems.append(f"{rule.endpoint}: {caller} {method} {url} -> {seen}, expected {expected}")
    return problems


@pytest.mark.parametrize("caller", ROLES)
def test_every_route_answers_each_caller_as_the_table_says(app, client, auth, caller):
    _users, ids = _world()
    if caller != "anonymous":
        assert auth.login(_users[caller].username).status_code == 302
    problems = _sweep(client, app, ids, caller)
    assert not problems, "\n".join(problems)
