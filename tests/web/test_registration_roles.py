"""Who reaches which registration route: declared audiences pinned, and enforced with real requests."""

from __future__ import annotations

import pytest

from competitions.auth.permissions import PUBLIC
from competitions.extensions import db
from competitions.registration.models import Registration
from tests import factories as f

ORGANIZER = frozenset({"organizer", "admin"})
COMPETITOR = frozenset({"competitor", "admin"})
EXPECTED = {
    "registration.competition_page": PUBLIC,
    "registration.register": COMPETITOR,
    "registration.mine": COMPETITOR,
    "registration.withdraw": COMPETITOR,
    "registration.manage": ORGANIZER,
    "registration.decide": ORGANIZER,
    "registration.close": ORGANIZER,
    "registration.reveal": ORGANIZER,
    "registration.export": ORGANIZER,
    "registration.roster": ORGANIZER,
    "registration.roster_template": ORGANIZER,
    "registration.draw": ORGANIZER,
    "registration.checkin_list_pdf": ORGANIZER,
    "registration.checkin_list_xlsx": ORGANIZER,
}


def test_every_registration_route_has_the_expected_audience(app):
    declared = {endpoint: view.access for endpoint, view in app.view_functions.items()
                if endpoint.startswith("registration.")}
    assert declared == EXPECTED


@pytest.fixture
def world(app):
    orgs = f.org_tree()
    for name, role, org in (("worker", "competitor", "plant"), ("judge", "judge", "city"),
                            ("boss", "organizer", "city"), ("westie", "organizer", "west")):
        f.user(name, role, org=orgs[org])
    comp, ev = f.open_competition(orgs["city"])
    reg = Registration(event_id=ev.id, worker_id=f.worker(orgs["plant"]).id, status="pending")
    db.session.add(reg)
    db.session.commit()
    return {"comp": comp.id, "event": ev.id, "reg": reg.id}


def _urls(w):
    c, e, r = w["comp"], w["event"], w["reg"]
    return {
        "manage": ("GET", f"/registration/manage/competitions/{c}"),
        "export": ("GET", f"/registration/manage/competitions/{c}/export.xlsx"),
        "roster": ("GET", f"/registration/roster/competitions/{c}"),
        "template": ("GET", f"/registration/roster/competitions/{c}/template.xlsx"),
        "draw": ("GET", f"/registration/manage/events/{e}/draw"),
        "reveal": ("POST", f"/registration/manage/registrations/{r}/reveal"),
        "close": ("POST", f"/registration/manage/competitions/{c}/close"),
        "decide": ("POST", f"/registration/manage/competitions/{c}/decide"),
    }


@pytest.mark.parametrize("username, expected", [
    (None, 302), ("worker", 403), ("judge", 403), ("westie", 404),
])
def test_organizer_routes_refuse_everyone_else(client, auth, world, username, expected):
    if username:
        auth.login(username)
    for name, (method, url) in _urls(world).items():
        if username == "westie" and name in ("roster", "template"):
            continue  # a district inside the organizing tree submits rosters of its own workers (see below)
        response = client.open(url, method=method)
        assert response.status_code == expected, f"{username} {name}: {response.status_code}"
        if expected == 302:
            assert "/auth/login" in response.headers["Location"]


def test_organizer_reaches_the_review_pages(client, auth, world):
    auth.login("boss")
    for name, (method, url) in _urls(world).items():
        if method == "GET":
            assert client.get(url).status_code == 200, name


def test_competitor_pages_refuse_organizers_and_anonymous(client, auth, world):
    assert "/auth/login" in client.get("/registration/mine").headers["Location"]
    auth.login("boss")
    assert client.get("/registration/mine").status_code == 403
    assert client.get(f"/registration/events/{world['event']}/register").status_code == 403
    assert client.get(f"/registration/competitions/{world['comp']}").status_code == 200


def test_an_organizer_inside_the_tree_may_submit_rosters_but_not_review(client, auth, world):
    auth.login("westie")
    assert client.get(f"/registration/roster/competitions/{world['comp']}").status_code == 200
    assert client.get(f"/registration/manage/competitions/{world['comp']}").status_code == 404
