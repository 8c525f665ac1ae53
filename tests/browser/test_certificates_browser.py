"""Certificates in Chromium: the organizer issues and prepares a download, the winner downloads, anyone checks
a number; screenshots at phone, tablet and desktop widths in both languages (tests/artifacts/)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from competitions.certificates.models import Certificate
from competitions.extensions import db
from competitions.scheduler import job_named, run_job
from tests.conftest import screenshot
from tests.support.browser import login as _login
from tests.web.test_certificates import _final_world

pytestmark = pytest.mark.browser
SIZES = {"phone": (390, 844), "tablet": (1024, 768), "desktop": (1920, 1080)}


def _seal_png() -> bytes:
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 300), "white")
    ImageDraw.Draw(image).ellipse((10, 10, 290, 290), outline=(200, 20, 20), width=14)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_issue_download_and_verify(live_app, browser, lang):
    app, base = live_app
    with app.app_context():
        world = _final_world()
        comp_id, winner_registration = world["comp"].id, world["regs"]["A01"].id
        org_id = world["orgs"]["west"].id
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.set_default_timeout(30000)
    _login(page, base, "westorg", lang)
    page.goto(f"{base}/certificates/competitions/{comp_id}")
    page.click("#issue")
    page.wait_for_load_state()
    assert page.locator("table.certs tbody tr").count() == 6
    for name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"certificates-manage-{lang}-{name}")
    # The organizer's seal and signatories (the seal is checked and shown as stored).
    page.goto(f"{base}/certificates/organizations/{org_id}/design")
    page.fill("#signatories", "组委会主任：王建国\n裁判长：李明")
    page.set_input_files("#seal", files=[{"name": "seal.png", "mimeType": "image/png", "buffer": _seal_png()}])
    page.click("form[enctype] button.primary")
    page.wait_for_load_state()
    assert page.locator("img.seal").count() == 1
    for name in ("phone", "tablet"):
        width, height = SIZES[name]
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"certificates-design-{lang}-{name}")
    page.goto(f"{base}/certificates/competitions/{comp_id}")
    # The download is prepared by the scheduler's job, not the request; the page follows its progress.
    page.set_viewport_size({"width": 1024, "height": 768})
    page.select_option("#format", "pdf")
    page.click("form[action$='/batches'] button")
    page.wait_for_load_state()
    assert page.locator("#batch").get_attribute("data-status") == "queued"
    screenshot(page, f"certificates-batch-queued-{lang}")
    with app.app_context():
        run_job(job_named("certificate_batches"), now=datetime.now(UTC), period_key=f"browser-{lang}")
    page.wait_for_selector("#download", timeout=15000)  # the page reloads itself
    screenshot(page, f"certificates-batch-ready-{lang}")
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename.endswith(".pdf")
    # The issue page with its list of downloads fits a phone: the batch table scrolls inside its card.
    page.goto(f"{base}/certificates/competitions/{comp_id}")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.locator("table.batches tbody tr").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page itself never scrolls sideways"
    screenshot(page, f"certificates-batches-{lang}-phone")
    # The winner's own page, on a phone.
    _login(page, base, "winner", lang)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/certificates/mine")
    assert page.locator(".cert-cards .card").count() == 1
    screenshot(page, f"certificates-mine-{lang}-phone")
    with page.expect_download() as download:
        page.click(".cert-cards .button.primary")
    assert download.value.suggested_filename.endswith(f"-{'zh'}.pdf")
    # Anyone checks the number (as the QR code opens it), on a phone.
    with app.app_context():
        number = db.session.execute(db.select(Certificate.number).where(
            Certificate.registration_id == winner_registration)).scalar_one()
    visitor = browser.new_context(viewport={"width": 390, "height": 844},
                                  locale="zh-CN" if lang == "zh" else "en-US").new_page()
    visitor.goto(f"{base}/verify/{number[:5]}-{number[5:10]}-{number[10:15]}-{number[15:]}")
    assert visitor.locator("#verdict").get_attribute("data-state") == "valid"
    assert "王＊" in visitor.inner_text("#verdict")
    screenshot(visitor, f"certificates-verify-valid-{lang}-phone")
    # One character of the code changed (to "1" if it was "0": numbers are random, so it was "0" 1 time in 32).
    visitor.goto(f"{base}/verify/{number[:19]}{'1' if number[19] == '0' else '0'}")
    assert visitor.locator("#verdict").get_attribute("data-state") == "invalid"
    screenshot(visitor, f"certificates-verify-invalid-{lang}-phone")
    context.close()
