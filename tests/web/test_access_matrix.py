"""Every route against every role, built from ``app.url_map``.

Each view declares its audience (``@public``, ``@login_required_any`` or
``@role_required``); this sweep fails when a route declares nothing, and checks
the server enforces the declaration for anonymous visitors and each role with a
real request. ``EXPECTED`` pins the audience of every route, so a permission
cannot be widened by accident, and a new route cannot appear, without this
table changing too. Object checks (subtree, chief judge, recusal) are tested
in each blueprint's own tests.
"""

from __future__ import annotations

import re

import pytest

from competitions.auth.permissions import ANY_USER, PUBLIC
from competitions.extensions import db
from tests import factories as f

ROLES = ("anonymous", "competitor", "judge", "organizer", "admin")
STAFF = {"organizer", "admin"}
JUDGE = {"judge", "admin"}
COMPETITOR = {"competitor", "admin"}
JUDGE_OR_STAFF = {"judge", "organizer", "admin"}

EXPECTED = {
    "main.index": PUBLIC,
    "main.set_language": PUBLIC,
    "main.healthz": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.change_password": ANY_USER,
    "auth.users": {"admin"},
    "auth.user_new": {"admin"},
    "auth.user_edit": {"admin"},
    "auth.user_unlock": {"admin"},
    "orgs.index": STAFF,
    "orgs.new": {"admin"},
    "orgs.edit": {"admin"},
    "organize.index": STAFF,
    "organize.competitions": STAFF,
    "organize.competition_new": STAFF,
    "organize.competition": STAFF,
    "organize.competition_edit": STAFF,
    "organize.competition_status": STAFF,
    "organize.competition_copy": STAFF,
    "organize.event_new": STAFF,
    "organize.event_edit": STAFF,
    "organize.event_delete": STAFF,
    "organize.event_copy": STAFF,
    "organize.scheme": STAFF,
    "api.openapi": PUBLIC,
    "api.health": PUBLIC,
    "registration.competition_page": PUBLIC,
    "registration.register": COMPETITOR,
    "registration.mine": COMPETITOR,
    "registration.withdraw": COMPETITOR,
    "registration.manage": STAFF,
    "registration.decide": STAFF,
    "registration.close": STAFF,
    "registration.reveal": STAFF,
    "registration.export": STAFF,
    "registration.roster": STAFF,
    "registration.roster_template": STAFF,
    "registration.draw": STAFF,
    "registration.checkin_list_pdf": STAFF,
    "registration.checkin_list_xlsx": STAFF,
    "judging.index": JUDGE,
    "judging.tablet": JUDGE,
    "judging.my_sheet": JUDGE,
    "judging.submit_sheet": JUDGE,
    "judging.declare_own_conflict": JUDGE,
    "judging.chief": JUDGE,
    "judging.chief_mark": JUDGE,
    "judging.sign_off": JUDGE,
    "judging.threshold": JUDGE,
    "judging.override": JUDGE,
    "judging.reopen_sheet": JUDGE,
    "judging.manage": STAFF,
    "judging.assignments": STAFF,
    "judging.unassign": STAFF,
    "judging.declare_conflict": STAFF,
    "judging.audit": STAFF,
    "judging.audit_export": STAFF,
    "judging_api.sheet": JUDGE,
    "judging_api.post_mark": JUDGE,
    "results.manage": STAFF,
    "results.compute": STAFF,
    "results.publish": STAFF,
    "results.finalize": STAFF,
    "results.appeal_new": STAFF,
    "results.appeal_decide": STAFF,
    "results.export_xlsx": STAFF,
    "results.export_pdf": STAFF,
    "results.adjustments": JUDGE_OR_STAFF,
    "results.tie_mode": JUDGE_OR_STAFF,
    "results.tie_decision": JUDGE_OR_STAFF,
    "results.consistency": JUDGE_OR_STAFF,
    "results.public_index": PUBLIC,
    "results.public_competition": PUBLIC,
    "results.public_event": PUBLIC,
    "results.board": PUBLIC,
    "results_api.competition_feed": PUBLIC,
    "results_api.event_feed": PUBLIC,
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule, app.view_functions[rule.endpoint]


def test_every_route_declares_its_audience(app):
    undeclared = [rule.rule for rule, view in _routes(app) if not hasattr(view, "access")]
    assert not undeclared, f"routes without @public/@login_required_any/@role_required: {undeclared}"


def test_every_route_has_the_expected_audience(app):
    views = app.view_functions
    unlisted = sorted(set(views) - set(EXPECTED) - {"static"})
    assert not unlisted, f"routes missing from EXPECTED (decide who may open them): {unlisted}"
    for endpoint, expected in EXPECTED.items():
        assert endpoint in views, f"{endpoint} is gone: update EXPECTED"
        actual = views[endpoint].access
        assert actual == expected, f"{endpoint}: declared {actual}, expected {expected}"


def _url(rule) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", "1", rule.rule)


def _allowed(access, role: str) -> bool:
    if access == PUBLIC:
        return True
    if access == ANY_USER:
        return role != "anonymous"
    return role in access


@pytest.mark.parametrize("role", ROLES)
def test_server_enforces_each_route_for_each_role(app, client, auth, role):
    orgs = f.org_tree()
    if role != "anonymous":
        f.user("someone", role, org=orgs["city"])
    comp = f.competition(orgs["city"])
    f.event(comp)
    db.session.commit()
    if role != "anonymous":
        assert auth.login("someone").status_code == 302
    problems = []
    for rule, view in _routes(app):
        url = _url(rule)
        allowed = _allowed(view.access, role)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if allowed and method != "GET":
                continue  # posting empty forms as an allowed user may change state; refusals are what we sweep
            response = client.open(url, method=method)
            denied = response.status_code in (401, 403) or (
                response.status_code == 302 and "/auth/login" in response.headers.get("Location", ""))
            if allowed and denied:
                problems.append(f"{role} refused {method} {url} ({response.status_code})")
            if not allowed and not denied:
                problems.append(f"{role} reached {method} {url} ({response.status_code})")
            if response.status_code >= 500:
                problems.append(f"{role} {method} {url} -> {response.status_code}")
    assert not problems, "\n".join(problems)
