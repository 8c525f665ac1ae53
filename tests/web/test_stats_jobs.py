"""The statistics jobs in the scheduler: once per period, failures recorded, missed runs caught up, listed unstarted."""

from __future__ import annotations

import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from competitions.extensions import db
from competitions.registration.models import Registration
from competitions.scheduler import (
    JOBS,
    JobRun,
    catch_up,
    fail_interrupted,
    job_named,
    missed_runs,
    request_run,
    run_job,
    run_now,
    run_requested,
    scheduled_jobs,
)
from competitions.scheduler import Job as SchedulerJob
from competitions.stats.models import StatCompilation, StatFigure
from tests import stats_data as known

CALLS = []


def explode(*, now):
    """A job that writes a figure row and then fails: the row must not survive."""
    CALLS.append(now)
    db.session.add(StatCompilation(year=1999))
    db.session.flush()
    if len(CALLS) == 1:
        raise RuntimeError("disk full")
    return {"ok": True}


BOOM = SchedulerJob("boom", "tests.web.test_stats_jobs:explode", cron={"hour": 3}, grace=timedelta(hours=1))
SEEN = []


class Stopped(BaseException):
    """The scheduler process going away in the middle of a job (a kill, not an exception the job raises)."""


def commit_as_it_goes(*, now):
    """A job that commits part of its work (as the certificate batches do), looks at its own run, then ends as
    told: normally, with an error, or by the process stopping."""
    db.session.commit()
    SEEN.append(db.session.execute(select(JobRun.status).where(JobRun.job == "batches")).scalar_one())
    ending = SEEN_ENDING[0]
    if ending == "error":
        raise RuntimeError("printer on fire")
    if ending == "stop":
        raise Stopped()
    return {"made": 1}


SEEN_ENDING = ["ok"]
BATCHES = SchedulerJob("batches", "tests.web.test_stats_jobs:commit_as_it_goes", cron={"minute": "*"},
                       grace=timedelta(minutes=5))


def _calls() -> list:
    """The calls seen by the job function as the scheduler imports it (pytest may import this file twice)."""
    return BOOM.function().__globals__["CALLS"]


def _rows():
    return [(r.id, r.year, r.scope_id, r.dimension, r.key, r.participations, r.workers)
            for r in db.session.execute(select(StatFigure).order_by(StatFigure.id)).scalars()]


@pytest.fixture
def year(app):
    data = known.known_year()
    db.session.commit()
    return data


def test_running_the_nightly_job_twice_changes_nothing(year):
    job = job_named("refresh_statistics")
    night = datetime(2026, 7, 1, 18, 30, tzinfo=UTC)  # 02:30 on 2 July in Beijing
    first = run_job(job, now=night)
    assert first["year"] == 2026 and first["figures"] > 0
    rows = _rows()
    compiled_at = db.session.execute(select(StatCompilation.compiled_at)).scalar_one()
    # The same night again (a second scheduler, a restart): skipped, not one row touched.
    assert run_job(job, now=night + timedelta(minutes=10)) is None
    assert _rows() == rows
    assert db.session.execute(select(StatCompilation.compiled_at)).scalar_one() == compiled_at
    runs = db.session.execute(select(JobRun).where(JobRun.job == "refresh_statistics")).scalars().all()
    assert [(r.period_key, r.status, r.trigger) for r in runs] == [("2026-07-02", "succeeded", "schedule")]
    assert runs[0].finished_at >= runs[0].started_at


def test_a_period_claimed_by_another_scheduler_is_left_alone(year):
    job = job_named("compile_previous_year")
    db.session.add(JobRun(job=job.name, period_key="2026", status="succeeded"))
    db.session.commit()
    assert run_job(job, now=datetime(2027, 1, 1, 0, 30, tzinfo=UTC)) is None
    assert _rows() == []


def test_a_failed_run_is_recorded_rolled_back_and_retried_in_the_same_period(year):
    _calls().clear()
    now = datetime(2026, 7, 1, 19, 0, tzinfo=UTC)
    with pytest.raises(RuntimeError, match="disk full"):
        run_job(BOOM, now=now)
    run = db.session.execute(select(JobRun).where(JobRun.job == "boom")).scalar_one()
    assert run.status == "failed" and "RuntimeError: disk full" in run.error and run.finished_at is not None
    assert db.session.execute(select(StatCompilation).where(StatCompilation.year == 1999)).first() is None
    assert run_job(BOOM, now=now) == {"ok": True}
    db.session.expire_all()
    run = db.session.execute(select(JobRun).where(JobRun.job == "boom")).scalar_one()
    assert (run.status, run.attempts, run.error) == ("succeeded", 2, "")
    assert run_job(BOOM, now=now) is None
    assert len(_calls()) == 2


def test_the_final_compile_missed_over_new_year_is_caught_up_for_the_year_that_ended(year):
    started = datetime(2027, 1, 3, 1, 0, tzinfo=UTC)  # the scheduler comes back two days late
    missed = {job.name: due for job, due in missed_runs(started)}
    assert missed["compile_previous_year"] == datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 Jan, Beijing
    done = dict(catch_up(started))
    assert done["compile_previous_year"]["year"] == 2026
    compilation = db.session.execute(select(StatCompilation).where(StatCompilation.year == 2026)).scalar_one()
    # The known year still waits (the district contest's results are published, not final; the contest ending on
    # 5 January has none; B's promotion awaits review): compiled, not final.
    assert (compilation.final, compilation.results_pending, compilation.promotions_pending) == (False, 2, 1)
    assert "compile_previous_year" not in {job.name for job, _due in missed_runs(started)}
    # Starting a second time changes nothing.
    rows = _rows()
    assert "compile_previous_year" not in dict(catch_up(started))
    assert _rows() == rows


def test_run_now_always_runs_and_records_who_asked(year):
    first = run_now(job_named("refresh_statistics"), requested_by_id=None, now=datetime(2026, 7, 1, tzinfo=UTC))
    second = run_now(job_named("refresh_statistics"), requested_by_id=None,
                     now=datetime(2026, 7, 1, 0, 0, 1, tzinfo=UTC))
    assert first["year"] == second["year"] == 2026
    runs = db.session.execute(select(JobRun.trigger)).scalars().all()
    assert runs == ["manual", "manual"]


def test_jobs_and_triggers_are_listed_without_starting_the_scheduler(app, runner):
    threads = threading.active_count()
    listed = {item.job.name: item for item in scheduled_jobs(datetime(2026, 12, 31, 12, 0, tzinfo=UTC))}
    yearly, nightly = listed["compile_previous_year"], listed["refresh_statistics"]
    assert yearly.next_run == datetime(2027, 1, 1, 0, 30, tzinfo=yearly.next_run.tzinfo)
    assert nightly.trigger.startswith("cron[") and "hour='2'" in nightly.trigger
    result = runner.invoke(args=["jobs", "list"])
    assert result.exit_code == 0
    for name in ("close_due_registrations", "finalize_due_results", "refresh_statistics", "compile_previous_year"):
        assert name in result.output
    assert "next 20" in result.output
    assert threading.active_count() == threads
    assert not any(name.startswith("apscheduler.schedulers") for name in sys.modules)


def test_job_runs_command_shows_status_and_error(year, runner):
    _calls().clear()
    with pytest.raises(RuntimeError):
        run_job(BOOM, now=datetime(2026, 7, 1, 19, 0, tzinfo=UTC))
    result = runner.invoke(args=["jobs", "runs"])
    assert "boom" in result.output and "failed" in result.output and "disk full" in result.output


def test_a_requested_run_is_run_by_the_scheduler_once_and_a_failure_is_recorded(year, app, monkeypatch):
    monkeypatch.setattr("competitions.scheduler.JOBS", (*JOBS, BOOM))
    _calls().clear()
    run, queued = request_run(BOOM, requested_by_id=None)
    again, queued_again = request_run(BOOM, requested_by_id=None)
    db.session.commit()
    assert queued and not queued_again and again.id == run.id and run.status == "queued"
    # The job writes a row, then fails: the row is rolled back and the run recorded as failed with its error.
    assert run_requested() == [("boom", None)]
    db.session.expire_all()
    failed = db.session.get(JobRun, run.id)
    assert failed.status == "failed" and "disk full" in failed.error and failed.finished_at is not None
    assert db.session.execute(select(StatCompilation).where(StatCompilation.year == 1999)).first() is None
    # Asked again: a new run, which succeeds this time; the job's row and the run's status commit together.
    second, queued = request_run(BOOM, requested_by_id=None)
    db.session.commit()
    assert queued and second.id != run.id
    assert run_requested() == [("boom", {"ok": True})]
    db.session.expire_all()
    assert db.session.get(JobRun, second.id).status == "succeeded"
    assert db.session.execute(select(StatCompilation).where(StatCompilation.year == 1999)).first() is not None
    assert run_requested() == []  # nothing left: a second scheduler polling finds nothing


def test_a_run_left_running_by_a_stopped_scheduler_is_marked_failed(year):
    run, _queued = request_run(job_named("refresh_statistics"), requested_by_id=None)
    db.session.commit()
    db.session.execute(update(JobRun).where(JobRun.id == run.id).values(status="running"))
    db.session.commit()
    assert fail_interrupted() == 1
    db.session.expire_all()
    stopped = db.session.get(JobRun, run.id)
    assert stopped.status == "failed" and stopped.error.startswith("Interrupted")
    # The job can be asked for again (nothing is left pending).
    assert request_run(job_named("refresh_statistics"), requested_by_id=None)[1]


def test_request_and_cancel_from_the_command_line(year, runner):
    result = runner.invoke(args=["jobs", "request", "refresh_statistics"])
    assert result.exit_code == 0 and "queued as run" in result.output
    result = runner.invoke(args=["jobs", "request", "refresh_statistics"])
    assert "already queued" in result.output
    run_id = db.session.execute(select(JobRun.id)).scalar_one()
    assert runner.invoke(args=["jobs", "cancel", str(run_id)]).exit_code == 0
    result = runner.invoke(args=["jobs", "cancel", str(run_id)])
    assert result.exit_code != 0 and "is not queued" in result.output
    assert runner.invoke(args=["jobs", "request", "no_such_job"]).exit_code != 0


def _batch_job_globals():
    return BATCHES.function().__globals__


@pytest.mark.parametrize("ending", ["ok", "error", "stop"])
def test_a_job_that_commits_as_it_goes_shows_running_until_it_ends(year, ending):
    """Review M2: the run was claimed as "succeeded", so a job committing midway showed a success it had not had,
    and one cut off by a stopped scheduler stayed "succeeded" forever."""
    names = _batch_job_globals()
    names["SEEN"].clear()
    names["SEEN_ENDING"][:] = [ending]
    now = datetime(2026, 7, 1, 19, 0, tzinfo=UTC)
    if ending == "ok":
        assert run_job(BATCHES, now=now) == {"made": 1}
    elif ending == "error":
        with pytest.raises(RuntimeError):
            run_job(BATCHES, now=now)
    else:
        with pytest.raises(BaseException) as stopped:  # noqa: B017 - the class as the scheduler imported it
            run_job(BATCHES, now=now)
        assert type(stopped.value).__name__ == "Stopped"
        db.session.rollback()
    assert names["SEEN"] == ["running"]  # what the jobs page showed while the job was at work
    db.session.expire_all()
    run = db.session.execute(select(JobRun).where(JobRun.job == "batches")).scalar_one()
    if ending == "stop":
        assert run.status == "running" and run.finished_at is None
        assert fail_interrupted() == 1  # the next scheduler start
        db.session.expire_all()
        run = db.session.get(JobRun, run.id)
        assert run.status == "failed" and run.error.startswith("Interrupted")
        names["SEEN_ENDING"][:] = ["ok"]  # the period is run again, and this time it ends
        assert run_job(BATCHES, now=now) == {"made": 1}
        db.session.expire_all()
        run = db.session.get(JobRun, run.id)
        assert (run.status, run.attempts) == ("succeeded", 2)
    else:
        expected = "succeeded" if ending == "ok" else "failed"
        assert run.status == expected and run.finished_at is not None


def _city_total(year_data, y):
    row = db.session.execute(select(StatFigure).where(
        StatFigure.year == y, StatFigure.scope_id == year_data["city"].id, StatFigure.dimension == "total",
        StatFigure.key == "")).scalar_one()
    return row.finalists, row.awards, row.promotions


def test_a_finished_year_is_counted_nightly_until_its_results_are_final_then_marked_final(year):
    """Review H3: the 1 January compile marked the year final and nothing counted it again, so a late-December
    contest's finalists, prizes and promotions decided in January never reached the annual report."""
    from competitions.promotion.models import PromotionFlag
    from competitions.results.models import ResultSnapshot
    from tests.stats_data import _final

    new_year = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 January 2027 in Beijing
    done = run_job(job_named("compile_previous_year"), now=new_year)
    assert (done["year"], done["final"], done["results_pending"], done["promotions_pending"]) == (2026, False, 2, 1)
    assert _city_total(year, 2026) == (4, 2, 1)
    # In January: the district contest's results become final (A 70, E 88 third), the contest that ended on
    # 5 January gets final results (B 75, no prize), and B's promotion is approved.
    district = db.session.execute(select(ResultSnapshot).where(
        ResultSnapshot.competition_id == year["district"].id)).scalar_one()
    district.status = "final"
    b_entry = db.session.execute(select(Registration).where(
        Registration.worker_id == year["workers"]["B"].id,
        Registration.event_id == year["cross_in"].events[0].id)).scalar_one()
    _final(year["cross_in"], [(b_entry, "75", False, None)])
    flag = db.session.execute(select(PromotionFlag).where(PromotionFlag.status == "pending")).scalar_one()
    flag.status = "approved"
    db.session.commit()
    night = datetime(2027, 1, 4, 18, 30, tzinfo=UTC)  # 02:30 on 5 January
    done = run_job(job_named("refresh_statistics"), now=night)
    assert done["year"] == 2027
    assert [(y["year"], y["final"], y["results_pending"]) for y in done["finished_years"]] == [(2026, True, 0)]
    assert _city_total(year, 2026) == (7, 3, 2)  # +A, E, B finalists; +E's third prize; +B's promotion
    compilation = db.session.execute(select(StatCompilation).where(StatCompilation.year == 2026)).scalar_one()
    assert compilation.final is True
    # Final now: the next night counts only the current year.
    assert "finished_years" not in run_job(job_named("refresh_statistics"), now=night + timedelta(days=1))


def test_the_dashboard_says_what_a_provisional_past_year_waits_for(year, client, auth):
    from tests import factories as f

    run_job(job_named("compile_previous_year"), now=datetime(2026, 12, 31, 16, 30, tzinfo=UTC))
    f.user("cityorg", "organizer", org=year["city"])
    db.session.commit()
    auth.login("cityorg")
    page = client.get("/stats/?year=2026", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Provisional figures" in page
    assert "competitions whose results are not final yet: 2; promotions awaiting review: 1" in page
    data = client.get("/api/v1/stats/figures?year=2026").get_json()
    assert (data["final"], data["results_pending"], data["promotions_pending"]) == (False, 2, 1)
