"""Sessions can be ended: logout, a password change and an admin's deactivation end every session and remember-me
cookie of the account, on pages and on the JSON API at the very next call; the remember-me token is new on every
login; production marks every cookie Secure, HttpOnly and SameSite."""

from __future__ import annotations

import time

import pytest

from competitions import create_app
from competitions.extensions import db
from tests import factories as f

SESSION = "session"
REMEMBER = "remember_token"


@pytest.fixture
def setup(app):
    orgs = f.org_tree()
    judge = f.user("judge1", "judge", org=orgs["city"])
    f.user("admin", "admin", org=orgs["city"])
    comp = f.competition(orgs["city"])
    ev = f.event(comp)
    f.judging_panel(ev, [judge])
    db.session.commit()
    return {"event": ev, "judge": judge}


def _login(client, username="judge1", password=f.PASSWORD, remember=False):
    data = {"username": username, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/auth/login", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def _copy(app, client, *names):
    """A second browser holding copies of ``client``'s cookies ``names`` (a stolen or left-behind cookie)."""
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        other.set_cookie(name, cookie.value)
    return other


def _logged_in(client) -> bool:
    return client.get("/auth/password").status_code == 200


def _sheet(client, setup) -> int:
    return client.get(f"/api/v1/judging/events/{setup['event'].id}/sheet").status_code


def test_logout_ends_a_copied_session_cookie(app, client, setup):
    _login(client)
    copy = _copy(app, client, SESSION)
    assert _logged_in(copy)
    client.post("/auth/logout")
    assert not _logged_in(copy)


def test_logout_ends_every_session_of_the_account(app, client, setup):
    tablet = app.test_client()
    _login(tablet)
    _login(client)
    client.post("/auth/logout")
    assert not _logged_in(tablet)


def test_the_api_refuses_an_ended_session_at_the_next_call_even_when_this_worker_verified_its_cookie(
        app, client, setup):
    _login(client)
    copy = _copy(app, client, SESSION)
    assert _sheet(copy, setup) == 200  # the worker has now verified and remembered this cookie
    assert _sheet(copy, setup) == 200
    client.post("/auth/logout")
    assert _sheet(copy, setup) == 401


def test_a_password_change_ends_every_other_session_and_remember_cookie_but_keeps_this_device(app, client, setup):
    tablet = app.test_client()
    _login(tablet, remember=True)
    remembered = _copy(app, tablet, REMEMBER)
    _login(client)
    before = _copy(app, client, SESSION)
    response = client.post("/auth/password", data={"current_password": f.PASSWORD, "new_password": "lathe-and-vice-77",
                                                   "confirm": "lathe-and-vice-77"})
    assert response.status_code == 302
    assert _logged_in(client)
    assert not _logged_in(before)
    assert not _logged_in(tablet)
    assert not _logged_in(remembered)
    assert _sheet(remembered, setup) == 401


def test_an_admins_deactivation_ends_the_accounts_sessions_for_good(app, client, setup):
    judge = app.test_client()
    _login(judge, remember=True)
    remembered = _copy(app, judge, REMEMBER)
    _login(client, "admin")
    user = setup["judge"]
    form = {"display_name": "Judge1", "roles": ["judge"], "organization_id": str(user.organization_id)}
    assert client.post(f"/auth/users/{user.id}", data=form).status_code == 302  # "active" unticked
    assert not _logged_in(judge)
    assert _sheet(judge, setup) == 401
    form["active"] = "y"
    assert client.post(f"/auth/users/{user.id}", data=form).status_code == 302
    assert not _logged_in(judge) and not _logged_in(remembered)  # reactivating revives no old login
    assert _logged_in(_login_fresh(app))


def _login_fresh(app):
    fresh = app.test_client()
    _login(fresh)
    return fresh


def test_an_admins_password_reset_ends_the_accounts_sessions(app, client, setup):
    judge = app.test_client()
    _login(judge)
    _login(client, "admin")
    user = setup["judge"]
    form = {"display_name": "Judge1", "roles": ["judge"], "organization_id": str(user.organization_id),
            "active": "y", "password": "lathe-and-vice-77"}
    assert client.post(f"/auth/users/{user.id}", data=form).status_code == 302
    assert not _logged_in(judge)


def test_the_remember_token_is_new_on_every_login_and_works_alone(app, setup):
    tokens = []
    for _ in range(3):
        browser = app.test_client()
        _login(browser, remember=True)
        tokens.append(browser.get_cookie(REMEMBER).value)
    assert len(set(tokens)) == 3
    assert _logged_in(_copy(app, browser, REMEMBER))  # the remember cookie alone logs the device back in


def test_a_login_older_than_the_remember_duration_is_over(app, client, setup, monkeypatch):
    _login(client, remember=True)
    remembered = _copy(app, client, REMEMBER)
    later = time.time() + app.config["REMEMBER_COOKIE_DURATION"].total_seconds() + 60
    monkeypatch.setattr("competitions.auth.principal.time.time", lambda: later)
    assert not _logged_in(remembered)
    assert not _logged_in(client)


def test_production_marks_every_cookie_secure_httponly_and_samesite(app_factory, tmp_path):
    url = f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    production = create_app("production", {"SECRET_KEY": "k" * 32, "SQLALCHEMY_DATABASE_URI": url,
                                            "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    with production.app_context():
        db.create_all()
        f.user("judge1", "judge")
        db.session.commit()
        response = production.test_client().post("/auth/login", data={
            "username": "judge1", "password": f.PASSWORD, "remember": "y"})
        db.engine.dispose()
    cookies = {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}
    assert set(cookies) == {SESSION, REMEMBER, "login_device"}
    for name, header in cookies.items():
        flags = {part.strip().lower() for part in header.split(";")}
        assert {"secure", "httponly", "samesite=lax"} <= flags, f"{name}: {header}"
