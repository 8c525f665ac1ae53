"""Every route against every role, built from ``app.url_map``.

Each view declares its audience (``@public``, ``@login_required_any`` or
``@role_required``); this sweep fails when a route declares nothing, and checks
the server enforces the declaration for anonymous visitors and each role with a
real request. ``EXPECTED`` pins the audience of the foundation's routes, so a
permission cannot be widened by accident without this table changing too.
"""

from __future__ import annotations

import re

import pytest

from competitions.auth.permissions import ANY_USER, PUBLIC
from competitions.extensions import db
from tests import factories as f

ROLES = ("anonymous", "competitor", "judge", "organizer", "admin")
STAFF = {"organizer", "admin"}

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
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule, app.view_functions[rule.endpoint]


def test_every_route_declares_its_audience(app):
    undeclared = [rule.rule for rule, view in _routes(app) if not hasattr(view, "access")]
    assert not undeclared, f"routes without @public/@login_required_any/@role_required: {undeclared}"


def test_foundation_routes_have_the_expected_audience(app):
    views = app.view_functions
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
