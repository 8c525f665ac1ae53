"""Headers every answer carries, no inline script anywhere, and no stored copy of a page with personal data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from competitions import create_app
from competitions.auth.models import User
from competitions.extensions import db
from tests import factories as f
from tests.web.test_access_matrix import _routes, _url, _world

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def _directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


def _inline_code(html: str) -> list[str]:
    return [m.group(0)[:80] for pattern in (INLINE_SCRIPT, HANDLER, JS_URL) for m in pattern.finditer(html)]


def test_every_template_keeps_scripts_and_handlers_in_static_files():
    found = {str(path.relative_to(TEMPLATES)): _inline_code(path.read_text())
             for path in TEMPLATES.rglob("*.html")}
    assert not {name: hits for name, hits in found.items() if hits}


def test_the_policy_forbids_inline_scripts_and_framing_by_other_sites(client):
    response = client.get("/")
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other host
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "Strict-Transport-Security" not in response.headers  # development and tests run on plain HTTP


def test_production_asks_browsers_for_https_only(app_factory):
    production = create_app("production", {"SECRET_KEY": "k" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    response = production.test_client().get("/auth/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("caller", ["competitor", "judge", "chief", "organizer", "admin"])
def test_no_page_of_a_logged_in_user_may_be_stored(app, client, auth, caller):
    """Every GET route a logged-in caller can open answers ``no-store`` and carries no inline script."""
    users, ids = _world()
    auth.login(users[caller].username)
    problems = []
    for rule, _view in _routes(app):
        if "GET" not in rule.methods or "<path:" in rule.rule:
            continue
        response = client.get(_url(rule, ids))
        if response.headers.get("Cache-Control") != "no-store":
            problems.append(f"{rule.endpoint}: Cache-Control {response.headers.get('Cache-Control')!r}")
        if response.mimetype == "text/html" and _inline_code(response.get_data(as_text=True)):
            problems.append(f"{rule.endpoint}: inline code {_inline_code(response.get_data(as_text=True))}")
    assert not problems, "\n".join(problems)


def test_public_results_stay_cacheable_for_visitors_and_static_files_are_not_no_store(app):
    _users, ids = _world()
    visitor = app.test_client()
    page = visitor.get(f"/results/public/competitions/{ids['competition_id']}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "public, max-age=60"
    assert "no-store" not in visitor.get("/static/css/app.css").headers.get("Cache-Control", "")
    assert visitor.get("/auth/login").headers["Cache-Control"] == "no-store"  # a form with a token


def test_the_same_public_page_is_not_stored_for_a_logged_in_user(app, client, auth):
    users, ids = _world()
    auth.login(users["organizer"].username)
    page = client.get(f"/results/public/competitions/{ids['competition_id']}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"


def test_a_logged_in_users_language_switch_is_a_post_with_the_token(app, client, auth):
    orgs = f.org_tree()
    f.user("org1", "organizer", org=orgs["city"])
    db.session.commit()
    auth.login("org1")
    html = client.get("/organize/competitions").get_data(as_text=True)
    form = re.search(r'<form method="(\w+)" action="/lang"[^>]*>\s*<input type="hidden" name="csrf_token"', html)
    assert form and form.group(1) == "post"
    client.get("/lang?lang=en")
    assert db.session.execute(select(User.locale).where(User.username == "org1")).scalar_one() is None
    client.post("/lang", data={"lang": "en"})
    assert db.session.execute(select(User.locale).where(User.username == "org1")).scalar_one() == "en"
