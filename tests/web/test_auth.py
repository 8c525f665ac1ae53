"""Logging in and out, passwords, admin user management (throttling: test_login_throttle.py)."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select

from competitions.auth.models import User
from competitions.extensions import db
from tests import factories as f


def _setup(app):
    orgs = f.org_tree()
    f.user("admin", "admin", org=orgs["city"])
    f.user("org1", "organizer", org=orgs["east"])
    db.session.commit()
    return orgs


def test_login_and_logout(app, client, auth):
    _setup(app)
    response = auth.login("org1")
    assert response.status_code == 302
    page = client.get("/organize/competitions")
    assert page.status_code == 200
    auth.logout()
    assert client.get("/organize/competitions").status_code == 302


def test_password_is_hashed_not_stored(app):
    _setup(app)
    stored = db.session.execute(select(User.password_hash).where(User.username == "org1")).scalar_one()
    assert "lathe-bench-2026" not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))


def test_wrong_password_gives_clear_message(app, client, auth):
    _setup(app)
    response = auth.login("org1", "nope-nope")
    assert response.status_code == 200
    assert "Wrong username or password." in response.get_data(as_text=True) or "用户名或密码错误" in response.get_data(
        as_text=True)


def test_session_survives_ip_change(app, client, auth):
    """A tablet hopping between access points keeps its session (session protection 'basic')."""
    _setup(app)
    client.post("/auth/login", data={"username": "org1", "password": "lathe-bench-2026"},
                environ_base={"REMOTE_ADDR": "10.0.0.5"})
    page = client.get("/organize/competitions", environ_base={"REMOTE_ADDR": "10.0.0.77"})
    assert page.status_code == 200


def test_a_session_cookie_is_honoured_only_while_genuine_and_fresh(app, client, auth):
    """Verified cookies are remembered per worker; a forged or expired one still never gets in."""
    _setup(app)
    auth.login("org1")
    value = client.get_cookie("session").value

    def page_with(cookie_value: str) -> int:
        other = app.test_client()
        other.set_cookie("session", cookie_value)
        return other.get("/organize/competitions").status_code

    assert page_with(value) == 200
    assert page_with(value) == 200  # the second time from what the worker remembered
    head, signature = value.rsplit(".", 1)
    forged = head + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert page_with(forged) == 302
    app.permanent_session_lifetime = timedelta(seconds=1)
    time.sleep(2.1)
    assert page_with(value) == 302


def test_a_remembered_cookie_is_good_only_for_the_key_that_signed_it(app, app_factory, client, auth):
    _setup(app)
    auth.login("org1")
    value = client.get_cookie("session").value
    assert client.get("/organize/competitions").status_code == 200  # verified and remembered
    other = app_factory(SECRET_KEY="another-federation-key").test_client()
    other.set_cookie("session", value)
    assert other.get("/organize/competitions").status_code == 302


def test_open_redirect_is_refused(app, client):
    _setup(app)
    response = client.post("/auth/login?next=https://evil.example/x",
                           data={"username": "org1", "password": "lathe-bench-2026"})
    assert response.headers["Location"] == "/organize/"  # the organizer's own start page, never elsewhere


def test_change_password(app, client, auth):
    _setup(app)
    auth.login("org1")
    bad = client.post("/auth/password", data={"current_password": "wrong", "new_password": "newpass456",
                                               "confirm": "newpass456"})
    assert bad.status_code == 200
    short = client.post("/auth/password", data={"current_password": "lathe-bench-2026", "new_password": "12345678",
                                                 "confirm": "12345678"})
    assert short.status_code == 200
    ok = client.post("/auth/password", data={"current_password": "lathe-bench-2026", "new_password": "newpass456",
                                              "confirm": "newpass456"})
    assert ok.status_code == 302
    auth.logout()
    assert auth.login("org1", "newpass456").status_code == 302


def test_admin_creates_user_with_roles(app, client, auth):
    orgs = _setup(app)
    auth.login("admin")
    response = client.post("/auth/users/new", data={
        "username": "judge7", "display_name": "李强", "organization_id": orgs["plant"].id,
        "roles": ["judge", "organizer"], "password": "judgepass1",
    })
    assert response.status_code == 302
    created = db.session.execute(select(User).where(User.username == "judge7")).scalar_one()
    assert created.roles == {"judge", "organizer"}
    duplicate = client.post("/auth/users/new", data={
        "username": "JUDGE7", "display_name": "x", "roles": ["judge"], "password": "judgepass1"})
    assert duplicate.status_code == 200
    assert db.session.execute(select(db.func.count(User.id))).scalar_one() == 3


def test_admin_cannot_remove_own_admin_role(app, client, auth):
    _setup(app)
    auth.login("admin")
    me = db.session.execute(select(User).where(User.username == "admin")).scalar_one()
    response = client.post(f"/auth/users/{me.id}", data={"display_name": "Admin", "roles": ["organizer"],
                                                          "active": "y"})
    assert response.status_code == 200
    db.session.refresh(me)
    assert "admin" in me.roles


def test_deactivated_user_cannot_log_in(app, client, auth):
    _setup(app)
    user = db.session.execute(select(User).where(User.username == "org1")).scalar_one()
    user.active = False
    db.session.commit()
    assert auth.login("org1").status_code == 200
