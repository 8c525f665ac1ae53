"""The venue board of a team event in a real browser: the team standing first, then the individuals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from competitions.extensions import db
from competitions.judging.models import JudgeAssignment
from competitions.results import services
from competitions.timezone import local_zone
from tests import factories as f
from tests.conftest import screenshot
from tests.web.test_teams import PEOPLE

pytestmark = pytest.mark.browser


def _seed(app) -> tuple[int, int]:
    with app.app_context():
        orgs = f.org_tree()
        chief = f.user("chief", "judge", org=orgs["city"])
        judges = [chief, f.user("j2", "judge", org=orgs["city"]), f.user("j3", "judge", org=orgs["city"])]
        comp = f.competition(orgs["city"], name="2026年测试市职工团体技能大赛")
        ev = f.event(comp, is_team=True, team_size=2)
        comp.status = "in_progress"
        db.session.add(JudgeAssignment(event_id=ev.id, user_id=chief.id, is_chief=True))
        for station, (name, code, theory, p1, p2, team) in enumerate(PEOPLE, start=1):
            reg = f.results_competitor(ev, orgs["plant"], name=name, code=code, station=station)
            reg.team_name = team
            f.results_marks(ev, reg, judges, theory=theory, p1=p1, p2=p2)
        f.sign_off(ev, chief)
        db.session.flush()
        services.compute_provisional_results(comp, actor_id=None)
        services.publish_results(comp, actor_id=None, now=datetime.now(UTC), zone=local_zone(), notice_days=5)
        db.session.commit()
        return comp.id, ev.id


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_board_cycles_from_the_team_standing_to_the_individuals(live_app, page, lang):
    app, base = live_app
    comp_id, _ev_id = _seed(app)
    page.goto(f"{base}/")
    page.click(f"form.langswitch button[value={lang}]")
    page.goto(f"{base}/results/board/{comp_id}?seconds=2")
    teams = page.locator("section.board-teams")
    assert teams.is_visible()
    assert "蓝队" in teams.inner_text() and ("团体" in teams.inner_text() if lang == "zh" else "Team standing"
                                            in teams.inner_text())
    screenshot(page, f"results-board-teams-{lang}")
    page.wait_for_selector("section.board-event:not(.board-teams).active", timeout=6000)
    assert not teams.is_visible()
    assert "李娜" in page.inner_text("section.board-event.active")
