"""Every message a user sees is in their language (issue 11 §7), and stored codes show by their name (§6).

Found: scheme rows said "This field is required." on a Chinese page; the new-competition form labelled the
competition's name 姓名 (a person's name); the audit log showed action codes, field names, True/False and UTC
times; the registrations list showed skill levels as 3/4/5.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from competitions.audit.services import record
from competitions.extensions import db
from competitions.registration.models import Registration
from tests import factories as f


def _zh(client, auth, username):
    auth.login(username)
    client.post("/lang", data={"lang": "zh"})


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_scheme_rows_say_required_in_chinese(app, client, auth):
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    ev = f.event(f.competition(orgs["city"]), with_scheme=False)
    db.session.commit()
    _zh(client, auth, "cityorg")
    page = _text(client.post(f"/organize/events/{ev.id}/scheme", data={"parts-0-code": "", "parts-0-name": ""}))
    assert "该字段是必填字段。" in page
    assert "This field is required." not in page and "Not a valid choice" not in page


def test_a_competition_is_named_not_a_person(app, client, auth):
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    f.competition(orgs["city"])
    db.session.commit()
    _zh(client, auth, "cityorg")
    form = _text(client.get("/organize/competitions/new"))
    assert re.search(r'<label for="name">名称</label>', form) and "姓名" not in form
    listing = _text(client.get("/organize/competitions"))
    assert "<th>名称</th>" in listing and "<th>姓名</th>" not in listing


def test_the_audit_log_reads_in_chinese_with_local_times(app, client, auth):
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    comp = f.competition(orgs["city"])
    db.session.commit()
    at = datetime(2026, 12, 15, 1, 30, tzinfo=UTC)  # 09:30 in Asia/Shanghai
    record("event.lock", actor_id=None, object_type="event", object_id=1, competition_id=comp.id,
           new={"locked": True})
    record("competition.status", actor_id=None, object_type="competition", object_id=comp.id,
           competition_id=comp.id, old={"status": "closed"}, new={"status": "in_progress", "at": at.isoformat()})
    db.session.commit()
    _zh(client, auth, "cityorg")
    page = _text(client.get("/judging/audit"))
    table = page.split('id="audit"')[1]
    assert "项目已签字确认" in table and "已锁定: 是" in table
    assert "竞赛状态已变更" in table and "状态: 报名已截止" in table and "状态: 进行中" in table
    assert "2026-12-15 09:30" in table
    for leak in ("event.lock", "locked=", "True", "False", "in_progress", "T01:30"):
        assert leak not in table, leak
    options = page.split('id="action"')[1].split("</select>")[0]
    assert "全部评分变更" in options and "mark." not in options.replace('value="mark.', "")


def test_skill_levels_show_by_name_on_the_registrations_list(app, client, auth):
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    comp, ev = f.open_competition(orgs["city"])
    reg = Registration(event_id=ev.id, worker_id=f.worker(orgs["plant"], skill_level=3).id, status="pending",
                       skill_level=3)
    db.session.add(reg)
    db.session.commit()
    _zh(client, auth, "cityorg")
    page = _text(client.get(f"/registration/manage/competitions/{comp.id}"))
    row = page.split('aria-label="张伟"')[1].split("</tr>")[0]
    assert "高级工" in row and "<td>3</td>" not in row
