"""Property-based fuzzing (hypothesis) of every form a role can reach, and of the roster importer (issue 9 §7).

Every POST form is found the way a person finds it: by following the site's links as each role (admin,
organizer, chief judge, judge, competitor, and anonymous for the login form), from every stage of a
competition. Each example posts one form with each field either a value the page offered or a hostile one
(control characters, ``1e400``, 2**63, ``1_0``, Arabic-Indic digits, year 9999 or 1, ``//evil.example``, ...).

The properties:
* no answer is a server error (5xx);
* no partial write: when the request was refused (a 4xx, the page shown again with an error, or a redirect
  with an error message) the whole database is unchanged, row for row.

The figures (inputs tried, 5xx seen) are written to ``tests/artifacts/fuzz-forms.json`` and stated in the README.
Sizes are chosen to fit CI (``FUZZ_FORM_EXAMPLES``, ``FUZZ_ROSTER_EXAMPLES``); raise them locally to search longer.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competitions.domain.errors import CompetitionError
from competitions.extensions import db
from tests import factories as f
from tests.support import fuzz

FORM_EXAMPLES = int(os.environ.get("FUZZ_FORM_EXAMPLES", "300"))
ROSTER_EXAMPLES = int(os.environ.get("FUZZ_ROSTER_EXAMPLES", "100"))
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
# Forms that end the fuzzing user's own session or credentials: they are tested by their own tests.
NOT_FUZZED = ("/auth/logout", "/auth/password", "/lang")
_SETTINGS = dict(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))


def _clients(app) -> dict:
    clients = {"anonymous": app.test_client()}
    for role in fuzz.ROLES:
        client = app.test_client()
        assert client.post("/auth/login", data={"username": role, "password": f.PASSWORD}).status_code == 302
        clients[role] = client
    return clients


def _starts(w) -> list[str]:
    pages = ["/", "/organize/competitions", "/judging/", "/judging/manage", "/judging/audit", "/registration/mine",
             "/results/public", "/orgs/", "/auth/users", "/promotion/rules", "/auth/login"]
    for comp in w["comps"].values():
        pages += [f"/organize/competitions/{comp.id}", f"/registration/manage/competitions/{comp.id}",
                  f"/registration/roster/competitions/{comp.id}", f"/results/competitions/{comp.id}",
                  f"/registration/competitions/{comp.id}", f"/promotion/competitions/{comp.id}"]
        for ev in comp.events:
            pages += [f"/judging/events/{ev.id}/chief", f"/judging/events/{ev.id}/assignments",
                      f"/results/events/{ev.id}/adjustments", f"/registration/events/{ev.id}/register",
                      f"/organize/events/{ev.id}", f"/organize/events/{ev.id}/scheme",
                      f"/registration/manage/events/{ev.id}/draw"]
    return pages


def _outcome(client) -> set[str]:
    """The categories of the messages the last request flashed (and forget them)."""
    with client.session_transaction() as session:
        categories = {category for category, _message in session.get("_flashes", [])}
        session["_flashes"] = []
    return categories


def _write_figures(name: str, figures: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_text(json.dumps(figures, indent=1, sort_keys=True))


def test_every_form_answers_hostile_input_without_5xx_or_partial_write(app_factory):
    app = app_factory()
    with app.app_context():
        w = fuzz.world()
        clients = _clients(app)
        specs = [spec for role, client in clients.items()
                 for spec in fuzz.crawl(client, role, _starts(w) if role != "anonymous" else ["/auth/login"])
                 if not spec.action.startswith(NOT_FUZZED)]
        assert len({s.action.split("/")[1] for s in specs}) >= 6, "forms of every blueprint were found"
        figures = Counter()

        @settings(max_examples=FORM_EXAMPLES, **_SETTINGS)
        @given(st.data())
        def post_one_form(data):
            spec = data.draw(st.sampled_from(specs), label="form")
            form = {}
            for name, offered in spec.fields.items():
                if data.draw(st.integers(0, 9), label=f"keep {name}"):   # now and then a field is left out
                    form[name] = data.draw(fuzz.value_for(offered), label=name)
            for name in spec.files:
                form[name] = (io.BytesIO(data.draw(st.binary(max_size=200))), data.draw(
                    st.sampled_from(["r.xlsx", "r.csv", "r.json", "r"])))
            client = clients[spec.role]
            before = fuzz.fingerprint()
            response = client.post(spec.action, data=form, content_type="multipart/form-data")
            flashed = _outcome(client)
            figures["inputs"] += 1
            figures[f"status {response.status_code // 100}xx"] += 1
            if response.status_code >= 500:
                figures["5xx"] += 1
            assert response.status_code < 500, (spec.role, spec.action, form)
            # Refused: an error status, an error message after a redirect, or the page shown again with an alert
            # (a field's error, a flashed error, the roster's problem table all carry role="alert").
            refused = response.status_code >= 400 or "error" in flashed or (
                response.status_code == 200 and response.mimetype == "text/html"
                and 'role="alert"' in response.get_data(as_text=True))
            if refused and spec.action != "/auth/login":   # a failed login is counted, on purpose
                assert fuzz.fingerprint() == before, ("partial write", spec.role, spec.action, form)

        post_one_form()
        figures["forms"] = len(specs)
        figures["actions"] = len({s.action for s in specs})
        _write_figures("fuzz-forms.json", dict(figures))
        assert figures["5xx"] == 0


# ---- the roster importer ---------------------------------------------------------------------------

def _cell():
    return st.one_of(fuzz.hostile_text, st.sampled_from(["男", "女", "3 高级工", "东区机床厂工会", "1990年1月2日",
                                                          "1990/1/2", "红 队", "红队"]))


def test_the_roster_importer_answers_hostile_rows_without_crashing_or_partial_write(app_factory):
    from openpyxl import Workbook

    from competitions.auth.models import User
    from competitions.db import utcnow
    from competitions.domain.identity import make_national_id
    from competitions.registration import importer

    app = app_factory()
    with app.app_context():
        orgs = f.org_tree()
        boss = f.user("boss", "organizer", org=orgs["city"])
        _comp, ev = f.open_competition(orgs["city"], is_team=True, team_size=3)
        db.session.commit()
        figures = Counter()
        headers = [f"{c.zh}\n{c.en}" for c in importer.TEMPLATE_COLUMNS]

        @settings(max_examples=ROSTER_EXAMPLES, **_SETTINGS)
        @given(st.data())
        def import_one(data):
            count = data.draw(st.integers(1, 4))
            rows = []
            for i in range(count):
                good = [make_national_id("370102", date(1990, 1, 1 + i), i, "male"), f.worker_name(i), "男",
                        f"1990-01-0{1 + i}", "13800000000", "东区机床厂工会", "3 高级工", f"C{i}", "红队"]
                rows.append([cell if data.draw(st.integers(0, 15)) else data.draw(_cell()) for cell in good])
            kind = data.draw(st.sampled_from(["csv", "xlsx", "bytes"]))
            if kind == "csv":
                out = io.StringIO()
                csv.writer(out).writerows([[h.replace("\n", " ") for h in headers], *rows])
                payload = out.getvalue().encode("utf-8")
            elif kind == "xlsx":
                book = Workbook()
                sheet = book.active
                sheet.title = "roster"
                sheet.append(headers)
                for row in rows:
                    sheet.append([_xlsx_safe(c) for c in row])
                out = io.BytesIO()
                book.save(out)
                payload = bytearray(out.getvalue())
                for _flip in range(data.draw(st.integers(0, 3))):   # a damaged file now and then
                    # (drawn independently of the length: openpyxl stamps the time, so sizes vary between runs)
                    payload[data.draw(st.integers(0, 10**6)) % len(payload)] ^= 0xFF
                payload = bytes(payload)
            else:
                payload = data.draw(st.binary(max_size=400))
            before = fuzz.fingerprint()
            figures["inputs"] += 1
            actor = db.session.get(User, boss.id)
            try:
                importer.import_roster(db.session.get(type(ev), ev.id), payload, f"roster.{kind}", actor,
                                       allowed_employers=None, now=utcnow())
            except CompetitionError:
                db.session.rollback()
                figures["refused"] += 1
                assert fuzz.fingerprint() == before, "partial write"
            else:
                figures["imported"] += 1
                db.session.rollback()   # keep the world as it was for the next example

        import_one()
        _write_figures("fuzz-roster.json", dict(figures))


def _xlsx_safe(value):
    """openpyxl refuses control characters in cells (the CSV examples carry those)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("?", value) if isinstance(value, str) else value
