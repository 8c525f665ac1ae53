"""Rounds in a real browser: the qualification page (organizer confirms) and the public preliminary standing,
in both languages at tablet (1024) and phone (390) sizes; screenshots in tests/artifacts/rounds-*.png."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from competitions.domain.schemes import CriterionDraft, PartDraft, SchemeDraft
from competitions.extensions import db
from competitions.organize import services as organize
from competitions.rounds import services as rounds
from tests import factories as f
from tests.conftest import screenshot
from tests.support.browser import login as _login

pytestmark = pytest.mark.browser

# Preliminary totals 83.00, 87.00, 77.00, 77.00 (tied at the cut), 63.50; top 3 -> four qualify.
PRELIM = {"A01": (90, 50, 30), "A02": (80, 54, 36), "A03": (70, 45, 35), "A04": (70, 45, 35), "A05": (95, 30, 20)}


def _seed(app) -> int:
    with app.app_context():
        orgs = f.org_tree()
        organizer = f.user("cityorg", "organizer", org=orgs["city"])
        chief = f.user("chief", "judge", org=orgs["city"])
        judges = [f.user(f"judge{i}", "judge", org=orgs["city"]) for i in range(3)]
        comp = f.competition(orgs["city"], name="2026年测试市职工职业技能大赛")
        prelim = f.event(comp)
        final = rounds.create_final(prelim, rule=rounds.rule_json(top=3), actor_id=organizer.id)
        organize.save_scheme(final, SchemeDraft(
            parts=(PartDraft("theory", "理论知识（初赛）", Decimal(30), carried_from="theory"),
                   PartDraft("practical", "技能操作", Decimal(70))),
            criteria=(CriterionDraft("practical", "F1", "决赛实操", Decimal(100), Decimal("0.5"), "judgement",
                                     "mean", 1),)),
            organize.AwardRuleData("bands", Decimal(1), Decimal(1), Decimal(1)))
        for station, (code, (theory, p1, p2)) in enumerate(PRELIM.items(), start=1):
            reg = f.results_competitor(prelim, orgs["plant"], name=f"选手{code}", code=code, station=station)
            f.results_marks(prelim, reg, judges, theory=theory, p1=p1, p2=p2)
        comp.status = "in_progress"
        f.sign_off(prelim, chief)
        standing = rounds.compute_qualification(prelim, actor_id=organizer.id, now=datetime.now(UTC))
        rounds.publish_standing(standing, actor_id=organizer.id, now=datetime.now(UTC))
        db.session.commit()
        return prelim.id


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_qualification_page_and_public_standing(live_app, page, lang):
    app, base = live_app
    prelim_id = _seed(app)
    words = {"zh": ("并列者同时晋级", "已确认：晋级选手已进入决赛", "未晋级", "沿用初赛"),
             "en": ("tied at the cut", "Confirmed: the qualifiers are in the final", "Did not qualify",
                    "carried from the preliminary")}[lang]
    _login(page, base, "cityorg", lang)
    page.goto(f"{base}/rounds/events/{prelim_id}")
    table = page.locator("#qualification-table")
    assert words[0] in table.inner_text() and words[3] in page.content()
    assert page.locator("#qualification-table tr.qualified").count() == 4
    screenshot(page, f"rounds-qualification-{lang}")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"rounds-qualification-phone-{lang}")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form[action$='/confirm'] button")
    page.wait_for_selector("#qualification-status")
    assert words[1] in page.locator("#qualification-status").inner_text()
    screenshot(page, f"rounds-confirmed-{lang}")

    page.click("form[action$='/auth/logout'] button")
    page.goto(f"{base}/rounds/public/events/{prelim_id}")
    page.click(f"form.langswitch button[value={lang}]")
    standing = page.locator("#preliminary-standing")
    assert "选手A05" in standing.inner_text() and words[2] in standing.inner_text()
    screenshot(page, f"rounds-public-{lang}")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"rounds-public-phone-{lang}")


def _seed_results(app) -> int:
    """The final judged (F1: A01 75, A02 70, A03 90, A04 60), signed off, results computed and published."""
    from zoneinfo import ZoneInfo

    from competitions.auth.models import User
    from competitions.judging.models import Mark
    from competitions.organize.models import Event
    from competitions.registration.models import Registration
    from competitions.results import services as results

    prelim_id = _seed(app)
    with app.app_context():
        prelim = db.session.get(Event, prelim_id)
        final = rounds.final_of(prelim)
        organizer = db.session.execute(db.select(User).where(User.username == "cityorg")).scalar_one()
        judge = db.session.execute(db.select(User).where(User.username == "judge0")).scalar_one()
        rounds.confirm_qualification(rounds.standing_of(prelim.id), actor=organizer, now=datetime.now(UTC))
        marks = {"A01": 75, "A02": 70, "A03": 90, "A04": 60}
        criterion = final.parts[1].criteria[0]
        for entry in rounds.standing_of(prelim.id).entries:
            if entry.final_registration_id:
                db.session.add(Mark(registration_id=entry.final_registration_id, criterion_id=criterion.id,
                                    judge_id=judge.id, event_id=final.id, value=Decimal(marks[entry.anonymous_code])))
        f.sign_off(final, judge)
        results.compute_provisional_results(prelim.competition, actor_id=None)
        results.publish_results(prelim.competition, actor_id=None, now=datetime.now(UTC),
                                zone=ZoneInfo("Asia/Shanghai"))
        db.session.commit()
        assert db.session.query(Registration).filter_by(event_id=final.id).count() == 4
        return final.id


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_public_results_of_the_final_list_those_who_did_not_qualify(live_app, page, lang):
    app, base = live_app
    final_id = _seed_results(app)
    words = {"zh": ("未晋级", "初赛：第 5 名，63.50", "一等奖"),
             "en": ("Did not qualify", "preliminary: place 5, 63.50", "First prize")}[lang]
    page.goto(f"{base}/results/public/events/{final_id}")
    page.click(f"form.langswitch button[value={lang}]")
    table = page.locator("table.results-table").inner_text()
    assert all(word in table for word in words) and "84.00" in table
    screenshot(page, f"rounds-results-{lang}")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"rounds-results-phone-{lang}")
