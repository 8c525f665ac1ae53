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
    source = db.session.execute(select(Competition).where(Competition.year == 2026, Competition.level == "city")
                                ).scalar_one()
    copied = runner.invoke(args=["competitions", "copy", str(source.id), "--name", "2027年大赛", "--year", "2027"])
    assert copied.exit_code == 0, copied.output
    assert db.session.execute(select(Competition).where(Competition.name == "2027年大赛")).scalar_one().year == 2027
