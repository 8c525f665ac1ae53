"""Gaps left after the labour competitions and innovation contests (issues 10 and 15): each through the form,
the command line and the JSON API where the action exists there, asserting what a user would notice."""

from __future__ import annotations

import re

import pytest

from competitions.extensions import db
from tests import factories as f


@pytest.fixture
def w(app):
    world = f.labour_world(organizer=True)
    db.session.commit()
    return world



def version_in(html: str, name: str = "version") -> str:
    found = re.search(rf'name="{name}"[^>]*value="([0-9a-f]+)"|value="([0-9a-f]+)"[^>]*name="{name}"', html)
    assert found, f"the form carries no {name}"
    return found.group(1) or found.group(2)


# ---- 2. the scorecard settings form refuses a stale save ----------------------------------------------------

SETTINGS = {"s-title": "地铁7号线劳动竞赛考评办法", "s-document_ref": "〔2026〕3号", "s-cadence": "month",
            "s-bonus_cap": "5", "s-deduction_cap": "", "s-aggregation": "mean"}


def test_a_stale_scorecard_settings_form_is_refused_and_the_colleagues_change_kept(w, client, auth):
    from competitions.labour import services

    comp = w["competition"]
    auth.login_as("metro-org")
    url = f"/labour/competitions/{comp.id}/scorecard"
    version = version_in(client.get(url).get_data(as_text=True), "s-version")
    # a colleague raises the bonus cap meanwhile
    saved = client.post(url, data={**SETTINGS, "s-bonus_cap": "8", "s-version": version})
    assert saved.status_code == 302
    stale = client.post(url, data={**SETTINGS, "s-title": "Mine", "s-version": version}, follow_redirects=True)
    assert "changed by someone else" in stale.get_data(as_text=True)
    db.session.expire_all()
    card = services.scorecard_of(comp)
    assert str(card.bonus_cap) in ("8", "8.00") and card.title == SETTINGS["s-title"]
    fresh = version_in(client.get(url).get_data(as_text=True), "s-version")
    assert fresh != version
    assert client.post(url, data={**SETTINGS, "s-title": "Mine", "s-version": fresh}).status_code == 302
    db.session.expire_all()
    assert services.scorecard_of(comp).title == "Mine"


def test_a_new_competitions_first_scorecard_settings_save_is_not_called_stale(client, auth):
    """The card made with defaults on the first look is not stored: its first save must not be refused."""
    orgs = f.org_tree()
    f.user("metro-org", "organizer", org=orgs["city"])
    comp = f.competition(orgs["city"], name="新线劳动竞赛", kind="labor")
    db.session.commit()
    auth.login_as("metro-org")
    url = f"/labour/competitions/{comp.id}/scorecard"
    page = client.get(url).get_data(as_text=True)
    assert client.post(url, data={**SETTINGS, "s-version": ""}).status_code == 302, page[-500:]


# ---- 3. a period is published once it has ended -------------------------------------------------------------

def test_a_period_that_has_not_ended_is_not_published_by_page_cli_or_api(w, client, auth, runner):
    from datetime import timedelta

    from sqlalchemy import select

    from competitions.labour_results.models import LabourPublication
    from competitions.timezone import local_today

    comp = w["competition"]
    june = w["periods"][5]
    today = local_today()
    june.ends_on = today      # the clerk signs June off on its last day
    db.session.commit()
    f.labour_signed_off_period(w, june, {"S1": "9", "S2": "10", "S3": "8", "S4": "7"})
    db.session.commit()
    first = (today + timedelta(days=1)).isoformat()
    message = f"{june.name} runs until {today.isoformat()}; its ranking can be published from {first}"

    auth.login_as("metro-org")
    manage = client.get(f"/labour-results/competitions/{comp.id}").get_data(as_text=True)
    row = manage[manage.index(f'id="period-row-{june.number}"'):]
    row = row[:row.index("</tr>")]
    assert "Can be published from" in row and f"/labour-results/periods/{june.id}/publish" not in row
    page = client.post(f"/labour-results/periods/{june.id}/publish", follow_redirects=True).get_data(as_text=True)
    assert message in page
    api = client.post(f"/api/v1/labour-results/periods/{june.id}/publish")
    assert api.status_code == 409 and message in api.json["message"]
    result = runner.invoke(args=["labour-results", "publish", str(comp.id), str(june.number)])
    assert result.exit_code == 1 and message in result.output
    assert db.session.execute(select(LabourPublication).where(LabourPublication.period_id == june.id)).first() is None
    auth.login_as("metro-org", lang="zh")
    page = client.post(f"/labour-results/periods/{june.id}/publish", follow_redirects=True).get_data(as_text=True)
    assert f"{june.name}截至{today.isoformat()}" in page and "可发布" in page

    # the day after its last day it is published (the same period, nothing else changed)
    june.ends_on = today - timedelta(days=1)
    db.session.commit()
    result = runner.invoke(args=["labour-results", "publish", str(comp.id), str(june.number)])
    assert result.exit_code == 0 and "published" in result.output


# ---- 4. one name per period, one code per unit (whatever the letter case or width) -------------------------

def test_a_second_period_of_the_same_name_is_refused_naming_the_first(w, client, auth, runner):
    from sqlalchemy import func, select

    from competitions.labour.models import LabourPeriod

    comp = w["competition"]
    january, february = w["periods"][0], w["periods"][1]
    count = db.session.execute(select(func.count(LabourPeriod.id))).scalar()
    spaced = january.name.replace("年", "年 ")      # "2026年 1月": the same name to a reader
    said = f"Period 1 (2026-01-01 – 2026-01-31) is already called {january.name}"
    auth.login_as("metro-org")
    page = client.post(f"/labour/competitions/{comp.id}/periods", data={
        "p-name": spaced, "p-kind": "milestone", "p-starts_on": "2026-07-01", "p-ends_on": "2026-07-10",
        "p-weight": "1"}).get_data(as_text=True)
    assert said in page
    api = client.post(f"/api/v1/labour/competitions/{comp.id}/periods", json={
        "name": january.name, "starts_on": "2026-07-01", "ends_on": "2026-07-10"})
    assert api.status_code == 422 and said in api.json["message"] and api.json["field"] == "name"
    result = runner.invoke(args=["labour", "add-period", str(comp.id), "--name", january.name,
                                 "--start", "2026-07-01", "--end", "2026-07-10"])
    assert result.exit_code == 1 and said in result.output
    # renaming February to January's name is refused too; keeping February's own name is not
    url = f"/labour/periods/{february.id}/edit"
    data = {"name": january.name, "kind": february.kind, "starts_on": february.starts_on.isoformat(),
            "ends_on": february.ends_on.isoformat(), "weight": "1"}
    assert said in client.post(url, data=data).get_data(as_text=True)
    assert client.post(url, data={**data, "name": february.name, "weight": "2"}).status_code == 302
    db.session.expire_all()
    assert db.session.execute(select(func.count(LabourPeriod.id))).scalar() == count
    assert db.session.get(LabourPeriod, february.id).name == february.name
    auth.login_as("metro-org", lang="zh")
    page = client.post(url, data=data).get_data(as_text=True)
    assert f"第1期（2026-01-01 – 2026-01-31）已叫{january.name}" in page


def test_unit_codes_are_one_code_whatever_the_letter_case_or_width(w, client, auth, runner):
    from io import BytesIO

    from openpyxl import Workbook
    from sqlalchemy import func, select

    from competitions.labour.models import LabourUnit

    comp = w["competition"]
    count = db.session.execute(select(func.count(LabourUnit.id))).scalar()
    auth.login_as("metro-org")
    for typed in ("s1", "Ｓ1", " S1 "):
        page = client.post(f"/labour/competitions/{comp.id}/units", data={
            "code": typed, "name": "新标段", "kind": "section", "headcount": "5"}).get_data(as_text=True)
        assert "is taken by the unit S1 1标段" in page, typed
    api = client.post(f"/api/v1/labour/competitions/{comp.id}/units", json={"code": "s2", "name": "新标段"})
    assert api.status_code == 422 and "is taken by the unit S2 2标段" in api.json["message"]
    result = runner.invoke(args=["labour", "add-unit", str(comp.id), "--code", "ｓ３", "--name", "新标段"])
    assert result.exit_code == 1 and "is taken by the unit S3 3标段" in result.output
    # S4 renamed to s1 is refused; to s4 (its own code) it is not
    s4 = next(u for u in w["units"] if u.code == "S4")
    base = {"code": "s1", "name": s4.name, "kind": "section", "organization_id": "", "headcount": "104"}
    assert "is taken by the unit S1" in client.post(f"/labour/units/{s4.id}", data=base).get_data(as_text=True)
    assert client.post(f"/labour/units/{s4.id}", data={**base, "code": "S4", "headcount": "90"}).status_code == 302

    # the spreadsheet: the same code twice (case, width) names the row and the column; nothing is imported
    def xlsx(rows):
        book = Workbook()
        sheet = book.active
        sheet.append(["单位代码", "单位名称", "单位类型", "所属组织", "参赛人数"])
        for row in rows:
            sheet.append(row)
        out = BytesIO()
        book.save(out)
        return out.getvalue()

    page = client.post(f"/labour/competitions/{comp.id}/units/import", data={
        "file": (BytesIO(xlsx([["A01", "甲班组", "班组", "", 10], ["ａ01", "乙班组", "班组", "", 12]])), "u.xlsx")},
        content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "row 2 already has A01" in text
    problems = text[text.index("<table", text.index("problem")):]
    assert ">3<" in problems and "code" in problems.lower()
    db.session.expire_all()
    assert db.session.execute(select(func.count(LabourUnit.id))).scalar() == count
    # a row naming s2 updates the unit S2 and keeps its code
    page = client.post(f"/labour/competitions/{comp.id}/units/import", data={
        "file": (BytesIO(xlsx([["s2", "2标段", "标段", "", 250]])), "u.xlsx")}, content_type="multipart/form-data")
    assert page.status_code == 302, page.get_data(as_text=True)
    db.session.expire_all()
    s2 = db.session.execute(select(LabourUnit).where(LabourUnit.code == "S2")).scalar_one()
    assert s2.headcount == 250 and db.session.execute(select(func.count(LabourUnit.id))).scalar() == count
    # the CLI finds a unit by its code in any case
    result = runner.invoke(args=["labour", "withdraw-unit", str(comp.id), "s2", "--reason", "合同终止"])
    assert result.exit_code == 0, result.output
    # a full-width code is stored folded
    client.post(f"/labour/competitions/{comp.id}/units", data={"code": "Ｂ０２", "name": "丙班组", "kind": "team"})
    assert db.session.execute(select(LabourUnit.code).where(LabourUnit.name == "丙班组")).scalar() == "B02"


def test_units_stored_before_the_rule_with_codes_differing_by_case_can_still_be_edited(w, client, auth):
    from competitions.labour.models import LabourUnit

    comp = w["competition"]
    old = LabourUnit(competition_id=comp.id, code="s1", name="旧数据标段", kind="section", headcount=3, position=9)
    db.session.add(old)
    db.session.commit()
    auth.login_as("metro-org")
    page = client.get(f"/labour/units/{old.id}").get_data(as_text=True)
    response = client.post(f"/labour/units/{old.id}", data={
        "code": "s1", "name": "旧数据标段（改）", "kind": "section", "organization_id": "", "headcount": "4",
        "version": version_in(page)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(LabourUnit, old.id).name == "旧数据标段（改）"
    assert client.get(f"/labour/competitions/{comp.id}/units").status_code == 200


# ---- 5. a unit that withdrew is listed apart in the cumulative standing -------------------------------------

def test_a_withdrawn_unit_is_listed_apart_in_the_cumulative_standing(w, client, auth, runner):
    from datetime import UTC, datetime

    from competitions.labour_results import honours as honours_mod
    from competitions.labour_results.publication import publish_period
    from competitions.labour_results.rules import save_rules
    from competitions.timezone import local_today

    comp = w["competition"]
    units = {u.code: u for u in w["units"]}
    save_rules(comp, {"honours": [{"kind": "advanced_collective", "count": 1, "participant_kinds": ["section"]}]},
               actor_id=w["organizer"].id)
    for period in w["periods"]:
        f.labour_signed_off_period(w, period, {"S1": "9", "S2": "10", "S3": "8", "S4": "7"})
        publish_period(period, actor_id=w["organizer"].id, now=datetime.now(UTC))
    db.session.commit()
    auth.login_as("metro-org")
    assert client.get(f"/api/v1/labour-results/competitions/{comp.id}/standings").json["standing"][0]["code"] == "S2"
    client.post(f"/labour/units/{units['S2'].id}/withdraw", data={"reason": "合同终止，退场"})
    today = local_today().isoformat()

    standing = client.get(f"/api/v1/labour-results/competitions/{comp.id}/standings").json["standing"]
    assert [(r["code"], r["rank"], r["withdrawn"]) for r in standing] == [
        ("S1", 1, False), ("S3", 2, False), ("S4", 3, False), ("S2", None, True)]
    assert standing[3]["withdrawn_on"] == today and standing[3]["total"] and "withdrawn" in standing[3]["bars"]
    assert not standing[3]["honours_eligible"]

    client.post("/auth/logout")
    page = client.get(f"/labour-results/public/{comp.id}").get_data(as_text=True)
    table = page[page.index('class="table labour-table cumulative"'):]
    table = table[:table.index("</table>")]
    rows = [r for r in table.split("<tr")[2:]]
    assert ["2标段" in r for r in rows] == [False, False, False, True]     # listed last
    assert '<td class="num rank">—</td>' in rows[3] and "Withdrawn" in rows[3], rows[3]
    assert "A unit that withdrew from the competition is listed apart" in page
    board = client.get(f"/labour-results/board/{comp.id}").get_data(as_text=True)
    assert "Withdrawn" in board
    result = runner.invoke(args=["labour-results", "standings", str(comp.id)])
    assert f"withdrew {today}: listed apart, no place" in result.output and "   1  1标段" in result.output

    # the honours go to the best unit still in the competition
    auth.login_as("metro-org")
    client.post(f"/labour-results/competitions/{comp.id}/honours/decide")
    assert [(h.unit_id, h.status) for h in honours_mod.honours_of(comp.id)] == [(units["S1"].id, "awarded")]
    auth.login_as("metro-org", lang="zh")
    page = client.get(f"/labour-results/competitions/{comp.id}/honours").get_data(as_text=True)
    assert "退出</span>" in page and "已退出竞赛：单列，不排名次" in page


@pytest.mark.parametrize("typed, message", [
    ("A\x0701", "control character"),
    ("㍿" * 6, "At most 20 characters."),     # each folds into 株式会社: 24 characters once folded
    ("A" * 21, "At most 20 characters."),
    ("　", "This field is required."),
])
def test_a_unit_code_a_clerk_mistypes_is_refused_with_the_reason(w, client, auth, typed, message):
    from sqlalchemy import func, select

    from competitions.labour.models import LabourUnit

    count = db.session.execute(select(func.count(LabourUnit.id))).scalar()
    auth.login_as("metro-org")
    api = client.post(f"/api/v1/labour/competitions/{w['competition'].id}/units", json={"code": typed, "name": "新"})
    assert api.status_code == 422 and message in api.json["message"], api.json
    assert db.session.execute(select(func.count(LabourUnit.id))).scalar() == count


# ---- 1 (continued). the unit and entry actions of the labour pages also by the command line and the JSON API ----

def test_withdraw_reinstate_remove_member_and_void_by_cli_and_api(w, client, auth, runner):
    from competitions.labour import services
    from competitions.labour.models import LabourAdjustment, LabourUnit, LabourUnitMember, LabourVeto

    comp = w["competition"]
    s1 = next(u for u in w["units"] if u.code == "S1")
    january = w["periods"][0]
    person = f.worker(w["orgs"]["plant"], name="钱多多")
    services.add_member(s1, worker_id=person.id, role="", actor=None)
    bonus = services.add_adjustment(january, services.AdjustmentData(s1.id, "bonus", "2", "owner", "业主表扬信"),
                                    actor=None)
    veto = services.add_veto(january, services.VetoData(s1.id, "fight", "两班组斗殴", "通报〔2026〕1号"), actor=None)
    db.session.commit()
    auth.login_as("metro-org")
    api = f"/api/v1/labour/units/{s1.id}"
    for body in ({}, {"reason": ""}, {"reason": 3}, {"reason": "x\x00y"}):
        assert client.post(f"{api}/withdraw", json=body).status_code == 422, body
    db.session.expire_all()
    assert db.session.get(LabourUnit, s1.id).withdrawn_at is None
    gone = client.post(f"{api}/withdraw", json={"reason": "合同终止"})
    assert gone.status_code == 200 and gone.json["withdrawn"] is True
    assert client.post(f"{api}/withdraw", json={"reason": "again"}).status_code == 409
    back = client.post(f"{api}/reinstate", json={"reason": "误操作恢复"})
    assert back.status_code == 200 and back.json["withdrawn"] is False
    result = runner.invoke(args=["labour", "withdraw-unit", str(comp.id), "s1", "--reason", "退出"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["labour", "reinstate-unit", str(comp.id), "S1", "--reason", "恢复"])
    assert result.exit_code == 0 and "takes part again" in result.output
    db.session.expire_all()
    assert db.session.get(LabourUnit, s1.id).withdrawn_at is None

    result = runner.invoke(args=["labour", "remove-member", str(comp.id), "S1", str(person.id + 1000)])
    assert result.exit_code == 1 and "is not a member of S1" in result.output
    result = runner.invoke(args=["labour", "remove-member", str(comp.id), "S1", str(person.id)])
    assert result.exit_code == 0
    assert db.session.query(LabourUnitMember).filter_by(unit_id=s1.id).count() == 0

    other = w["periods"][1]
    result = runner.invoke(args=["labour", "void", str(other.id), "adjustment", str(bonus.id), "--reason", "录错"])
    assert result.exit_code == 1 and f"has no adjustment {bonus.id}" in result.output
    result = runner.invoke(args=["labour", "void", str(january.id), "adjustment", str(bonus.id), "--reason", " "])
    assert result.exit_code == 1
    for kind, row in (("adjustment", bonus), ("veto", veto)):
        result = runner.invoke(args=["labour", "void", str(january.id), kind, str(row.id), "--reason", "录错了"])
        assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(LabourAdjustment, bonus.id).voided_at and db.session.get(LabourVeto, veto.id).voided_at
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "/api/v1/labour/units/{unit_id}/withdraw" in paths and "/api/v1/labour/units/{unit_id}/reinstate" in paths


def test_a_unit_and_a_period_changed_or_deleted_by_cli_and_api(w, client, auth, runner):
    from competitions.labour.models import LabourPeriod, LabourUnit

    comp = w["competition"]
    s3 = next(u for u in w["units"] if u.code == "S3")
    june = w["periods"][5]
    auth.login_as("metro-org")
    api = f"/api/v1/labour/units/{s3.id}"
    for body, message in (({"colour": "red"}, "Unknown setting colour"), ({"code": "s1"}, "is taken by the unit S1"),
                          ({"headcount": "9"}, "headcount"), ({"name": "a\x0bb"}, "control character")):
        refused = client.post(api, json=body)
        assert refused.status_code == 422 and message in refused.json["message"], (body, refused.json)
    changed = client.post(api, json={"headcount": 250, "name": "3标段（盾构）"})
    assert changed.status_code == 200 and changed.json["code"] == "S3" and changed.json["headcount"] == 250
    result = runner.invoke(args=["labour", "update-unit", str(comp.id), "s3", "--code", "S3A", "--headcount", "260"])
    assert result.exit_code == 0 and "S3A 3标段（盾构）" in result.output, result.output
    db.session.expire_all()
    assert (db.session.get(LabourUnit, s3.id).code, db.session.get(LabourUnit, s3.id).headcount) == ("S3A", 260)

    period_api = f"/api/v1/labour/periods/{june.id}"
    refused = client.post(period_api, json={"name": w["periods"][0].name})
    assert refused.status_code == 422 and "is already called" in refused.json["message"]
    assert client.post(period_api, json={"weigth": 2}).status_code == 422
    assert client.post(period_api, json={"weight": "1e400"}).status_code == 422
    saved = client.post(period_api, json={"weight": "1.5", "name": "2026年6月（节点）"})
    assert saved.status_code == 200 and saved.json["weight"] == "1.5"
    result = runner.invoke(args=["labour", "update-period", str(june.id), "--weight", "2"])
    assert result.exit_code == 0 and "2026年6月（节点）" in result.output
    deleted = client.post(f"{period_api}/delete")
    assert deleted.status_code == 200 and db.session.get(LabourPeriod, june.id) is None
    may = w["periods"][4]
    result = runner.invoke(args=["labour", "delete-period", str(may.id)])
    assert result.exit_code == 0
    assert runner.invoke(args=["labour", "delete-period", str(may.id)]).exit_code == 1   # no period any more
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/labour/units/{unit_id}", "/api/v1/labour/periods/{period_id}",
            "/api/v1/labour/periods/{period_id}/delete"} <= set(paths)


def test_a_unit_is_linked_only_to_an_organization_within_the_callers_reach(client, auth):
    orgs = f.org_tree()
    f.user("east-org", "organizer", org=orgs["east"])
    comp = f.competition(orgs["east"], name="东区劳动竞赛", kind="labor")
    db.session.commit()
    auth.login_as("east-org")
    api = f"/api/v1/labour/competitions/{comp.id}/units"
    refused = client.post(api, json={"code": "E1", "name": "东区一标", "organization_id": orgs["west"].id})
    assert refused.status_code == 422 and "your part of the union tree" in refused.json["message"]
    made = client.post(api, json={"code": "E1", "name": "东区一标", "organization_id": orgs["plant"].id})
    assert made.status_code == 201, made.json
    moved = client.post(f"/api/v1/labour/units/{made.json['id']}", json={"organization_id": orgs["west"].id})
    assert moved.status_code == 422


def test_an_assessor_unassigned_and_a_member_named_by_cli_and_api(w, client, auth, runner):
    from sqlalchemy import select

    from competitions.labour.models import LabourAssessor, LabourUnitMember

    comp = w["competition"]
    s2 = next(u for u in w["units"] if u.code == "S2")
    person = f.worker(w["orgs"]["works"], name="冯师傅")
    db.session.commit()
    auth.login_as("metro-org")
    api = f"/api/v1/labour/units/{s2.id}/members"
    for body in ({}, {"worker_id": "x"}, {"worker_id": True}, {"worker_id": person.id, "role": 5}):
        assert client.post(api, json=body).status_code == 422, body
    made = client.post(api, json={"worker_id": person.id, "role": "班组长"})
    assert made.status_code == 201 and made.json["members"] == 1
    assert client.post(api, json={"worker_id": person.id}).status_code in (409, 422)   # named once
    a1 = db.session.execute(select(LabourAssessor).where(LabourAssessor.user_id == w["a1"].id)).scalar_one()
    a2 = db.session.execute(select(LabourAssessor).where(LabourAssessor.user_id == w["a2"].id)).scalar_one()
    result = runner.invoke(args=["labour", "unassign", str(comp.id + 1000), str(a1.id)])
    assert result.exit_code == 1
    result = runner.invoke(args=["labour", "unassign", str(comp.id), str(a1.id)])
    assert result.exit_code == 0 and "removed" in result.output
    gone = client.post(f"/api/v1/labour/assessors/{a2.id}/delete")
    assert gone.status_code == 200 and gone.json["removed"]["user_id"] == w["a2"].id
    db.session.expire_all()
    assert db.session.get(LabourAssessor, a1.id) is None and db.session.get(LabourAssessor, a2.id) is None
    assert db.session.execute(select(LabourUnitMember).where(LabourUnitMember.unit_id == s2.id)).scalar_one()
