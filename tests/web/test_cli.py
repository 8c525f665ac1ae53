"""Operator commands: demo data (idempotent), users, competitions."""

from __future__ import annotations

from sqlalchemy import func, select

from competitions.auth.models import User
from competitions.extensions import db
from competitions.organize.models import Competition, Criterion, Event
from competitions.orgs.models import Organization, Worker


def _counts():
    return tuple(db.session.execute(select(func.count()).select_from(m)).scalar_one()
                 for m in (Organization, User, Worker, Competition, Event, Criterion))


def test_demo_data_loads_once_and_prints_logins(runner):
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "organizer" in result.output and "demo2026" in result.output
    first = _counts()
    orgs, users, workers, comps, events, criteria = first
    assert workers >= 60 and events >= 4 and users >= 9
    again = runner.invoke(args=["demo-data"])
    assert again.exit_code == 0, again.output
    assert _counts() == first
    contest = db.session.execute(
        select(Competition).where(Competition.name == "2026年海州市职工职业技能大赛")).scalar_one()
    assert contest.status == "open"
    assert {e.trade_name for e in contest.events} >= {"电工", "焊工", "数控车工", "工业机器人系统操作员"}
    assert all(e.scheme_valid for e in contest.events)


def test_demo_logins_work(app, runner):
    runner.invoke(args=["demo-data"])
    client = app.test_client()
    response = client.post("/auth/login", data={"username": "organizer", "password": "demo2026"})
    assert response.status_code == 302
    assert "2026年海州市职工职业技能大赛" in client.get("/organize/competitions").get_data(as_text=True)


def test_demo_has_a_contest_day_and_results_on_notice(app, runner):
    """After `make run` every stage can be tried: judge1 marks on the tablet, the public sees team results."""
    from competitions.demo import CONTEST_DAY, ON_NOTICE
    from competitions.judging.models import JudgeAssignment, Mark

    runner.invoke(args=["demo-data"])
    day = db.session.execute(select(Competition).where(Competition.name == CONTEST_DAY)).scalar_one()
    notice = db.session.execute(select(Competition).where(Competition.name == ON_NOTICE)).scalar_one()
    assert (day.status, notice.status) == ("in_progress", "results")
    event = day.events[0]
    judge1 = db.session.execute(select(User).where(User.username == "judge1")).scalar_one()
    assert db.session.execute(select(Mark).where(Mark.event_id == event.id, Mark.judge_id == judge1.id)).first() is None
    assert db.session.execute(select(Mark).where(Mark.event_id == event.id)).first() is not None
    assert db.session.execute(select(JudgeAssignment).where(JudgeAssignment.event_id == event.id,
                                                            JudgeAssignment.is_chief.is_(True))).scalar_one()

    client = app.test_client()
    client.post("/auth/login", data={"username": "judge1", "password": "demo2026"})
    sheet = client.get(f"/api/v1/judging/events/{event.id}/sheet").get_json()
    assert 0 < len(sheet["competitors"]) < 12  # the ones from judge1's own employer are left out (回避)
    assert {c["code"] for c in sheet["criteria"]} == {"T1", "P1", "P2", "P3"} and sheet["marks"] == []

    public = app.test_client().get(f"/results/public/events/{notice.events[0].id}").get_data(as_text=True)
    assert "团体成绩" in public and "代表队" in public and "一等奖" in public


def test_user_and_competition_commands(runner):
    runner.invoke(args=["demo-data"])
    result = runner.invoke(args=["users", "create", "newjudge", "--name", "新裁判", "--role", "judge",
                                 "--org", "海州电力有限公司工会", "--password", "judgepass9"])
    assert result.exit_code == 0, result.output
    assert db.session.execute(select(User).where(User.username == "newjudge")).scalar_one().roles == {"judge"}
    bad = runner.invoke(args=["users", "create", "x2", "--name", "x", "--role", "judge", "--password", "1234"])
    assert bad.exit_code != 0 and "at least 8 characters" in bad.output
    listing = runner.invoke(args=["competitions", "list", "--year", "2026"])
    assert "2026年海州市职工职业技能大赛" in listing.output
    draft = db.session.execute(select(Competition).where(Competition.status == "draft")).scalars().first()
    refused = runner.invoke(args=["competitions", "set-status", str(draft.id), "open"])
    assert refused.exit_code != 0 and "at least one event" in refused.output
    source = db.session.execute(select(Competition).where(Competition.name == "2026年海州市职工职业技能大赛")
                                ).scalar_one()
    copied = runner.invoke(args=["competitions", "copy", str(source.id), "--name", "2027年大赛", "--year", "2027"])
    assert copied.exit_code == 0, copied.output
    assert db.session.execute(select(Competition).where(Competition.name == "2027年大赛")).scalar_one().year == 2027
