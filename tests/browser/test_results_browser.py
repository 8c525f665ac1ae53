"""Results in a real browser: the chief judge's deduction, compute, publish, the public page and the venue board."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from competitions.extensions import db
from competitions.judging.models import JudgeAssignment
from competitions.results.jobs import finalize_due_results
from competitions.results.models import ResultSnapshot
from tests import factories as f
from tests.conftest import screenshot
from tests.support.browser import login as _login

pytestmark = pytest.mark.browser

ELECTRICIANS = [("张伟", "plant", "A01", 90, 50, 35), ("李娜", "works", "A02", 80, 55, 36),
                ("王强", "plant", "A03", 70, 45, 30), ("赵敏", "works", "A04", 60, 40, 30),
                ("刘洋", "plant", "A05", 50, 30, 20)]
WELDERS = [("陈静", "works", "W01", 85, 52, 33), ("杨帆", "plant", "W02", 75, 48, 31),
           ("黄磊", "works", "W03", 65, 41, 29)]


def _seed(app) -> tuple[int, int, int]:
    with app.app_context():
        orgs = f.org_tree()
        f.user("cityorg", "organizer", org=orgs["city"])
        chief = f.user("chief", "judge", org=orgs["city"])
        judges = [chief, f.user("j2", "judge", org=orgs["city"]), f.user("j3", "judge", org=orgs["city"])]
        comp = f.competition(orgs["city"], name="2026年测试市职工职业技能大赛")
        events = [f.event(comp), f.event(comp, trade_name="焊工", trade_code="WELD")]
        comp.status = "in_progress"
        for ev, people in zip(events, (ELECTRICIANS, WELDERS), strict=True):
            db.session.add(JudgeAssignment(event_id=ev.id, user_id=chief.id, is_chief=True))
            for station, (name, employer, code, theory, p1, p2) in enumerate(people, start=1):
                reg = f.results_competitor(ev, orgs[employer], name=name, code=code, station=station)
                f.results_marks(ev, reg, judges, theory=theory, p1=p1, p2=p2)
            f.sign_off(ev, chief)
        db.session.commit()
        return comp.id, events[0].id, events[1].id


def _logout(page, base):
    page.goto(f"{base}/")
    page.click("form[action$='/auth/logout'] button")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_results_from_sign_off_to_final(live_app, page, lang):
    app, base = live_app
    comp_id, elec_id, weld_id = _seed(app)

    # The chief judge records a deduction with its reason.
    _login(page, base, "chief", lang)
    page.goto(f"{base}/results/events/{elec_id}/adjustments")
    row = page.locator("#row-A04")
    row.locator("input[name$='-deduction_points']").fill("1.5")
    row.locator("input[name$='-deduction_reason']").fill("工位未清理")
    page.click("#adjustments-form button.primary")  # the whole table saves in one action
    page.wait_for_selector(".flash-success")
    assert page.locator("#row-A04 input[name$='-deduction_reason']").input_value() == "工位未清理"
    assert "65.50" in page.locator("#row-A04").inner_text()
    screenshot(page, f"results-adjustments-{lang}")
    _logout(page, base)

    # The organizer computes (codes only), then publishes for public notice.
    _login(page, base, "cityorg", lang)
    page.goto(f"{base}/results/competitions/{comp_id}")
    page.click("#compute")
    page.wait_for_selector("#publish")
    body = page.inner_text("main")
    assert "A02" in body and "李娜" not in body
    page.fill("#notice_days", "5")
    page.click("#publish")
    page.wait_for_selector("#record-appeal")
    assert "李娜" in page.inner_text("main")
    screenshot(page, f"results-manage-{lang}")
    _logout(page, base)

    # The public page: names, employers and prizes; no login needed.
    page.goto(f"{base}/results/public/competitions/{comp_id}")
    text = page.inner_text("main")
    assert "李娜" in text and "西区电力公司工会" in text and "陈静" in text
    assert ("一等奖" if lang == "zh" else "First prize") in text
    screenshot(page, f"results-public-{lang}")

    # The board shows one event at a time and moves on by itself.
    page.goto(f"{base}/results/board/{comp_id}?seconds=2")
    assert page.locator(f"section[data-event='{elec_id}']").is_visible()
    assert not page.locator(f"section[data-event='{weld_id}']").is_visible()
    screenshot(page, f"results-board-{lang}")
    page.wait_for_selector(f"section[data-event='{weld_id}'].active", timeout=6000)
    assert page.locator(f"section[data-event='{weld_id}']").is_visible()

    # After the notice period the job makes the results final; the board reloads itself and says so.
    with app.app_context():
        snapshot = db.session.execute(select(ResultSnapshot)).scalar_one()
        finalize_due_results(now=snapshot.notice_ends_at + timedelta(minutes=5))
        db.session.commit()
    final = "最终成绩" if lang == "zh" else "Final results"
    # (a locator wait, not wait_for_function: the page's CSP forbids evaluating strings, as it should)
    page.locator(".board-state", has_text=final).wait_for(timeout=10000)
    page.goto(f"{base}/results/public/competitions/{comp_id}")
    assert final in page.inner_text("main")
