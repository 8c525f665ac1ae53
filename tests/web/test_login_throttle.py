"""Login that cannot be used against its users (issue 9 §8).

Found, and tested here: the lock message appeared only for real accounts; an unknown name was answered without a
password check (10 ms against 200 ms); five anonymous tries locked any account, the admin's included, for 15
minutes; parallel tries got 6–8 checks through per window; ``password`` was accepted as a password.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from competitions.auth.models import LoginThrottle, User
from competitions.db import utcnow
from competitions.domain import login_throttle as rules
from competitions.extensions import db
from tests import factories as f

WRONG = "Wrong username or password."
SLOW = "Too many login attempts."


@pytest.fixture
def accounts(app):
    orgs = f.org_tree()
    f.user("admin", "admin", org=orgs["city"])
    f.user("judge1", "judge", org=orgs["city"])
    db.session.commit()
    return orgs


def _try(app, username, password="not-the-password", *, address="203.0.113.9", client=None):
    client = client or app.test_client()
    response = client.post("/auth/login", data={"username": username, "password": password},
                           environ_base={"REMOTE_ADDR": address}, headers={"Accept-Language": "en"})
    return response


def _answer(response) -> str:
    if response.status_code == 302:
        return "in"
    text = response.get_data(as_text=True)
    if SLOW in text:
        return "slow"
    return "wrong" if WRONG in text else "other"


def test_an_unknown_name_gets_the_same_answers_as_a_real_account_at_every_try(app, accounts):
    real = [_answer(_try(app, "judge1")) for _ in range(rules.PAIR.free + 3)]
    unknown = [_answer(_try(app, "no-such-judge")) for _ in range(rules.PAIR.free + 3)]
    assert real == unknown
    assert real[:rules.PAIR.free] == ["wrong"] * rules.PAIR.free and real[-1] == "slow"


def test_an_unknown_name_costs_the_same_password_check_as_a_wrong_password(app, accounts, monkeypatch):
    """The same scrypt work (same parameters, once) for an unknown name as for a real one, so the same time."""
    calls = []
    real_scrypt = hashlib.scrypt

    def counting_scrypt(*args, **kwargs):
        calls.append((kwargs.get("n"), kwargs.get("r"), kwargs.get("p")))
        return real_scrypt(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting_scrypt)
    _try(app, "judge1")
    known = list(calls)
    calls.clear()
    _try(app, "no-such-judge")
    assert known and calls == known


def test_anonymous_tries_never_lock_the_admin_out(app, accounts):
    admin_tablet = app.test_client()
    assert _try(app, "admin", f.PASSWORD, address="10.1.1.1", client=admin_tablet).status_code == 302
    admin_tablet.post("/auth/logout")
    # Strangers try the admin's account from many addresses, far past every budget...
    for n in range(rules.ACCOUNT.free + rules.PAIR.free + 5):
        _try(app, "admin", address=f"198.51.100.{n % 7}")
    assert _answer(_try(app, "admin", address="198.51.100.1")) == "slow"
    # ...and the admin, on the device they logged in from before, gets in at once.
    assert _try(app, "admin", f.PASSWORD, address="10.1.1.1", client=admin_tablet).status_code == 302


def test_a_judge_on_a_new_tablet_is_not_locked_by_a_strangers_five_tries(app, accounts):
    for _ in range(rules.PAIR.free + 2):
        _try(app, "judge1", address="198.51.100.20")
    assert _try(app, "judge1", f.PASSWORD, address="10.2.2.2").status_code == 302


def test_the_slow_down_ends_by_itself_and_an_admin_can_clear_it(app, accounts, client, auth, monkeypatch):
    for _ in range(rules.PAIR.free + 1):
        _try(app, "judge1")
    assert _answer(_try(app, "judge1", f.PASSWORD)) == "slow"
    later = utcnow() + timedelta(seconds=rules.wait_after(rules.PAIR.free + 1, rules.PAIR) + 1)
    monkeypatch.setattr("competitions.auth.services.utcnow", lambda: later)
    assert _try(app, "judge1", f.PASSWORD).status_code == 302
    monkeypatch.undo()
    for _ in range(rules.PAIR.free + 1):
        _try(app, "judge1")
    assert _answer(_try(app, "judge1", f.PASSWORD)) == "slow"
    auth.login("admin")
    judge = db.session.execute(select(User).where(User.username == "judge1")).scalar_one()
    assert client.post(f"/auth/users/{judge.id}/unlock").status_code == 302
    assert _try(app, "judge1", f.PASSWORD).status_code == 302


def test_the_cli_clears_an_accounts_failed_attempts(app, accounts, runner):
    for _ in range(rules.PAIR.free + 1):
        _try(app, "judge1")
    result = runner.invoke(args=["users", "unlock", "judge1"])
    assert result.exit_code == 0, result.output
    assert _try(app, "judge1", f.PASSWORD).status_code == 302


def test_parallel_tries_get_no_more_checks_than_the_budget(app, accounts):
    """A burst of simultaneous wrong passwords, each from its own worker thread: at most the free tries are checked."""
    burst = rules.PAIR.free * 3
    barrier = threading.Barrier(burst)
    answers = []

    def attempt():
        client = app.test_client()
        barrier.wait()
        answers.append(_answer(_try(app, "judge1", client=client)))

    threads = [threading.Thread(target=attempt) for _ in range(burst)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == burst and set(answers) <= {"wrong", "slow"}
    assert answers.count("wrong") <= rules.PAIR.free
    assert answers.count("wrong") >= 1


def test_throttling_stores_no_name_or_address_in_clear(app, accounts):
    _try(app, "judge1", address="198.51.100.77")
    keys = db.session.execute(select(LoginThrottle.key)).scalars().all()
    assert keys and not any("judge1" in key or "198.51.100.77" in key for key in keys)
    assert db.session.execute(select(func.count()).select_from(LoginThrottle)).scalar_one() == 3
