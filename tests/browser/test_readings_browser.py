"""Readings that must not be averaged (issue 10 §7) in Chromium, at tablet (1024) and phone (390) widths.

A second judge's reading of a criterion measured once is refused on the tablet, clearly, once (the queue
does not retry it) and the badge never says "saved"; the chief judge sees a reading and its check reading
that disagree, with both judges' names, and keeps one.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from competitions.extensions import db
from competitions.judging import services as judging
from competitions.judging.models import Mark, ReadingDecision
from competitions.organize import services as organize
from tests import factories as f
from tests.browser.test_judging_browser import _enter, _login
from tests.conftest import screenshot
from tests.web.test_readings import check_scheme

pytestmark = pytest.mark.browser

SIZES = {"tablet": (1024, 768), "phone": (390, 844)}


def _seed(app):
    """T1 measured once, given to two judges; the first judge has read K01 as 72."""
    with app.app_context():
        orgs = f.org_tree()
        first = f.user("first", "judge", org=orgs["city"])
        second = f.user("second", "judge", org=orgs["city"])
        chief = f.user("chief", "judge", org=orgs["city"])
        comp = f.competition(orgs["city"])
        ev = f.event(comp)
        regs = [f.judging_competitor(ev, orgs["east"], code=code, station=i + 1) for i, code in
                enumerate(("K01", "K02"))]
        f.judging_panel(ev, [first, second], chief, criterion_codes=["T1"])
        comp.status = "in_progress"
        db.session.commit()
        crit = {c.code: c.id for p in ev.parts for c in p.criteria}
        judging.submit_mark(first, judging.MarkInput(regs[0].id, crit["T1"], "72", None, str(uuid.uuid4())))
        db.session.commit()
        return ev.id, {r.anonymous_code: r.id for r in regs}, crit, second.id


def _count_writes(page):
    """How many mark writes the page sends (a refused reading must not be retried)."""
    sent = []
    page.on("request", lambda request: sent.append(request.url) if request.url.endswith("/api/v1/judging/marks")
            and request.method == "POST" else None)
    return sent


@pytest.mark.parametrize("size", ["tablet", "phone"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_second_reading_is_refused_on_the_tablet_and_never_retried(live_app, page, lang, size):
    app, base = live_app
    ev, regs, crit, second_id = _seed(app)
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    _login(page, base, "second", lang)
    page.goto(f"{base}/judging/events/{ev}/tablet")
    # Loaded from the sheet: K01's T1 is shown as taken, with the reading, before anything is typed.
    page.click(f"#station-{regs['K01']}")
    label = page.locator(f"[data-state-for='{crit['T1']}']")
    assert "taken" in label.get_attribute("class")
    assert "72" in label.inner_text() and ("First" in label.inner_text())
    sent = _count_writes(page)
    _enter(page, regs["K01"], crit["T1"], "50")
    page.wait_for_selector(f"[data-state-for='{crit['T1']}'].bad")
    page.wait_for_selector("#sync-state.bad")
    message = label.inner_text()
    assert ("measured once" in message) if lang == "en" else ("只测一次" in message)
    assert "First: 72" in message
    badge = page.locator("#sync-text").inner_text()
    assert "All marks saved" not in badge and "全部已保存" not in badge
    page.wait_for_timeout(5000)  # longer than the queue's retry period (4 s)
    assert len(sent) == 1, sent   # refused once, not retried
    assert page.locator("#sync-state.bad").count() == 1
    screenshot(page, f"readings-tablet-refused-{size}-{lang}")
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Mark).where(Mark.judge_id == second_id)
                                  ).scalar_one() == 0
    # K02 is still the second judge's to read.
    _enter(page, regs["K02"], crit["T1"], "64")
    page.wait_for_selector(f"[data-state-for='{crit['T1']}'].saved")


def _seed_disagreement(app):
    with app.app_context():
        orgs = f.org_tree()
        first = f.user("first", "judge", org=orgs["city"])
        second = f.user("second", "judge", org=orgs["city"])
        chief = f.user("chief", "judge", org=orgs["city"])
        comp = f.competition(orgs["city"])
        ev = f.event(comp, with_scheme=False)
        organize.save_scheme(ev, check_scheme(), organize.AwardRuleData("bands", Decimal(1), Decimal(1), Decimal(1)))
        regs = [f.judging_competitor(ev, orgs["east"], code=code, station=i + 1) for i, code in
                enumerate(("K01", "K02"))]
        f.judging_panel(ev, [first, second], chief, criterion_codes=["T1"])
        comp.status = "in_progress"
        db.session.commit()
        t1 = next(c.id for p in ev.parts for c in p.criteria if c.code == "T1")
        for judge, reg, value in ((first, regs[0], "72"), (second, regs[0], "72.5"), (first, regs[1], "68"),
                                  (second, regs[1], "70.5")):
            judging.submit_mark(judge, judging.MarkInput(reg.id, t1, value, None, str(uuid.uuid4())))
        db.session.commit()
        return ev.id, second.id


@pytest.mark.parametrize("size", ["tablet", "phone"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_chief_judge_decides_a_disagreement(live_app, page, lang, size):
    app, base = live_app
    ev, second_id = _seed_disagreement(app)
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    _login(page, base, "chief", lang)
    page.goto(f"{base}/judging/events/{ev}/chief")
    assert page.locator("#open-readings").is_visible()
    page.click("#open-readings a")
    card = page.locator("#disagreement-K02-T1")
    text = card.inner_text()
    assert "68.00" in text and "70.50" in text and "First" in text and "Second" in text
    assert page.locator("#disagreement-K01-T1").count() == 0  # 72 / 72.5 agree within 0.5
    screenshot(page, f"readings-chief-open-{size}-{lang}")
    card.locator(f"input[name=decision][value='{second_id}']").check()
    card.locator("input[name=reason]").fill("复核量具后确认第二次读数")
    card.locator("button").click()
    page.wait_for_selector("#no-disagreements")
    screenshot(page, f"readings-chief-decided-{size}-{lang}")
    with app.app_context():
        decision = db.session.execute(select(ReadingDecision)).scalar_one()
        assert (decision.kept_judge_id, decision.value) == (second_id, Decimal("70.5"))


def _seed_part_absence(app):
    """K02 missed the theory; the chief judge records it on the adjustments page (done in the test)."""
    from tests.web.test_part_absence import make_world

    with app.app_context():
        w = make_world(theory_pass=Decimal(60))
        return w.ev.id, w.comp.id, {"K01": w.a.id, "K02": w.b.id}, {c: x.id for c, x in w.crit.items()}


@pytest.mark.parametrize("size", ["tablet", "phone"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_absence_from_a_part_on_the_chief_judges_page_and_in_the_public_standing(live_app, page, lang, size):
    from competitions.organize.models import Event

    app, base = live_app
    ev, comp, regs, crit = _seed_part_absence(app)
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    _login(page, base, "chief", lang)
    page.goto(f"{base}/results/events/{ev}/adjustments")
    page.select_option("#part-absence select[name=registration_id]", str(regs["K02"]))
    page.select_option("#part-absence select[name=part]", "theory")
    page.fill("#part-absence input[name=reason]", "身体不适未参加理论考试")
    page.click("#part-absence button.primary")
    page.wait_for_selector("#part-absence table")
    assert "身体不适未参加理论考试" in page.locator("#part-absence").inner_text()
    screenshot(page, f"readings-part-absence-chief-{size}-{lang}")
    with app.app_context():
        from competitions.auth.models import User
        from competitions.results import services as results

        judge = {u.username: u for u in db.session.execute(select(User)).scalars()}
        for who, reg, code, value in (("theory", "K01", "T1", "80"), ("practical", "K01", "P1", "90"),
                                      ("practical", "K02", "P1", "95")):
            judging.submit_mark(judge[who], judging.MarkInput(regs[reg], crit[code], value, None, str(uuid.uuid4())))
        db.session.commit()
        event = db.session.get(Event, ev)
        for who in ("theory", "practical"):
            judging.submit_sheet(event, judge=judge[who])
        judging.sign_off_event(event, actor=judge["chief"])
        results.compute_provisional_results(event.competition, actor_id=None)
        from datetime import UTC, datetime
        from zoneinfo import ZoneInfo

        results.publish_results(event.competition, actor_id=None, now=datetime.now(UTC),
                                zone=ZoneInfo("Asia/Shanghai"))
        db.session.commit()
    page.goto(f"{base}/results/public/events/{ev}")
    cell = page.locator("td.absent-part")
    assert cell.count() == 1 and cell.inner_text().strip() in ("Absent", "缺考")
    screenshot(page, f"readings-part-absence-public-{size}-{lang}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_tablet_shows_an_absent_part_as_nothing_to_enter(live_app, page, lang):
    from competitions.organize.models import Event
    from competitions.results import services as results

    app, base = live_app
    ev, comp, regs, crit = _seed_part_absence(app)
    with app.app_context():
        results.record_part_absence(db.session.get(Event, ev), regs["K02"], "theory", "身体不适未参加理论考试",
                                    actor_id=None)
        db.session.commit()
    _login(page, base, "theory", lang)
    page.goto(f"{base}/judging/events/{ev}/tablet")
    page.click(f"#station-{regs['K02']}")
    label = page.locator(f"[data-state-for='{crit['T1']}']")
    assert ("Absent from this part" in label.inner_text()) if lang == "en" else ("缺考" in label.inner_text())
    assert page.locator(f"#mark-{crit['T1']}").evaluate("el => el.readOnly")
    assert "1/1" in page.locator(f"#station-{regs['K02']}").inner_text()  # nothing owed there
    screenshot(page, f"readings-tablet-absent-part-{lang}")
    _enter(page, regs["K01"], crit["T1"], "80")  # K01 sat the test: an ordinary reading
    page.wait_for_selector(f"[data-state-for='{crit['T1']}'].saved")
