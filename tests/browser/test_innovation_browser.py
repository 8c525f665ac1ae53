"""Innovation entries in Chromium: a worker submits an entry on a phone (390 px), an expert reviews it on a
tablet (1024 px) and goes on to the tablet scoring page; both languages, screenshots in tests/artifacts/."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from competitions.extensions import db
from competitions.innovation import services
from competitions.innovation.models import InnovationEntry
from competitions.orgs.models import Worker
from tests.conftest import screenshot
from tests.support import innovation_world as iw
from tests.support.browser import login as _login
from tests.support.browser import watch_csp

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1024, "height": 768}


def _page(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30000)
    return context, page, watch_csp(page)


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "page scrolls sideways"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_worker_submits_an_entry_on_a_phone(live_app, browser, lang, tmp_path):
    app, base = live_app
    app.config["INNOVATION_FILES_DIR"] = str(tmp_path / "files")
    with app.app_context():
        world = iw.build()
        comp_id = world["comp"].id
    context, page, refused = _page(browser, PHONE)
    _login(page, base, "lead", lang)
    page.goto(f"{base}/innovation/")
    screenshot(page, f"innovation-phone-index-{lang}")
    page.click(f"a[href='/innovation/contests/{comp_id}/new']")
    page.wait_for_load_state()
    page.fill("#title", "数控车床快速换刀夹具")
    page.select_option("#category", "technical")
    page.fill("#description", "把换刀时间从15分钟缩短到3分钟，\n减少停机。")
    page.fill("#claimed_benefit_yuan", "0.001")        # a careless clerk: refused with a message, nothing saved
    page.fill("#member_names", "李强")
    page.click("form.innovation-form button[type=submit], form.innovation-form input[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".field.has-error").count() >= 1
    screenshot(page, f"innovation-phone-form-error-{lang}")
    _no_horizontal_scroll(page)
    page.fill("#claimed_benefit_yuan", "120000")
    page.click("form.innovation-form input[type=submit]")
    page.wait_for_load_state()
    assert "CX-0001" in page.inner_text("h1")
    page.set_input_files("#file", files=[{"name": "图纸.pdf", "mimeType": "application/pdf",
                                          "buffer": iw.pdf_bytes("drawing")}])
    page.click("form.upload input[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".file-list a", has_text="图纸.pdf").count() == 1
    page.set_input_files("#file", files=[{"name": "evil.pdf", "mimeType": "application/pdf",
                                          "buffer": b"<html><script>alert(1)</script></html>"}])
    page.click("form.upload input[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".field.has-error .error").count() == 1
    screenshot(page, f"innovation-phone-upload-refused-{lang}")
    page.click("form.action-submit button")
    page.wait_for_load_state()
    assert page.locator(".badge.innovation-submitted").count() == 1
    _no_horizontal_scroll(page)
    screenshot(page, f"innovation-phone-submitted-{lang}")
    context.close()
    assert not refused, refused
    with app.app_context():
        entry = db.session.execute(select(InnovationEntry)).scalar_one()
        assert entry.status == "submitted" and [a.filename for a in entry.attachments] == ["图纸.pdf"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_expert_reviews_on_a_tablet(live_app, browser, lang, tmp_path):
    app, base = live_app
    app.config["INNOVATION_FILES_DIR"] = str(tmp_path / "files")
    with app.app_context():
        world = iw.build()
        users = world["users"]
        ids = []
        for lead, title, members in (("lead", "数控车床快速换刀夹具", ("李强",)), ("weaver", "织机断纱自停装置", ())):
            worker = db.session.execute(select(Worker).where(Worker.user_id == users[lead].id)).scalar_one()
            entry = services.create_entry(world["comp"], lead=worker, actor=users[lead], data=services.EntryData(
                event_id=world["event"].id, title=title, category="technical", description="改进说明……" * 20,
                claimed_benefit_yuan=120000, member_names=members))
            services.add_attachment(entry, actor=users[lead], upload=services.Upload(iw.pdf_bytes(), "方案.pdf"))
            services.entrant_action(entry, "submit", actor=users[lead], now=datetime.now(UTC))
            reviewer = users["plantorg"] if lead == "lead" else users["millorg"]
            services.unit_action(entry, "pass", actor=reviewer, now=datetime.now(UTC))
            ids.append(entry.id)
        db.session.commit()
        iw.panel(world)
        event_id = world["event"].id
    context, page, refused = _page(browser, TABLET)
    _login(page, base, "expert_mill", lang)
    page.goto(f"{base}/innovation/expert")
    assert page.locator(".card.recused").count() == 1      # the mill's own entry
    screenshot(page, f"innovation-tablet-expert-list-{lang}")
    page.click(f"#entry-{ids[0]} a.button:not(.primary)")
    page.wait_for_load_state()
    body = page.inner_text("main")
    assert "数控车床快速换刀夹具" in body and "张伟" not in body and "李强" not in body
    screenshot(page, f"innovation-tablet-expert-entry-{lang}")
    page.click(f"a[href='/judging/events/{event_id}/tablet']")
    page.wait_for_load_state()
    assert page.locator("text=CX-0001").count() >= 1
    assert page.locator("text=CX-0002").count() == 0          # recused on the scoring page too
    screenshot(page, f"innovation-tablet-scoring-{lang}")
    context.close()
    assert not refused, refused


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_organizer_adopts_implements_and_recommends_on_a_tablet(live_app, browser, lang, tmp_path):
    app, base = live_app
    app.config["INNOVATION_FILES_DIR"] = str(tmp_path / "files")
    with app.app_context():
        world = iw.build()
        users = world["users"]
        worker = db.session.execute(select(Worker).where(Worker.user_id == users["lead"].id)).scalar_one()
        entry = services.create_entry(world["comp"], lead=worker, actor=users["lead"], data=services.EntryData(
            event_id=world["event"].id, title="数控车床快速换刀夹具", category="technical",
            description="把换刀时间从15分钟缩短到3分钟。", claimed_benefit_yuan=iw.Decimal(120000),
            member_names=("李强",)))
        services.add_attachment(entry, actor=users["lead"], upload=services.Upload(iw.pdf_bytes(), "图纸.pdf"))
        services.entrant_action(entry, "submit", actor=users["lead"], now=datetime.now(UTC))
        services.unit_action(entry, "pass", actor=users["plantorg"], now=datetime.now(UTC))
        db.session.commit()
        entry_id, comp_id, city = entry.id, world["comp"].id, world["orgs"]["city"].id
    context, page, refused = _page(browser, TABLET)
    _login(page, base, "eastorg", lang)
    page.goto(f"{base}/innovation/review")
    page.click(f"a[href='/innovation/contests/{comp_id}']")
    page.wait_for_load_state()
    screenshot(page, f"innovation-tablet-contest-{lang}")
    page.set_viewport_size({"width": 1920, "height": 1080})
    screenshot(page, f"innovation-desktop-contest-{lang}")
    page.set_viewport_size(TABLET)
    page.goto(f"{base}/innovation/entries/{entry_id}")
    page.fill("#note-adopt", "在全厂推广")
    page.click("form.action-adopt button")
    page.wait_for_load_state()
    assert page.locator(".badge.innovation-adopted").count() == 1
    page.fill("#implemented_on", datetime.now(UTC).date().isoformat())
    page.fill("#realized_benefit_yuan", "86000")
    page.fill("#realized_benefit_note", "财务部确认")
    page.set_input_files("#evidence", files=[{"name": "财务确认.pdf", "mimeType": "application/pdf",
                                              "buffer": iw.pdf_bytes("finance")}])
    screenshot(page, f"innovation-tablet-implement-form-{lang}")
    page.click("form[action$='/implement'] input[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".badge.innovation-implemented").count() == 1
    page.select_option("#to_organization_id", str(city))
    page.click("form[action$='/recommend'] input[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".badge.warn").count() == 1
    screenshot(page, f"innovation-tablet-implemented-{lang}")
    context.close()
    assert not refused, refused
