"""The password rule (NIST SP 800-63B: at least 8 characters, not a common password, not the username) on every
path that sets a password: own password form, the admin's user form, the CLI and the demo data."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competitions.auth.models import User
from competitions.auth.passwords import check_password
from competitions.demo import PASSWORD as DEMO_PASSWORD
from competitions.domain.errors import RuleViolation
from competitions.extensions import db
from tests import factories as f


@pytest.mark.parametrize("password, reason", [
    ("password", "most common"),
    ("Password", "most common"),
    ("password123", "most common"),
    ("qwertyuiop", "most common"),
    ("iloveyou1", "most common"),
    ("short1", "at least"),
    ("12345678912", "digits only"),
    ("xx-judge1-xx", "username"),
    ("abababababab", "three different"),
    ("x" * 129, "at most"),
])
def test_weak_passwords_are_refused_with_the_reason(app, password, reason):
    with pytest.raises(RuleViolation) as refused:
        check_password(password, username="judge1")
    assert reason in refused.value.message


@pytest.mark.parametrize("password", [DEMO_PASSWORD, f.PASSWORD, "车床与台钳-2026", "correct horse battery staple"])
def test_good_passwords_pass(app, password):
    check_password(password, username="judge1")


@pytest.fixture
def admin(app, client, auth):
    orgs = f.org_tree()
    f.user("admin", "admin", org=orgs["city"])
    db.session.commit()
    auth.login("admin")
    client.post("/lang", data={"lang": "en"})
    return orgs


def test_own_password_form_refuses_a_common_password(app, client, admin):
    response = client.post("/auth/password", data={"current_password": f.PASSWORD, "new_password": "password",
                                                   "confirm": "password"})
    assert response.status_code == 200
    assert "one of the most common passwords" in response.get_data(as_text=True)
    assert db.session.execute(select(User).where(User.username == "admin")).scalar_one().check_password(f.PASSWORD)


def test_own_password_form_says_it_in_chinese_too(app, client, admin):
    client.post("/lang", data={"lang": "zh"})
    response = client.post("/auth/password", data={"current_password": f.PASSWORD, "new_password": "password1",
                                                   "confirm": "password1"})
    assert "最常见的密码" in response.get_data(as_text=True)


def test_admin_form_refuses_a_common_password_and_creates_nothing(app, client, admin):
    response = client.post("/auth/users/new", data={"username": "judge9", "display_name": "裁判九",
                                                    "roles": ["judge"], "password": "password1"})
    assert response.status_code == 200
    assert "one of the most common passwords" in response.get_data(as_text=True)
    assert db.session.execute(select(User).where(User.username == "judge9")).scalar_one_or_none() is None


def test_cli_refuses_a_common_password(app, runner):
    result = runner.invoke(args=["users", "create", "judge9", "--name", "裁判九", "--role", "judge",
                                 "--password", "password"])
    assert result.exit_code != 0 and "most common" in result.output
    ok = runner.invoke(args=["users", "create", "judge9", "--name", "裁判九", "--role", "judge",
                             "--password", "lathe-and-vice-77"])
    assert ok.exit_code == 0, ok.output
    weak = runner.invoke(args=["users", "set-password", "judge9", "--password", "12345678"])
    assert weak.exit_code != 0
