"""Promotion: evaluate a year of final results, and one large competition, against the rule sets.

Two figures, each with a baseline measured in the same run on the same database (SQLite file):

* **Year**: the bench generator's year (``bench.data.generate_year``: 10,000 competitions,
  30,000 events, 1,000,000 registrations; ``--quick`` 500 / 50,000), every competition given a final
  result snapshot (random places, ties every so often, a few disqualified, prizes by rank bands,
  one in fifty did not pass a part) written by SQL, and 10 active rule sets (the city federation's
  and nine districts', each with four rules: top N by level and class, a top fraction of finalists,
  a prize rule with an honour subject to review, once per calendar year). ``year_s`` is
  ``promotion.services.evaluate_competitions`` over every competition — load the final standings,
  evaluate (the pure ``domain.promotion.evaluate``), write one decision per competitor, the flags and
  a run per competition — and the commit. Target < 60 s (full size).
* **Competition**: one competition of 80 events × 50 finalists (4,000 competitors) evaluated through
  ``evaluate_competition``, best of three (the later runs re-evaluate: the flags are kept, nothing
  is duplicated). Target < 1 s.
* ``year_cpu_s`` is the process's CPU time over the same span: on a shared machine (load average reported
  before and after) the wall clock also counts the time other processes held the cores.
* **Baseline** for both: one SQL query that selects the same places (every entry with a place within
  the top 20 of the final snapshots: the widest rank band of the rule sets), fetching every row —
  the floor of reading what promotion has to read. ``*_ratio`` = promotion / baseline.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import text

NAME = "promotion"
DESCRIPTION = "Promotion rules over a year of final results (10,000 competitions, 1 M registrations) and one " \
              "competition of 80 events x 50 finalists, vs one SQL query selecting the same places."

YEAR_TARGET_S = 60.0
COMPETITION_TARGET_S = 1.0

ENTRIES_SQL = """
INSERT INTO result_entry (snapshot_id, event_id, registration_id, position, rank, tied, decided_by_chief_judge,
    disqualified, total, part_scores, deductions, time_used_seconds, prize, anonymous_code, station, name,
    employer, worker_id, passed, part_passed, part_marks)
SELECT s.id, r.event_id, r.id, r.place, CASE WHEN r.dq THEN NULL ELSE r.place END, 0, 0, r.dq,
    CASE WHEN r.dq THEN NULL ELSE 100 - r.place * 0.25 END, '{}', 0, NULL,
    CASE WHEN r.dq THEN NULL WHEN r.place = 1 THEN 'first' WHEN r.place <= 3 THEN 'second'
         WHEN r.place <= 6 THEN 'third' END,
    '', NULL, '', '', r.worker_id,
    CASE WHEN r.failed THEN 0 END,
    CASE WHEN r.failed THEN '{"theory": false}' ELSE '{}' END,
    CASE WHEN r.failed THEN '{"theory": "52.00"}' ELSE '{}' END
FROM (SELECT reg.id, reg.event_id, reg.worker_id, ev.competition_id,
             ROW_NUMBER() OVER (PARTITION BY reg.event_id ORDER BY (reg.id * 7919) % 10007, reg.id) AS place,
             (reg.id % 97 = 0) AS dq, (reg.id % 50 = 7) AS failed
      FROM registration reg JOIN event ev ON ev.id = reg.event_id
      WHERE reg.status = 'approved' {where}) r
JOIN result_snapshot s ON s.competition_id = r.competition_id AND s.status = 'final'
"""

BASELINE_SQL = """
SELECT e.registration_id, e.event_id, e.rank FROM result_entry e
JOIN result_snapshot s ON s.id = e.snapshot_id AND s.status = 'final'
WHERE e.rank <= 20 {where}
"""


def run(quick: bool) -> dict:
    """Both measurements on one temporary SQLite database; the JSON figures."""
    from bench import say

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'promotion.db'}"
        year = _year(url, quick, say)
        single = _single(url, say)
    figures = {**year, **single}
    figures["targets_met"] = {
        "year_under_60_s": year["year_s"] < YEAR_TARGET_S if not quick else None,
        "competition_under_1_s": single["competition_s"] < COMPETITION_TARGET_S,
    }
    return figures


def _year(url: str, quick: bool, say) -> dict:
    from bench.data import create_schema, generate_year

    competitions, registrations = (500, 50_000) if quick else (10_000, 1_000_000)
    engine = create_schema(url)
    engine.dispose()
    say(f"bench promotion: generating {competitions} competitions, {registrations} registrations")
    counts = generate_year(url, competitions=competitions, registrations=registrations, progress=say)
    app = _app(url)
    with app.app_context():
        from competitions.extensions import db

        _final_results(db, where="")
        rule_sets = _rule_sets(db)
        entries = db.session.execute(text("SELECT count(*) FROM result_entry")).scalar()
        ids = list(db.session.execute(text("SELECT id FROM competition ORDER BY id")).scalars())
        baseline_s, baseline_rows = _baseline(db, "")
        say(f"bench promotion: evaluating {len(ids)} competitions ({entries} final entries)")
        from competitions.promotion.services import decisions_of, evaluate_competitions

        load_before = os.getloadavg()[0]
        start, cpu = time.perf_counter(), time.process_time()
        summaries = evaluate_competitions(ids, actor_id=None, trigger="cli", now=datetime.now(UTC))
        db.session.commit()
        year_s, year_cpu_s = time.perf_counter() - start, time.process_time() - cpu
        load_after = os.getloadavg()[0]
        flags = db.session.execute(text("SELECT status, count(*) FROM promotion_flag GROUP BY status")).all()
        decisions = sum(len(lines) for cid in ids[:50] for lines in decisions_of(cid).values())
        decisions_stored_first_50 = decisions == sum(s.decisions for s in summaries[:50])
        decisions = sum(s.decisions for s in summaries)
    return {
        "year_competitions": counts["competitions"], "year_registrations": counts["registrations"],
        "year_final_entries": entries, "year_rule_sets": rule_sets, "year_evaluated": len(summaries),
        "year_decisions": decisions, "year_decisions_read_back_ok": decisions_stored_first_50,
        "year_flags": dict(flags), "year_s": round(year_s, 2),
        "year_cpu_s": round(year_cpu_s, 2), "load_average_before_after": [load_before, load_after],
        "year_per_1000_entries_ms": round(year_s / max(entries, 1) * 1e6, 1),
        "year_cpu_ratio": round(year_cpu_s / baseline_s, 1),
        "year_baseline_s": round(baseline_s, 3), "year_baseline_rows": baseline_rows,
        "year_ratio": round(year_s / baseline_s, 1),
    }


def _app(url: str):
    from bench.data import app_for

    return app_for(url)


def _final_results(db, *, where: str) -> None:
    """A final snapshot for every competition without one, and its entries (random places, by SQL)."""
    db.session.execute(text(
        "INSERT INTO result_snapshot (competition_id, version, status, computed_at, finalized_at, notice_days,"
        " published_at, notice_ends_at) SELECT c.id, 1, 'final', :now, :now, 5, :now, :now FROM competition c"
        " WHERE NOT EXISTS (SELECT 1 FROM result_snapshot s WHERE s.competition_id = c.id)"),
        {"now": datetime(2026, 11, 1, tzinfo=UTC)})
    db.session.execute(text(ENTRIES_SQL.replace("{where}", where)))
    db.session.commit()


RULE_SET = {
    "rules": [
        {"key": "C1", "name": "市级一类前10名", "scope": {"levels": ["city"], "classes": ["I"]},
         "selection": {"kind": "rank", "rank_from": 1, "rank_to": 10},
         "conditions": {"passed_every_part": True, "once_per_year": True},
         "outcomes": [{"kind": "one_up", "cap": "technician"}]},
        {"key": "D1", "name": "区级前6名", "scope": {"levels": ["district"]},
         "selection": {"kind": "rank", "rank_from": 1, "rank_to": 6},
         "conditions": {"passed_every_part": True, "once_per_year": True},
         "outcomes": [{"kind": "one_up", "cap": "senior"}]},
        {"key": "E1", "name": "企业竞赛前30%", "scope": {"levels": ["enterprise"]},
         "selection": {"kind": "fraction", "fraction": "0.3", "fraction_of": "finalists", "rounding": "down"},
         "conditions": {"passed_every_part": True, "level_relation": "below", "level": "senior",
                        "once_per_year": True},
         "outcomes": [{"kind": "one_up", "cap": "senior"}]},
        {"key": "H1", "name": "一等奖技术能手", "scope": {"kinds": ["skills"]},
         "selection": {"kind": "award", "prizes": ["first"]},
         "conditions": {"passed_every_part": True, "max_age": 35, "person": "workers"},
         "outcomes": [{"kind": "honour", "title": "技术能手", "review": True}]},
    ],
}


def _rule_sets(db) -> int:
    """The city federation's rule set and nine districts' (each a variant), all active."""
    import copy

    from competitions.domain.promotion import RuleSet
    from competitions.domain.promotion_rule_sets import rule_from_dict
    from competitions.promotion.rules import create_rule_set, set_active

    issuers = list(db.session.execute(text(
        "SELECT id FROM organization WHERE kind IN ('federation', 'district') ORDER BY path LIMIT 10")).scalars())
    for n, org_id in enumerate(issuers):
        rules = copy.deepcopy(RULE_SET["rules"])
        rules[1]["selection"]["rank_to"] = 4 + n % 4        # districts publish top 4 to top 7
        rules[2]["selection"]["fraction"] = ["0.3", "0.25", "0.2"][n % 3]
        base = RuleSet(f"晋升办法{n + 1}", tuple(rule_from_dict(r, i) for i, r in enumerate(rules, start=1)))
        row = create_rule_set(name=base.name, organization_id=org_id, actor_id=None, base=base)
        set_active(row, True, actor_id=None)
    db.session.commit()
    return len(issuers)


def _baseline(db, where: str) -> tuple[float, int]:
    """One SQL query selecting the same places from the final snapshots, every row fetched; best of three."""
    best, rows = None, 0
    for _ in range(3):
        start = time.perf_counter()
        rows = len(db.session.execute(text(BASELINE_SQL.format(where=where))).all())
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, rows


def _single(url: str, say) -> dict:
    """One competition of 80 events x 50 finalists, evaluated through the service, against the baseline."""
    import random

    from bench.data import (
        AWARD_RULE,
        Enterprise,
        NationalIds,
        _Competition,
        _competition_row,
        insert_rows,
        next_id,
        worker_rows,
    )

    app = _app(url)
    with app.app_context():
        from competitions.extensions import db
        from competitions.organize.models import Competition

        bind = db.engine
        rng = random.Random(80)
        created = datetime(2026, 1, 5, tzinfo=UTC)
        federation = db.session.execute(text("SELECT id FROM organization WHERE kind = 'federation'")).scalar()
        db.session.commit()  # end the session's read snapshot: the rows below are written on other connections
        comp_id, event0, worker0, reg0 = (next_id(bind, n) for n in ("competition", "event", "worker",
                                                                     "registration"))
        comp = _Competition(comp_id, "city", federation, None, None, "skills", date(2026, 10, 1))
        insert_rows(bind, "competition", [_competition_row(comp, created) | {"status": "results"}])
        insert_rows(bind, "event", [{
            "id": event0 + n, "competition_id": comp_id, "trade_name": f"工种{n + 1}", "trade_code": f"T{n + 1:02d}",
            "group": "workers", "target_level": 3, "required_level": None, "min_age": None, "max_age": None,
            "capacity": 50, "is_team": False, "team_size": 1, "starts_on": comp.starts_on, "ends_on": comp.starts_on,
            "tie_break": [], "award_rule": AWARD_RULE, "trim_min_judges": 5, "scheme_valid": True,
            "created_at": created} for n in range(80)])
        employer = Enterprise(federation, 0, "419901", False)
        insert_rows(bind, "worker", worker_rows(rng, NationalIds(), worker0, [(employer, 4000)], 2026))
        insert_rows(bind, "registration", [{
            "id": reg0 + i, "event_id": event0 + i // 50, "worker_id": worker0 + i, "status": "approved",
            "source": "import", "waitlist_position": None, "decision_reason": "", "submitted_by_id": None,
            "decided_by_id": None, "decided_at": created, "station": i % 50 + 1,
            "anonymous_code": f"A{i % 50 + 1:04d}", "checked_in": True, "created_at": created,
            "updated_at": created, "employer_id": federation, "employer_parent_id": None, "is_student": False,
            "skill_level": None} for i in range(4000)])
        _final_results(db, where=f"AND ev.competition_id = {comp_id}")
        competition = db.session.get(Competition, comp_id)
        from competitions.promotion.services import evaluate_competition

        times, cpu = [], []
        for _ in range(3):
            start, cpu_start = time.perf_counter(), time.process_time()
            summary = evaluate_competition(competition, actor_id=None, trigger="cli", now=datetime.now(UTC))
            db.session.commit()
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - cpu_start)
        baseline_s, baseline_rows = _baseline(db, f"AND s.competition_id = {comp_id}")
        flags = db.session.execute(text(f"SELECT count(*) FROM promotion_flag WHERE competition_id = {comp_id}")
                                   ).scalar()
    say(f"bench promotion: one competition in {min(times):.3f} s")
    return {
        "competition_entries": summary.decisions, "competition_flags": flags,
        "competition_s": round(min(times), 3), "competition_cpu_s": round(min(cpu), 3),
        "competition_first_run_s": round(times[0], 3),
        "competition_baseline_s": round(baseline_s, 4), "competition_baseline_rows": baseline_rows,
        "competition_ratio": round(min(times) / baseline_s, 1),
        "competition_reruns_added": summary.added,
    }
