"""CSRF protection on every state-changing route, and the token's long life for tablets."""

from __future__ import annotations

import re
import time

from competitions.extensions import db
from tests import factories as f
from tests.conftest import csrf_token_from


def test_every_post_route_refuses_a_missing_token(csrf_app):
    client = csrf_app.test_client()
    for rule in csrf_app.url_map.iter_rules():
        for method in rule.methods & {"POST", "PUT", "PATCH", "DELETE"}:
            url = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", "1", rule.rule)
            response = client.open(url, method=method, data={"x": "1"})
            assert response.status_code == 400, f"{method} {url} accepted a request without a CSRF token"


def test_login_works_with_the_token_from_the_page(csrf_app):
    orgs = f.org_tree()
    f.user("org1", "organizer", org=orgs["city"])
    db.session.commit()
    client = csrf_app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = csrf_token_from(page)
    refused = client.post("/auth/login", data={"username": "org1", "password": "lathe-bench-2026"})
    assert refused.status_code == 400
    ok = client.post("/auth/login", data={"username": "org1", "password": "lathe-bench-2026", "csrf_token": token})
    assert ok.status_code == 302


def test_token_lives_through_a_morning_on_a_tablet(csrf_app):
    assert csrf_app.config["WTF_CSRF_TIME_LIMIT"] >= 8 * 3600


def test_a_remembered_token_still_belongs_to_one_session_and_expires(csrf_app):
    """Verified tokens are remembered per worker; another session's token or an expired one is still refused."""
    first, second = csrf_app.test_client(), csrf_app.test_client()
    token = csrf_token_from(first.get("/auth/login").get_data(as_text=True))
    csrf_token_from(second.get("/auth/login").get_data(as_text=True))
    assert first.post("/lang", data={"lang": "en"}, headers={"X-CSRFToken": token}).status_code == 302
    assert first.post("/lang", data={"lang": "zh"}, headers={"X-CSRFToken": token}).status_code == 302
    assert second.post("/lang", data={"lang": "en"}, headers={"X-CSRFToken": token}).status_code == 400
    csrf_app.config["WTF_CSRF_TIME_LIMIT"] = 1
    time.sleep(2.1)
    assert first.post("/lang", data={"lang": "en"}, headers={"X-CSRFToken": token}).status_code == 400
