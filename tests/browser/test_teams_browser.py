"""A team event in a real browser: the chief judge sets the team score to the sum, the public sees the team table."""

from __future__ import annotations

import pytest

from competitions.extensions import db
from competitions.judging.models import JudgeAssignment
from tests import factories as f
from tests.conftest import screenshot
from tests.support.browser import login as _login

pytestmark = pytest.mark.browser

# (name, code, theory, P1, P2, team): totals 86.50, 87.70, 73.50, 67.00, 50.00
PEOPLE = [("张伟", "A01", 90, 50, 35, "红队"), ("李娜", "A02", 80, 55, 36, "蓝队"), ("王强", "A03", 70, 45, 30, "蓝队"),
          ("赵敏", "A04", 60, 40, 30, "红队"), ("刘洋", "A05", 50, 30, 20, "绿队")]


def _seed(app) -> tuple[int, int]:
    with app.app_context():
        orgs = f.org_tree()
        f.user("cityorg", "organizer", org=orgs["city"])
        chief = f.user("chief", "judge", org=orgs["city"])
        judges = [chief, f.user("j2", "judge", org=orgs["city"]), f.user("j3", "judge", org=orgs["city"])]
        comp = f.competition(orgs["city"], name="2026年测试市职工职业技能大赛")
        ev = f.event(comp, trade_name="电工（团体）", is_team=True, team_size=2)
        comp.status = "in_progress"
        db.session.add(JudgeAssignment(event_id=ev.id, user_id=chief.id, is_chief=True))
        for station, (name, code, theory, p1, p2, team) in enumerate(PEOPLE, start=1):
            reg = f.results_competitor(ev, orgs["plant"], name=name, code=code, station=station)
            reg.team_name = team
            f.results_marks(ev, reg, judges, theory=theory, p1=p1, p2=p2)
        f.sign_off(ev, chief)
        db.session.commit()
        return comp.id, ev.id


def _logout(page, base):
    page.goto(f"{base}/")
    page.click("form[action$='/auth/logout'] button")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_team_standing_in_the_browser(live_app, page, lang):
    app, base = live_app
    comp_id, ev_id = _seed(app)

    _login(page, base, "chief", lang)
    page.goto(f"{base}/results/events/{ev_id}/adjustments")
    page.select_option("#team_aggregation", "sum")
    page.locator("#team_aggregation").locator("xpath=ancestor::form").locator("button").click()
    page.wait_for_selector(".flash-success")
    assert page.locator("#team_aggregation").input_value() == "sum"
    screenshot(page, f"teams-adjustments-{lang}")
    _logout(page, base)

    _login(page, base, "cityorg", lang)
    page.goto(f"{base}/results/competitions/{comp_id}")
    page.click("#compute")
    page.wait_for_selector("#publish")
    page.fill("#notice_days", "5")
    page.click("#publish")
    page.wait_for_selector("#record-appeal")
    _logout(page, base)

    page.goto(f"{base}/results/public/events/{ev_id}")
    teams = page.locator(".teams-table tbody tr")
    assert teams.count() == 3
    first = teams.nth(0).inner_text()
    assert "蓝队" in first and "161.20" in first and "李娜" in first
    assert "153.50" in teams.nth(1).inner_text()
    screenshot(page, f"teams-public-{lang}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_board_cycles_from_the_team_standing_to_the_individuals(live_app, page, lang):
    from datetime import UTC, datetime

    from competitions.organize.models import Competition
    from competitions.results import services
    from competitions.timezone import local_zone

    app, base = live_app
    comp_id, _ev_id = _seed(app)
    with app.app_context():
        comp = db.session.get(Competition, comp_id)
        services.compute_provisional_results(comp, actor_id=None)
        services.publish_results(comp, actor_id=None, now=datetime.now(UTC), zone=local_zone(), notice_days=5)
        db.session.commit()
    page.goto(f"{base}/")
    page.click(f"form.langswitch button[value={lang}]")
    page.goto(f"{base}/results/board/{comp_id}?seconds=2")
    teams = page.locator("section.board-teams")
    assert teams.is_visible()
    text = teams.inner_text()
    assert "蓝队" in text and "李娜、王强" in text and ("团体成绩" if lang == "zh" else "Team standing") in text
    screenshot(page, f"results-board-teams-{lang}")
    page.wait_for_selector("section.board-event:not(.board-teams).active", timeout=6000)
    assert not teams.is_visible()
    assert "李娜" in page.inner_text("section.board-event.active")
