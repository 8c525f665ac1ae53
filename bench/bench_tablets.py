"""Judging tablets: 100 tablets submitting marks to gunicorn, on SQLite and on PostgreSQL.

Contest day: 20 events, five judges each, 40 competitors and three criteria
per event, every judge on a tablet. Each tablet logs in like a browser (login
form, CSRF token from the tablet page, session cookie) and posts marks to
POST /api/v1/judging/marks with a fresh request id; some posts are edits of an
earlier mark (with its version) and some are deliberate retries of an already
applied request (same id), as a tablet on bad Wi-Fi sends them.

Measured per database, in the same run, against gunicorn started here on a
free 127.0.0.1 port with several sync workers:

* ``paced``: each tablet a mark every 2 s (the realistic pace): latency p50/p95/p99 (target p95 < 50 ms);
* ``closed``: each tablet posts again as soon as it has an answer: throughput (requests/s);
* ``ceiling``: a bare Flask endpoint doing one INSERT on the same stack (gunicorn, same workers, same
  database settings: WAL + BEGIN IMMEDIATE on SQLite, writers queued on the same file lock as the mark
  endpoint), sent the same request a tablet sends (JSON body, cookie, CSRF header; JSON answer decoded),
  closed-loop, measured right before and right after the tablets' closed loop with both servers up:
  ``ratio_vs_ceiling`` = closed / mean ceiling (target >= 0.5); ``cpu_ratio_vs_ceiling`` = the ceiling's
  server CPU per request / the mark endpoint's (for information: what the application's work costs);
* ``server_cpu_ms_per_request``: gunicorn's CPU time per request (master and workers, from /proc), which
  depends less than throughput on whatever else the machine is doing;
* ``lost`` / ``duplicated``: after the run, every acknowledged mark is looked up in the database: a cell
  missing or holding another value is lost, more rows (or applied request ids) than acknowledged writes are
  duplicates (target 0 and 0).

The load generator is threads with ``http.client``; every loop is bounded in time and stops by itself.
``--quick``: 20 tablets, shorter phases.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

NAME = "tablets"
DESCRIPTION = "100 judging tablets posting marks to gunicorn on SQLite and PostgreSQL vs a bare INSERT."

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "password123"  # noqa: S105 - synthetic judges' password
WORKERS = 4
JUDGES_PER_EVENT = 5
COMPETITORS = 40
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')  # the login form's own field


def say(message: str) -> None:
    """Progress on stderr."""
    print(message, file=sys.stderr, flush=True)


# ---- the ceiling: a bare Flask endpoint doing one INSERT ------------------------------------------

def ceiling_app():
    """A bare Flask app on the same database: POST /insert stores one row (gunicorn factory).

    A fair peer of the mark endpoint, minus everything the application adds: it
    reads a JSON body of the tablets' shape and answers JSON, and on SQLite it
    writes the way the mark endpoint does (BEGIN IMMEDIATE, queued on the same
    ``<db>.writers`` file lock), so the comparison is of the application's work,
    not of two ways of waiting for SQLite's write lock.
    """
    import fcntl

    from flask import Flask, jsonify, request
    from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine

    from competitions.db import configure_sqlite, write_intent

    url = os.environ["DATABASE_URL"]
    # The application's pool settings: pre-ping on PostgreSQL, none on an SQLite file.
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    lock_path = None
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine)
        if engine.url.database and engine.url.database != ":memory:":
            lock_path = f"{engine.url.database}.writers"
    rows = Table("bench_ceiling", MetaData(), Column("id", Integer, primary_key=True), Column("key", String(36)))
    app = Flask(__name__)

    def insert_row(key: str) -> int:
        with write_intent(), engine.begin() as conn:
            return conn.execute(rows.insert().values(key=key)).inserted_primary_key[0]

    @app.post("/insert")
    def insert():
        payload = request.get_json(silent=True) or {}
        key = str(payload.get("idempotency_key") or uuid.uuid4())
        if lock_path is None:
            row_id = insert_row(key)
        else:
            with open(lock_path, "a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    row_id = insert_row(key)
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        return jsonify(action="create", row={"id": row_id, "key": key}), 201

    return app


# ---- data -------------------------------------------------------------------------------------------

@dataclass
class Plan:
    """What the tablets will mark: per judge, their event and the cells they may fill."""

    judges: list[tuple[str, int]]                    # (username, event id)
    cells: dict[int, list[tuple[int, int, str]]]     # event id -> (registration, criterion, max) cells


def seed(url: str, tablets: int) -> Plan:
    """Create the schema and the contest: events of five judges, 40 competitors, a three-criterion scheme."""
    from sqlalchemy import Column, Integer, MetaData, String, Table
    from werkzeug.security import generate_password_hash

    from competitions import create_app
    from competitions.auth.models import User, UserRole
    from competitions.domain.identity import make_national_id
    from competitions.domain.schemes import CriterionDraft, PartDraft, SchemeDraft
    from competitions.extensions import db
    from competitions.judging.models import JudgeAssignment
    from competitions.organize import services as organize
    from competitions.orgs.models import Organization, Worker
    from competitions.registration.models import Registration

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        Table("bench_ceiling", MetaData(), Column("id", Integer, primary_key=True),
              Column("key", String(36))).create(db.engine, checkfirst=True)
        city = Organization(name="测试市总工会", kind="federation", path="/1/")
        plant = Organization(name="测试机床厂工会", kind="enterprise", parent=city, path="/1/2/")
        db.session.add_all([city, plant])
        db.session.flush()
        comp = organize.create_competition(organize.CompetitionData(
            name="2026年测试市职工技能大赛", year=2026, level="city", competition_class="I", kind="skills",
            organization_id=city.id, starts_on=date(2026, 12, 15), ends_on=date(2026, 12, 17),
            registration_opens_at=datetime(2026, 11, 1, tzinfo=UTC),
            registration_closes_at=datetime(2026, 12, 10, tzinfo=UTC)), created_by_id=None)
        scheme = SchemeDraft(
            parts=(PartDraft("theory", "理论知识", Decimal(30)), PartDraft("practical", "技能操作", Decimal(70))),
            # T1 is a judgement here: every judge of the panel marks every cell, so every write is applied
            # (a measured criterion takes one judge's reading and would refuse four of five). Each write
            # still runs the reading check (how many other judges hold the cell) in its checks and guard.
            criteria=(CriterionDraft("theory", "T1", "笔试", Decimal(100), Decimal(1), "judgement", "mean", 5),
                      CriterionDraft("practical", "P1", "安装调试", Decimal(60), Decimal("0.5"), "judgement",
                                     "trimmed", 5),
                      CriterionDraft("practical", "P2", "安全文明", Decimal(40), Decimal("0.5"), "judgement",
                                     "trimmed", 5)),
            tie_break=("part:practical",))
        award = organize.AwardRuleData("bands", Decimal(1), Decimal(2), Decimal(3))
        cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")  # fast logins; same check path
        judges, cells = [], {}
        n_events = max(1, tablets // JUDGES_PER_EVENT)
        serial = 0
        for e in range(n_events):
            event = organize.create_event(comp, organize.EventData(trade_name=f"工种{e + 1}", trade_code=f"T{e}",
                                                                   group="workers", capacity=COMPETITORS))
            organize.save_scheme(event, scheme, award)
            criteria = [(c.id, str(c.max_mark)) for p in event.parts for c in p.criteria]
            regs = []
            for k in range(COMPETITORS):
                serial += 1
                born = date(1970 + serial // 400, 1, 1)  # (year, sequence) keeps every ID number distinct
                worker = Worker(name=f"选手{serial}", gender="male", birth_date=born, employer_id=plant.id,
                                national_id=make_national_id("370102", born, serial % 400, "male"))
                db.session.add(worker)
                db.session.flush()
                reg = Registration(event_id=event.id, worker_id=worker.id, status="approved", station=k + 1,
                                   anonymous_code=f"E{e:02d}K{k + 1:02d}")
                db.session.add(reg)
                regs.append(reg)
            db.session.flush()
            cells[event.id] = [(r.id, c, m) for r in regs for c, m in criteria]
            for j in range(JUDGES_PER_EVENT if (e + 1) * JUDGES_PER_EVENT <= tablets else
                           tablets - e * JUDGES_PER_EVENT):
                user = User(username=f"judge{e:02d}{j}", display_name=f"裁判{e}-{j}", password_hash=cheap,
                            organization_id=city.id, role_rows=[UserRole(role="judge")])
                db.session.add(user)
                db.session.flush()
                db.session.add(JudgeAssignment(event_id=event.id, user_id=user.id))
                judges.append((user.username, event.id))
        comp.status = "in_progress"
        db.session.commit()
        db.engine.dispose()
    return Plan(judges, cells)


def count_after(url: str) -> tuple[dict, int, int]:
    """The stored marks {(judge username, registration, criterion): (value, version)}, mark rows, applied keys."""
    from sqlalchemy import func, select

    from competitions import create_app
    from competitions.auth.models import User
    from competitions.extensions import db
    from competitions.judging.models import Mark, MarkWriteKey

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        rows = db.session.execute(select(User.username, Mark.registration_id, Mark.criterion_id, Mark.value,
                                         Mark.version).join(User, User.id == Mark.judge_id)).all()
        keys = db.session.execute(select(func.count()).select_from(MarkWriteKey)).scalar_one()
        db.engine.dispose()
    return {(u, r, c): Decimal(v) for u, r, c, v, _ver in rows}, len(rows), keys


# ---- gunicorn ---------------------------------------------------------------------------------------

READY_SECONDS = 180

def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn serving ``target`` on 127.0.0.1 (started and stopped by us, by pid)."""

    def __init__(self, target: str, url: str, workers: int = WORKERS):
        self.port = free_port()
        env = dict(os.environ, DATABASE_URL=url, APP_CONFIG="production", SECRET_KEY="bench-" + uuid.uuid4().hex,
                   SESSION_COOKIE_SECURE="0", PYTHONPATH=str(ROOT))
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.proc = subprocess.Popen(
            [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "--timeout", "60", target], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_ready()

    def _wait_ready(self) -> None:
        # The master binds the port at once; each worker then imports the app (seconds, more on a loaded
        # machine). Ready means a worker answers a request: until then a tablet's first login could time out.
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited: " + self.proc.stderr.read().decode(errors="replace")[-2000:])
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                try:
                    conn.request("GET", "/")
                    conn.getresponse().read()
                finally:
                    conn.close()
                time.sleep(1.0)  # let the other workers finish booting
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer in {READY_SECONDS} s")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its workers (from /proc; 0 where unavailable)."""
        try:
            children = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
            total = 0
            for pid in [self.proc.pid, *map(int, children.split())]:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
            return total / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError):
            return 0.0

    def stop(self) -> None:
        """Stop the master we started (it stops its workers) and wait for it."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


# ---- a tablet ---------------------------------------------------------------------------------------

@dataclass
class Tablet:
    """One judge's tablet: its login, its cells and what the server acknowledged."""

    port: int
    username: str
    event_id: int
    cells: list
    rng: random.Random
    cookie: str = ""
    token: str = ""
    acked: dict = field(default_factory=dict)       # (reg, crit) -> (value, version)
    applied_keys: set = field(default_factory=set)
    last_key: tuple | None = None
    next_cell: int = 0
    latencies: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)

    def _conn(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def _request(self, method, path, body=None, headers=None):
        conn = self._conn()
        try:
            hdrs = {"Cookie": self.cookie} if self.cookie else {}
            hdrs.update(headers or {})
            conn.request(method, path, body=body, headers=hdrs)
            response = conn.getresponse()
            data = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie" and value.startswith("session="):
                    self.cookie = value.split(";", 1)[0]
            return response.status, data
        finally:
            conn.close()

    def login(self) -> None:
        """Log in as a browser does, then read the CSRF token from the tablet page."""
        _s, page = self._request("GET", "/auth/login")
        token = CSRF_FIELD.search(page.decode()).group(1)
        form = urlencode({"username": self.username, "password": PASSWORD, "csrf_token": token})
        status, _ = self._request("POST", "/auth/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise RuntimeError(f"login of {self.username} failed: {status}")
        status, page = self._request("GET", f"/judging/events/{self.event_id}/tablet")
        if status != 200:
            raise RuntimeError(f"tablet page of {self.username}: {status}")
        self.token = CSRF_META.search(page.decode()).group(1)

    def _choose(self) -> tuple[tuple[int, int], str, int | None, str]:
        """The next write: mostly a new mark, sometimes an edit, sometimes a retry of the last request."""
        roll = self.rng.random()
        if self.last_key and roll < 0.05:
            return self.last_key
        if (self.acked and roll < 0.15) or self.next_cell >= len(self.cells):
            cell = self.rng.choice(sorted(self.acked))
            reg, crit = cell
            maximum = next(m for r, c, m in self.cells if r == reg and c == crit)
            value = str(self.rng.randrange(0, int(Decimal(maximum)) + 1))
            return cell, value, self.acked[cell][1], str(uuid.uuid4())
        reg, crit, maximum = self.cells[self.next_cell]
        self.next_cell += 1
        return (reg, crit), str(self.rng.randrange(0, int(Decimal(maximum)) + 1)), None, str(uuid.uuid4())

    def post_one(self) -> None:
        """Send one write and record its latency and what the server acknowledged."""
        cell, value, version, key = self._choose()
        body = json.dumps({"registration_id": cell[0], "criterion_id": cell[1], "value": value,
                           "version": version, "idempotency_key": key})
        began = time.perf_counter()
        try:
            status, data = self._request("POST", "/api/v1/judging/marks", body,
                                         {"Content-Type": "application/json", "X-CSRFToken": self.token})
        except OSError as error:
            self.errors[type(error).__name__] = self.errors.get(type(error).__name__, 0) + 1
            return
        self.latencies.append(time.perf_counter() - began)
        if status in (200, 201):
            mark = json.loads(data)["mark"]
            self.acked[cell] = (Decimal(mark["value"]), mark["version"])
            self.applied_keys.add(key)
            self.last_key = (cell, value, version, key)
        else:
            self.errors[str(status)] = self.errors.get(str(status), 0) + 1


def run_tablets(tablets: list[Tablet], seconds: float, interval: float | None) -> float:
    """Every tablet posts for ``seconds``: every ``interval`` s (paced) or back to back (None); returns wall time."""
    stop_at = time.monotonic() + seconds

    def loop(tablet: Tablet) -> None:
        if interval:
            time.sleep(tablet.rng.random() * interval)
        next_at = time.monotonic()
        while time.monotonic() < stop_at:
            tablet.post_one()
            if interval:
                next_at += interval
                time.sleep(max(0.0, next_at - time.monotonic()))

    began = time.monotonic()
    threads = [threading.Thread(target=loop, args=(t,), daemon=True) for t in tablets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    return time.monotonic() - began


def ceiling(port: int, clients: int, seconds: float, cookie: str, token: str) -> dict:
    """Closed-loop throughput and latency of the bare INSERT endpoint, sent what a tablet sends.

    Same client work as a tablet's write (a fresh connection, a JSON mark body,
    the session cookie and CSRF header, the JSON answer decoded), so the load
    generator, which shares the machine, costs the same on both sides.
    """
    stop_at = time.monotonic() + seconds
    latencies: list[float] = []
    lock = threading.Lock()

    def loop() -> None:
        mine = []
        while time.monotonic() < stop_at:
            body = json.dumps({"registration_id": 1, "criterion_id": 1, "value": "7", "version": None,
                               "idempotency_key": str(uuid.uuid4())})
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            began = time.perf_counter()
            try:
                conn.request("POST", "/insert", body=body, headers={
                    "Content-Type": "application/json", "X-CSRFToken": token, "Cookie": cookie})
                response = conn.getresponse()
                data = response.read()
                if response.status == 201:
                    json.loads(data)
                    mine.append(time.perf_counter() - began)
            except OSError:
                pass
            finally:
                conn.close()
        with lock:
            latencies.extend(mine)

    began = time.monotonic()
    threads = [threading.Thread(target=loop, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    wall = time.monotonic() - began
    return {"rps": round(len(latencies) / wall, 1), **percentiles(latencies)}


def measure_ceiling(server: Gunicorn, clients: int, seconds: float, cookie: str, token: str) -> dict:
    """One closed-loop ceiling run with the bare server's CPU time per request."""
    cpu_before = server.cpu_seconds()
    figures = ceiling(server.port, clients, seconds, cookie, token)
    figures["server_cpu_ms_per_request"] = round(
        (server.cpu_seconds() - cpu_before) / max(1, figures["requests"]) * 1000, 2)
    return figures


def percentiles(latencies: list[float]) -> dict:
    """p50/p95/p99 in milliseconds."""
    if len(latencies) < 2:
        return {"requests": len(latencies)}
    q = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "p50_ms": round(q[49] * 1000, 1), "p95_ms": round(q[94] * 1000, 1),
            "p99_ms": round(q[98] * 1000, 1)}


def measure(url: str, n_tablets: int, paced_s: float, closed_s: float) -> dict:
    """Seed, serve, run the phases and check every acknowledged mark on one database.

    The app and the bare ceiling run side by side (same gunicorn, same workers,
    same database); the ceiling is measured right before and right after the
    tablets' closed loop and the ratio uses their mean, so a change in what else
    the machine is doing weighs on both sides alike.
    """
    say(f"  seeding {n_tablets} judges")
    plan = seed(url, n_tablets)
    figures: dict = {}
    server = Gunicorn("wsgi:app", url)
    bare = None
    try:
        bare = Gunicorn("bench.bench_tablets:ceiling_app()", url)
        tablets = [Tablet(server.port, u, e, plan.cells[e], random.Random(i)) for i, (u, e) in enumerate(plan.judges)]
        say("  logging in")
        for t in tablets:
            t.login()
        say(f"  paced: one mark every 2 s per tablet for {paced_s:.0f} s")
        wall = run_tablets(tablets, paced_s, 2.0)
        paced = [x for t in tablets for x in t.latencies]
        figures["paced"] = {"rps": round(len(paced) / wall, 1), **percentiles(paced)}
        for t in tablets:
            t.latencies = []
        say("  ceiling (before): bare INSERT endpoint")
        before = measure_ceiling(bare, len(tablets), closed_s, tablets[0].cookie, tablets[0].token)
        say(f"  closed loop for {closed_s:.0f} s")
        cpu_before = server.cpu_seconds()
        wall = run_tablets(tablets, closed_s, None)
        closed = [x for t in tablets for x in t.latencies]
        figures["closed"] = {"rps": round(len(closed) / wall, 1), **percentiles(closed),
                             "server_cpu_ms_per_request": round((server.cpu_seconds() - cpu_before)
                                                                / max(1, len(closed)) * 1000, 2)}
        say("  ceiling (after): bare INSERT endpoint")
        after = measure_ceiling(bare, len(tablets), closed_s, tablets[0].cookie, tablets[0].token)
    finally:
        server.stop()
        if bare is not None:
            bare.stop()
    errors: dict[str, int] = {}
    for t in tablets:
        for k, v in t.errors.items():
            errors[k] = errors.get(k, 0) + v
    figures["refused_or_failed"] = errors
    stored, rows, keys = count_after(url)
    expected = {(t.username, r, c): v for t in tablets for (r, c), (v, _ver) in t.acked.items()}
    figures["marks_acknowledged"] = len(expected)
    figures["lost"] = sum(1 for k, v in expected.items() if stored.get(k) != v)
    figures["duplicated"] = max(0, rows - len(expected)) + max(0, keys - sum(len(t.applied_keys) for t in tablets))
    figures["ceiling"] = {"rps": round((before["rps"] + after["rps"]) / 2, 1), "before": before, "after": after}
    figures["ratio_vs_ceiling"] = round(figures["closed"]["rps"] / figures["ceiling"]["rps"], 2)
    cpu_ceiling = (before["server_cpu_ms_per_request"] + after["server_cpu_ms_per_request"]) / 2
    figures["cpu_ratio_vs_ceiling"] = round(cpu_ceiling / max(0.01, figures["closed"]["server_cpu_ms_per_request"]),
                                            2)
    figures["targets_met"] = bool(figures["paced"].get("p95_ms", 1e9) < 50 and figures["ratio_vs_ceiling"] >= 0.5
                                  and figures["lost"] == 0 and figures["duplicated"] == 0)
    return figures


def run(quick: bool) -> dict:
    """Both databases, same load; one dict of figures."""
    n_tablets, paced_s, closed_s = (20, 6.0, 4.0) if quick else (100, 20.0, 10.0)
    sys.path.insert(0, str(ROOT))
    from tests.support.postgres import ThrowawayCluster, pg_available

    out: dict = {"tablets": n_tablets, "gunicorn_workers": WORKERS, "paced_seconds": paced_s,
                 "closed_seconds": closed_s}
    with tempfile.TemporaryDirectory(prefix="bench-tablets-") as tmp:
        say("bench tablets: SQLite")
        out["sqlite"] = measure(f"sqlite:///{tmp}/tablets.sqlite3", n_tablets, paced_s, closed_s)
    ok, reason = pg_available()
    if ok:
        say("bench tablets: PostgreSQL")
        with ThrowawayCluster(dbname="bench_tablets") as cluster:
            out["postgres"] = measure(cluster.url, n_tablets, paced_s, closed_s)
    else:
        out["postgres"] = {"skipped": reason}
    return out
