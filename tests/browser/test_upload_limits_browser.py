"""Issue 9 §5: an upload above the limit gets a friendly message in the browser, before and after sending.

The file input carries the limit (``data-max-bytes``): the browser says why at once and keeps the form from
being sent. Were a file sent anyway (an old page, a script), the server answers with the same words on the
page it came from, never a bare 413 page.
"""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.conftest import screenshot
from tests.support.browser import login

pytestmark = pytest.mark.browser
TOO_BIG = 6 * 1024 * 1024


def _seed(app):
    with app.app_context():
        orgs = f.org_tree()
        f.user("cityorg", "organizer", org=orgs["city"])
        comp, _ev = f.open_competition(orgs["city"])
        from competitions.extensions import db

        db.session.commit()
        return comp.id


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_roster_above_the_limit_is_refused_with_a_message(live_app, page, lang):
    app, base = live_app
    comp = _seed(app)
    login(page, base, "cityorg", lang)
    page.goto(f"{base}/registration/roster/competitions/{comp}")
    file_input = page.locator("input[type=file]")
    file_input.set_input_files({"name": "roster.xlsx", "mimeType": "application/octet-stream",
                                "buffer": b"x" * TOO_BIG})
    message = file_input.evaluate("input => input.validationMessage")
    assert ("5 MB" in message) and ("too large" in message if lang == "en" else "文件太大" in message)
    page.click("form[enctype='multipart/form-data'] button[type=submit], form[enctype='multipart/form-data'] "
               "input[type=submit]")
    assert "/registration/roster/" in page.url   # not sent: still on the same page, no error page
    screenshot(page, f"upload-too-large-{lang}")
    # The server's answer, should a too-large file reach it: the same words on the roster page.
    file_input.evaluate("input => input.setCustomValidity('')")
    page.evaluate("() => document.querySelectorAll('input[type=file]')"
                  ".forEach(i => i.removeAttribute('data-max-bytes'))")
    page.click("form[enctype='multipart/form-data'] button[type=submit], form[enctype='multipart/form-data'] "
               "input[type=submit]")
    page.wait_for_load_state()
    text = page.inner_text("body")
    assert "5 MB" in text and "413" not in page.title()
    screenshot(page, f"upload-too-large-server-{lang}")
