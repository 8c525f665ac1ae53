"""Issue 10's pages in a real browser: the marking scheme's new rules, a public standing with did-not-pass and
absent competitors, and the administrator's working-day calendar, in both languages at tablet and phone sizes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from competitions.extensions import db
from competitions.judging.models import Mark
from competitions.results import services as results
from tests import factories as f
from tests.conftest import screenshot
from tests.support.browser import login as _login

pytestmark = pytest.mark.browser

PEOPLE = {"A01": (97, 96, 52), "A02": (80, 80, 80), "A03": (70, 65, 90), "A04": (None, None, None)}


def _seed(app) -> tuple[int, int]:
    from competitions.domain.schemes import CriterionDraft, PartDraft, SchemeDraft
    from competitions.organize import services as organize

    with app.app_context():
        orgs = f.org_tree()
        f.user("cityorg", "organizer", org=orgs["city"])
        f.user("admin1", "admin")
        marker = f.user("marker", "judge", org=orgs["city"])
        comp = f.competition(orgs["city"], name="2026年测试市职工职业技能大赛")
        ev = f.event(comp, with_scheme=False)
        parts = (PartDraft("theory", "理论知识", Decimal(25), Decimal(60)),
                 PartDraft("practical", "技能操作", Decimal(55), Decimal(60)),
                 PartDraft("safety", "安全文明", Decimal(20), Decimal(60)))
        rows = (("theory", "T1", "笔试"), ("practical", "P1", "实操"), ("safety", "S1", "安全"))
        criteria = tuple(CriterionDraft(p, c, n, Decimal(100), Decimal("0.5"), "judgement", "mean", 1)
                         for p, c, n in rows)
        organize.save_scheme(ev, SchemeDraft(parts, criteria, precision=2, pass_total=Decimal(60)),
                             organize.AwardRuleData("bands", Decimal(1), Decimal(1), Decimal(1), Decimal(1)))
        crit = {c.code: c.id for p in ev.parts for c in p.criteria}
        for station, (code, values) in enumerate(PEOPLE.items(), start=1):
            reg = f.results_competitor(ev, orgs["plant"], name=f"选手{station}", code=code, station=station)
            for criterion, value in zip(("T1", "P1", "S1"), values, strict=True):
                if value is not None:
                    db.session.add(Mark(registration_id=reg.id, criterion_id=crit[criterion], judge_id=marker.id,
                                        event_id=ev.id, value=Decimal(value)))
            if values[0] is None:
                results.record_adjustment(ev, results.AdjustmentData(reg.id, None, Decimal(0), "", False, "",
                                                                     absent=True), actor_id=None)
        comp.status = "in_progress"
        f.sign_off(ev, marker)
        results.compute_provisional_results(comp, actor_id=None)
        results.publish_results(comp, actor_id=None, now=datetime.now(UTC), zone=ZoneInfo("Asia/Shanghai"))
        db.session.commit()
        return comp.id, ev.id


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scoring_rules_pages(live_app, page, lang):
    app, base = live_app
    comp_id, ev_id = _seed(app)
    words = {"zh": ("未合格", "缺考", "及格线（百分制）", "工作日日历"),
             "en": ("Did not pass", "Absent", "Pass mark (of 100)", "Working-day calendar")}[lang]

    _login(page, base, "cityorg", lang)
    page.goto(f"{base}/organize/events/{ev_id}/scheme")
    assert page.locator("input[name='parts-2-pass_mark']").input_value() == "60"
    assert words[2] in page.content()
    screenshot(page, f"scoring-scheme-{lang}")

    page.goto(f"{base}/results/public/events/{ev_id}")
    table = page.locator("table.results-table")
    assert words[0] in table.inner_text() and words[1] in table.inner_text()
    assert page.locator("td.below").count() == 1  # A01's safety part, below its pass mark
    screenshot(page, f"scoring-public-{lang}")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"scoring-public-phone-{lang}")
    page.set_viewport_size({"width": 1024, "height": 768})

    page.click("form[action$='/auth/logout'] button")
    _login(page, base, "admin1", lang)
    page.goto(f"{base}/results/calendar?year=2026")
    assert words[3] in page.content() and page.locator("#calendar-days tbody tr").count() > 10
    screenshot(page, f"scoring-calendar-{lang}")
