"""Results: score, rank and award one big event, and serve its public page under concurrent load.

One event of 1,000 competitors x 7 judges x 20 criteria (140,000 marks) in
SQLite. Measured in the same run:

* ``standing_s``: the results service's whole computation of the event —
  load the marks (one query), score (mean of 7 judges per criterion), rank by
  the tie-break chain, assign prizes — best of several runs; target < 1 s.
* ``group_by_s``: one SQL ``GROUP BY registration, criterion`` averaging the
  same marks and fetching every row — the floor any computation from these
  marks must read; ``ratio_vs_group_by`` = standing / group-by (target <= 3).
* ``compute_snapshot_s``: ``compute_provisional_results`` with the snapshot
  written (1,000 entry rows).
* ``page_inprocess_ms``: one full request of the public event page through
  the app in this process (test client, no server, no concurrency), best of
  several: the cost of one real render (query + template).
* The public results page of that event (1,000 rows) served by gunicorn
  (started here on a free 127.0.0.1 port, one sync worker per core, at least
  2), hit by ``CONCURRENCY`` client threads (4: twice the workers, so requests
  queue) for a bounded number of requests: p50/p95/max in ms (target p95 <
  100 ms). Every one of these requests is a full render: the client sends no
  cookie and no If-None-Match. The client threads run in this process on the
  same cores as the workers (their reading of each 240 kB page competes with
  the server), and the load average before and after is reported, since other
  work on the machine shows directly in these latencies.
* ``qualification_s`` / ``confirm_s`` (rounds, issue 10): the same event
  taken as the preliminary of a final (top half qualifies): computing its
  frozen standing with every competitor's qualification, then confirming it
  (the qualifiers entered in the final, stations and codes drawn); target
  < 1 s each. Done after the results are published, so the page measured
  below is the same as before.
* ``conditional_*``: separately, and not part of the target, the same page
  revalidated by a returning visitor (keeps its session cookie, sends the
  page's ETag): the answer is 304 without a render.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path

from sqlalchemy import text

NAME = "results"
DESCRIPTION = "Results of 1,000 competitors x 7 judges x 20 criteria; public page p95 under gunicorn."
ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _best(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _prepare(url: str, competitors: int) -> tuple[int, int, dict]:
    """Write the event, time the computation against the GROUP BY baseline, publish the results."""
    from bench.data import create_schema, make_event_with_marks
    from competitions.extensions import db
    from competitions.judging.models import EventSignOff
    from competitions.organize.models import Competition, Event
    from competitions.results import services
    from competitions.timezone import local_zone

    engine = create_schema(url)
    fixture = make_event_with_marks(engine, competitors=competitors, judges=7, criteria=20)
    app = __import__("bench.data", fromlist=["app_for"]).app_for(url)
    figures: dict = {"competitors": competitors, "judges": 7, "criteria": 20, "marks": fixture.marks}
    with app.app_context():
        event = db.session.get(Event, fixture.event_id)
        standing = services.event_standing(event)
        assert not standing.problems and standing.ranking.is_final, standing.problems[:1]
        figures["standing_s"] = round(_best(lambda: services.event_standing(event), 7), 4)
        group_by = text("SELECT registration_id, criterion_id, AVG(value) FROM mark WHERE event_id = :e"
                        " GROUP BY registration_id, criterion_id")
        figures["group_by_s"] = round(_best(lambda: db.session.execute(group_by, {"e": event.id}).all(), 7), 4)
        figures["ratio_vs_group_by"] = round(figures["standing_s"] / figures["group_by_s"], 2)
        db.session.add(EventSignOff(event_id=event.id, locked=True))
        db.session.commit()
        competition = db.session.get(Competition, fixture.competition_id)
        start = time.perf_counter()
        services.compute_provisional_results(competition, actor_id=None)
        db.session.commit()
        figures["compute_snapshot_s"] = round(time.perf_counter() - start, 4)
        services.publish_results(competition, actor_id=None, now=datetime.now(UTC), zone=local_zone())
        db.session.commit()
        figures.update(_qualification(event, competitors))
    return fixture.event_id, fixture.competition_id, figures


def _qualification(event, competitors: int) -> dict:
    """Time the rounds' preliminary standing and qualification of the event, then the confirmation."""
    from competitions.auth.services import create_user
    from competitions.extensions import db
    from competitions.organize.models import Event
    from competitions.rounds import services as rounds

    final = Event(competition_id=event.competition_id, trade_name=event.trade_name, trade_code=event.trade_code,
                  group=event.group, capacity=competitors, round="final", preliminary_event_id=event.id,
                  qualification_rule={"top": competitors // 2})
    event.round = "preliminary"
    db.session.add(final)
    user = create_user(username="bench-rounds", display_name="Bench", password="qualify-lathe-7391",
                       roles=("organizer",), organization_id=event.competition.organization_id)
    db.session.commit()
    start = time.perf_counter()
    standing = rounds.compute_qualification(event, actor_id=None, now=datetime.now(UTC))
    db.session.commit()
    qualification_s = time.perf_counter() - start
    start = time.perf_counter()
    made = rounds.confirm_qualification(standing, actor=user, now=datetime.now(UTC))
    db.session.commit()
    confirm_s = time.perf_counter() - start
    return {"qualification_s": round(qualification_s, 4), "confirm_s": round(confirm_s, 4),
            "qualifiers": len(made)}


def _inprocess_ms(url: str, event_id: int) -> float:
    """One full request of the public event page through the app in this process, best of 15, in ms."""
    app = __import__("bench.data", fromlist=["app_for"]).app_for(url)
    client = app.test_client()
    path = f"/results/public/events/{event_id}"
    assert client.get(path).status_code == 200
    return round(_best(lambda: client.get(path), 15) * 1000, 1)


def _conditional(page_url: str, requests: int) -> list[float]:
    """Returning visitors: each thread keeps its cookie, gets the page once, then revalidates it (304s)."""
    latencies: list[float] = []
    lock = threading.Lock()
    statuses = []

    def worker():
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with opener.open(page_url, timeout=30) as response:
            response.read()
        with opener.open(page_url, timeout=30) as response:  # the session now holds its CSRF token
            response.read()
            etag = response.headers["ETag"]
        mine = []
        for _ in range(max(1, requests // CONCURRENCY)):
            request = urllib.request.Request(page_url, headers={"If-None-Match": etag})
            start = time.perf_counter()
            try:
                with opener.open(request, timeout=30) as response:
                    response.read()
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:  # urllib reports 304 as an error
                statuses.append(error.code)
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if any(status != 304 for status in statuses):
        raise RuntimeError(f"expected 304s, got {sorted(set(statuses))}")
    return sorted(latencies)


def _start_gunicorn(url: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, APP_CONFIG="development", SECRET_KEY="bench-secret")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(max(2, os.cpu_count() or 2)),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode()[-2000:]) from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not answer within 30 s")


def _load(page_url: str, requests: int) -> list[float]:
    """``requests`` GETs spread over CONCURRENCY threads; each request's latency in ms."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = max(1, requests // CONCURRENCY)
    failures = []

    def worker():
        mine = []
        for _ in range(per_thread):
            start = time.perf_counter()
            with urllib.request.urlopen(page_url, timeout=30) as response:
                body = response.read()
                if response.status != 200 or b"results-table" not in body:
                    failures.append(response.status)
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} bad responses")
    return latencies


def run(quick: bool) -> dict:
    """Build the data, time the computation and the public page, return the figures."""
    competitors = 100 if quick else 1000
    with tempfile.TemporaryDirectory(prefix="bench-results-") as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        event_id, competition_id, figures = _prepare(url, competitors)
        figures["page_inprocess_ms"] = _inprocess_ms(url, event_id)
        port = _free_port()
        server = _start_gunicorn(url, port)
        figures["load_average_1m"] = round(os.getloadavg()[0], 2)
        try:
            page_url = f"http://127.0.0.1:{port}/results/public/events/{event_id}"
            _load(page_url, CONCURRENCY * 3)  # warm every worker
            latencies = sorted(_load(page_url, 80 if quick else 800))
            figures["load_average_1m_after"] = round(os.getloadavg()[0], 2)
            conditional = _conditional(page_url, 80 if quick else 400)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
    figures.update({
        "page_rows": competitors, "page_requests": len(latencies), "page_concurrency": CONCURRENCY,
        "gunicorn_workers": max(2, os.cpu_count() or 2), "client_on_same_machine": True,
        "page_p50_ms": round(statistics.median(latencies), 1),
        "page_p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1),
        "page_max_ms": round(latencies[-1], 1),
        "competition_id": competition_id,
        "conditional_requests": len(conditional),
        "conditional_304_p50_ms": round(statistics.median(conditional), 1),
        "conditional_304_p95_ms": round(conditional[int(len(conditional) * 0.95) - 1], 1),
    })
    figures["targets_met"] = {
        "standing_under_1s": figures["standing_s"] < 1.0,
        "within_3x_group_by": figures["ratio_vs_group_by"] <= 3.0,
        "page_p95_under_100ms": figures["page_p95_ms"] < 100.0,
        "qualification_under_1s": figures["qualification_s"] < 1.0 and figures["confirm_s"] < 1.0,
    }
    return figures
