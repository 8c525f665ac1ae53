"""Login answers: an unknown name must take as long as a real name with a wrong password.

An attacker who times the login form learns which names are accounts if an
unknown name is answered without a password check (session 1 measured 10 ms
against 200 ms). Measured in the same run, through the real login form (test
client, CSRF off, production-strength scrypt), each try from its own client
address so the throttling never answers first:

* ``wrong_password_ms``: median answer for a real account with a wrong password;
* ``unknown_name_ms``: median answer for a name that is no account;
* ``ratio_unknown_vs_known`` = unknown / wrong; target: between 0.9 and 1.1.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

NAME = "login"
DESCRIPTION = "Unknown names vs wrong passwords at the login form: the same time (target ratio 0.9-1.1)."


def _median_ms(client, username: str, tries: int, first_address: int) -> float:
    times = []
    for n in range(tries):
        address = f"10.{(first_address + n) // 250 % 250}.{(first_address + n) % 250}.7"
        started = time.perf_counter()
        response = client.post("/auth/login", data={"username": username, "password": "not-the-password-1"},
                               environ_base={"REMOTE_ADDR": address})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(times)


def run(quick: bool) -> dict:
    """Time both kinds of failed login, interleaved in rounds so machine load hits both alike."""
    from competitions import create_app
    from competitions.auth.services import create_user
    from competitions.extensions import db

    tries = 10 if quick else 40
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'login.sqlite3'}"
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                                     "PASSWORD_HASH_METHOD": "scrypt"})
        with app.app_context():
            db.create_all()
            create_user(username="judge1", display_name="裁判一", password="lathe-and-vice-77", roles=("judge",),
                        organization_id=None)
            db.session.commit()
            client = app.test_client()
            _median_ms(client, "judge1", 2, 60000)  # warm up (dummy hash made once per process)
            _median_ms(client, "nobody-here", 2, 60100)
            known, unknown = [], []
            for round_ in range(4):
                known.append(_median_ms(client, "judge1", tries // 4 or 1, round_ * 1000))
                unknown.append(_median_ms(client, f"nobody-{round_}", tries // 4 or 1, round_ * 1000 + 500))
            db.engine.dispose()
    wrong_ms, unknown_ms = statistics.median(known), statistics.median(unknown)
    ratio = round(unknown_ms / wrong_ms, 2)
    return {"tries_each": tries, "wrong_password_ms": round(wrong_ms, 1), "unknown_name_ms": round(unknown_ms, 1),
            "ratio_unknown_vs_known": ratio, "targets_met": 0.9 <= ratio <= 1.1}
