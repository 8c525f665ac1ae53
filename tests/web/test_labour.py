"""A month of a labour competition through its pages and its JSON: set-up forms, assessors on the tablet
pages (recusal, a second entry refused, corrections with a reason), bonus/deduction/veto, close, sign-off,
reopen; the API's refusals; the command line."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from competitions.audit.models import AuditEntry
from competitions.extensions import db
from competitions.labour import services
from competitions.labour.models import (
    LabourAdjustment,
    LabourIndicator,
    LabourPeriod,
    LabourScore,
    LabourUnit,
    LabourVeto,
)
from tests import factories as f

D = Decimal
GOOD = {"O1": "9", "O2": "8.5", "P1": "103.5", "P2": "2", "Q1": "98", "Q2": "7", "S1": "96", "S2": "6.5",
        "C1": "9", "I1": "4"}


@pytest.fixture
def w(app):
    world = f.labour_world(organizer=True)
    db.session.commit()
    return world



def count(model, *where):
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def sheet(w, values, *, versions=None, reason=None, codes=None):
    """The form data of an assessor's sheet for one unit."""
    data = {}
    for code, value in values.items():
        if codes is None or code in codes:
            indicator = w["indicators"][code]
            data[f"i{indicator.id}"] = value
            if versions and code in versions:
                data[f"v{indicator.id}"] = str(versions[code])
    if reason is not None:
        data["reason"] = reason
    return data


def assess_unit_url(period, unit):
    return f"/labour/periods/{period.id}/units/{unit.id}/assess"


# ---- the organizer sets a competition up through the forms -------------------------------------------

def test_organizer_sets_up_units_periods_scorecard_and_assessors(app, client, auth):
    orgs = f.org_tree()
    f.user("city-org", "organizer", org=orgs["city"])
    judge = f.user("inspector", "judge", org=orgs["city"])
    comp = f.competition(orgs["city"], name="新医院建设劳动竞赛", kind="labor", starts_on=f.date(2026, 2, 10),
                         ends_on=f.date(2026, 4, 30))
    db.session.commit()
    auth.login_as("city-org")
    base = f"/labour/competitions/{comp.id}"
    assert client.post(f"{base}/units", data={"code": "A", "name": "土建一标", "kind": "section",
                                              "organization_id": orgs["plant"].id, "headcount": 320}).status_code == 302
    page = client.post(f"{base}/units", data={"code": "A", "name": "土建二标", "kind": "section", "headcount": 1})
    assert "The code A is taken by the unit A 土建一标" in page.get_data(as_text=True) and count(LabourUnit) == 1
    assert client.post(f"{base}/periods", data={"g-cadence": "month"}).status_code == 302
    periods = db.session.execute(select(LabourPeriod).order_by(LabourPeriod.number)).scalars().all()
    assert [(p.name, p.starts_on.day) for p in periods] == [("2026-02", 10), ("2026-03", 1), ("2026-04", 1)]
    assert client.post(f"{base}/scorecard", data={"g-code": "SAFE", "g-name": "安全生产", "g-max_points": "15"}
                       ).status_code == 302
    group = services.groups_of(comp)[0]
    bands = {"group_id": group.id, "code": "S1", "name": "隐患整改率", "kind": "measured", "max_points": "8",
             "step": "0.5", "unit_label": "%", "value_min": "0", "value_max": "100", "formula_type": "bands",
             "bands": ">= 100 : 8\n>= 95 : 6\nmore than 90 gives 3"}
    page = client.post(f"{base}/indicators/new", data=bands)
    assert "Band line 3" in page.get_data(as_text=True) and count(LabourIndicator) == 0
    bands["bands"] = ">= 100 : 8\n>= 95 : 6\n>= 90 : 3"
    assert client.post(f"{base}/indicators/new", data=bands).status_code == 302
    indicator = db.session.execute(select(LabourIndicator)).scalar_one()
    assert indicator.formula["bands"][1] == {"at_least": "95", "points": "6"}
    assert "≥ 95% → 6" in client.get(f"{base}/scorecard").get_data(as_text=True)
    assert client.post(f"{base}/assessors", data={"user_id": judge.id, "group_id": "", "unit_id": "",
                                                  "is_chief": "y"}).status_code == 302
    assert services.is_chief(judge, comp.id)
    actions = set(db.session.execute(select(AuditEntry.action).where(AuditEntry.competition_id == comp.id)).scalars())
    assert {"labour.unit_add", "labour.periods_generate", "labour.group_save", "labour.indicator_save",
            "labour.assessor_assign"} <= actions


def test_a_skills_competition_has_no_labour_pages(app, client, auth):
    orgs = f.org_tree()
    f.user("city-org", "organizer", org=orgs["city"])
    comp = f.competition(orgs["city"])
    db.session.commit()
    auth.login_as("city-org")
    assert client.get(f"/labour/competitions/{comp.id}").status_code == 404


# ---- assessors on the tablet pages --------------------------------------------------------------------

def test_a_month_of_assessments_from_tablet_to_sign_off(w, client, auth):
    period = w["periods"][0]
    s1, s2, s3, s4 = w["units"]
    auth.login_as("assessor-one")
    home = client.get("/labour/").get_data(as_text=True)
    assert "地铁7号线建设劳动竞赛" in home and f"/labour/periods/{period.id}/assess" in home
    for unit in w["units"]:
        assert client.post(assess_unit_url(period, unit), data=sheet(w, GOOD)).status_code == 302
    assert "All 10 scored" in client.get(f"/labour/periods/{period.id}/assess").get_data(as_text=True)
    auth.logout()
    auth.login_as("assessor-two")
    for unit in (s2, s3, s4):
        assert client.post(assess_unit_url(period, unit), data=sheet(w, GOOD)).status_code == 302
    auth.logout()
    auth.login_as("assessor-chief")
    for unit in w["units"]:
        client.post(assess_unit_url(period, unit), data=sheet(w, GOOD, codes={"O1", "O2"}))
    chief = client.get(f"/labour/periods/{period.id}/chief").get_data(as_text=True)
    assert "78 of 78 entries made" in chief and "87.10" in chief
    assert client.post(f"/labour/periods/{period.id}/close").status_code == 302
    assert client.post(f"/labour/periods/{period.id}/sign-off").status_code == 302
    db.session.refresh(period)
    assert period.status == "signed_off" and period.signed_off_by_id == w["chief"].id
    assert count(LabourScore) == 78
    again = client.post(f"/labour/periods/{period.id}/sign-off", follow_redirects=True).get_data(as_text=True)
    assert "already signed off" in again and "Close the assessment" not in again   # a double tap
    short = client.post(f"/labour/periods/{period.id}/reopen", data={"reason": "x"}, follow_redirects=True)
    assert "The reason is too short (at least 5 characters)" in short.get_data(as_text=True)
    db.session.refresh(period)
    assert period.status == "signed_off"
    client.post(f"/labour/periods/{period.id}/reopen", data={"reason": ""})
    db.session.refresh(period)
    assert period.status == "signed_off"
    client.post(f"/labour/periods/{period.id}/reopen", data={"reason": "业主通报迟到"})
    db.session.refresh(period)
    assert period.status == "open" and period.reopen_reason == "业主通报迟到"


def test_a_second_entry_is_refused_and_a_correction_needs_a_reason(w, client, auth):
    period, unit = w["periods"][0], w["units"][1]
    auth.login_as("assessor-one")
    client.post(assess_unit_url(period, unit), data=sheet(w, GOOD, codes={"O1", "P1"}))
    # A second tablet (or the back button) sends a new entry for the same indicator: refused, nothing changes.
    page = client.post(assess_unit_url(period, unit), data=sheet(w, {"O1": "5"}))
    text = page.get_data(as_text=True)
    assert "has already been assessed" in text and "Nothing was saved" in text
    score = services.scores_by(period, unit, w["a1"].id)[w["indicators"]["O1"].id]
    assert score.value == D(9) and count(LabourScore) == 2
    # The form as loaded carries the versions: a change without a reason is refused, with one it is audited.
    page = client.post(assess_unit_url(period, unit), data=sheet(w, {"O1": "7", "P1": "103.5"},
                                                                 versions={"O1": 1, "P1": 1}))
    assert "A correction needs a reason" in page.get_data(as_text=True)
    client.post(assess_unit_url(period, unit), data=sheet(w, {"O1": "7", "P1": "103.5"}, versions={"O1": 1, "P1": 1},
                                                          reason="看错检查表"))
    db.session.refresh(score)
    assert score.value == D(7) and score.version == 2 and count(LabourScore) == 2
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "labour.score_correct")).scalar_one()
    assert entry.old_value["value"] == "9" and entry.new_value["value"] == "7" and entry.reason == "看错检查表"


@pytest.mark.parametrize(("code", "value", "message"), [
    ("O1", "10.5", "between 0 and 10"),
    ("O1", "8.25", "steps of 0.5"),
    ("Q1", "101", "between 0 and 100"),
    ("P1", "1e400", "1e400 must be a number"),   # what was typed is quoted back
    ("P1", "١٠", "number"),
])
def test_a_value_outside_its_range_saves_nothing_of_the_sheet(w, client, auth, code, value, message):
    period, unit = w["periods"][0], w["units"][2]
    auth.login_as("assessor-one")
    page = client.post(assess_unit_url(period, unit), data=sheet(w, dict(GOOD, **{code: value})))
    text = page.get_data(as_text=True)
    assert message in text and "Nothing was saved" in text
    assert count(LabourScore) == 0
    # screen readers hear only the wrong line as invalid; each version field is sent once
    assert text.count('aria-invalid="true"') == 1 and 'aria-invalid="None"' not in text
    assert all(text.count(f'name="v{i.id}"') == 1 for i in w["indicators"].values())


def test_an_assessor_never_scores_a_unit_of_their_own_organization(w, client, auth):
    period, s1 = w["periods"][0], w["units"][0]
    auth.login_as("assessor-two")   # employed by the east machine plant, the organization of S1
    tiles = client.get(f"/labour/periods/{period.id}/assess").get_data(as_text=True)
    assert "Recused" in tiles and assess_unit_url(period, s1) not in tiles
    assert "You are recused" in client.get(assess_unit_url(period, s1)).get_data(as_text=True)
    client.post(assess_unit_url(period, s1), data=sheet(w, GOOD))   # a crafted post
    assert count(LabourScore) == 0
    response = client.post(f"/api/v1/labour/periods/{period.id}/units/{s1.id}/scores",
                           json={"entries": [{"indicator_id": w["indicators"]["O1"].id, "value": 9}]})
    assert response.status_code == 403 and "recused" in response.get_json()["message"]
    assert count(LabourScore) == 0


def test_a_closed_period_takes_no_more_scores_and_the_chief_alone_signs(w, client, auth):
    period = w["periods"][0]
    auth.login_as("assessor-one")
    assert client.get(f"/labour/periods/{period.id}/chief").status_code == 404
    assert client.post(f"/labour/periods/{period.id}/close").status_code == 404
    auth.logout()
    auth.login_as("assessor-chief")
    client.post(f"/labour/periods/{period.id}/close")
    db.session.refresh(period)
    assert period.status == "open"   # 10 x 4 + 10 x 3 + 2 x 4 entries are missing
    assert "0 of 78 entries made" in client.get(f"/labour/periods/{period.id}/chief").get_data(as_text=True)


# ---- the organizer's entries --------------------------------------------------------------------------

def test_bonus_deduction_and_veto_through_the_period_page(w, client, auth):
    period, unit = w["periods"][0], w["units"][3]
    auth.login_as("metro-org")
    url = f"/labour/periods/{period.id}"
    page = client.post(f"{url}/adjustments", data={"a-unit_id": unit.id, "a-kind": "deduction", "a-points": "2",
                                                   "a-source": "", "a-document_ref": "监理通报〔2026〕5号"})
    assert page.status_code == 422 and "needs its source" in page.get_data(as_text=True)
    page = client.post(f"{url}/adjustments", data={"a-unit_id": unit.id, "a-kind": "deduction", "a-points": "2",
                                                   "a-source": "supervisor", "a-document_ref": ""})
    assert page.status_code == 422 and count(LabourAdjustment) == 0
    page = client.post(f"{url}/vetoes", data={"v-unit_id": unit.id, "v-category": "fight", "v-reason": "",
                                              "v-document_ref": "通报"})
    assert page.status_code == 422 and count(LabourVeto) == 0
    assert client.post(f"{url}/adjustments", data={
        "a-unit_id": unit.id, "a-kind": "deduction", "a-points": "2", "a-source": "supervisor",
        "a-issuer": "7号线监理部", "a-document_ref": "监理通报〔2026〕5号", "a-reason": "围挡破损"}).status_code == 302
    assert client.post(f"{url}/vetoes", data={
        "v-unit_id": unit.id, "v-category": "safety_accident", "v-reason": "高处坠落，一人重伤",
        "v-document_ref": "安全事故快报〔2026〕1号", "v-occurred_on": "2026-01-20"}).status_code == 302
    text = client.get(url).get_data(as_text=True)
    assert "监理通报〔2026〕5号" in text and "Veto: no award this period" in text
    veto = db.session.execute(select(LabourVeto)).scalar_one()
    client.post(f"/labour/vetoes/{veto.id}/void", data={"reason": ""})
    db.session.refresh(veto)
    assert veto.voided_at is None
    client.post(f"/labour/vetoes/{veto.id}/void", data={"reason": "事故不在本标段"})
    db.session.refresh(veto)
    assert veto.voided_at is not None and veto.void_reason == "事故不在本标段"


def test_the_period_page_in_chinese(w, client, auth):
    auth.login_as("metro-org", lang="zh")
    text = client.get(f"/labour/periods/{w['periods'][0].id}").get_data(as_text=True)
    assert "加分和扣分" in text and "一票否决事项" in text


# ---- the JSON API -------------------------------------------------------------------------------------

def test_api_scores_duplicates_and_refusals(w, client, auth):
    period, unit = w["periods"][0], w["units"][1]
    o1, q1 = w["indicators"]["O1"].id, w["indicators"]["Q1"].id
    auth.login_as("assessor-one")
    url = f"/api/v1/labour/periods/{period.id}/units/{unit.id}/scores"
    ok = client.post(url, json={"entries": [{"indicator_id": o1, "value": "9"}, {"indicator_id": q1, "value": 98}]})
    assert ok.status_code == 200 and [s["points"] for s in ok.get_json()["saved"]] == ["9", "9.6"]
    again = client.post(url, json={"entries": [{"indicator_id": o1, "value": "9.5"}]})
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"
    bad = client.post(url, json={"entries": [{"indicator_id": w["indicators"]["O2"].id, "value": 3},
                                             {"indicator_id": q1, "value": 120, "version": 1}], "reason": "x"})
    assert bad.status_code == 422 and bad.get_json()["field"] == f"indicator-{q1}"
    assert count(LabourScore) == 2
    fixed = client.post(url, json={"entries": [{"indicator_id": o1, "value": 8, "version": 1}], "reason": "复核"})
    assert fixed.status_code == 200 and fixed.get_json()["saved"][0]["version"] == 2
    for body in (None, [], {"entries": "x"}, {"entries": [{"indicator_id": True, "value": 1}]}):
        assert client.post(url, json=body).status_code == 422
    # a message names the field it is about: no "%(field)s" placeholder left unfilled
    message = client.post(url, json={"entries": "x"}).get_json()["message"]
    assert "entries" in message and "200" in message and "%(" not in message


def test_api_organizer_entries_and_scores(w, client, auth):
    period, unit = w["periods"][0], w["units"][0]
    auth.login_as("metro-org")
    url = f"/api/v1/labour/periods/{period.id}"
    refused = client.post(f"{url}/adjustments", json={"unit_id": unit.id, "kind": "deduction", "points": 2,
                                                      "source": "supervisor", "document_ref": ""})
    assert refused.status_code == 422 and refused.get_json()["field"] == "document_ref"
    refused = client.post(f"{url}/vetoes", json={"unit_id": unit.id, "category": "fight", "reason": " ",
                                                 "document_ref": "x"})
    assert refused.status_code == 422 and refused.get_json()["field"] == "reason"
    assert client.post(f"{url}/adjustments", json={"unit_id": unit.id, "kind": "bonus", "points": "3",
                                                   "source": "owner", "document_ref": "业主表扬信"}).status_code == 201
    scores = client.get(f"{url}/scores").get_json()
    assert scores["period"]["status"] == "open" and scores["completeness"]["expected"] == 78
    assert [(a["kind"], a["document_ref"]) for a in scores["adjustments"]] == [("bonus", "业主表扬信")]
    assert next(u for u in scores["units"] if u["code"] == "S1")["bonus"] == "3"
    setup = client.get(f"/api/v1/labour/competitions/{w['competition'].id}").get_json()
    assert [g["code"] for g in setup["scorecard"]["groups"]] == ["ORG", "PROG", "QUAL", "SAFE", "CIVIL", "INNOV"]
    assert len(setup["periods"]) == 6 and "national_id" not in json.dumps(setup)


def test_api_scorecard_document_round_trips_all_or_nothing(w, client, auth):
    auth.login_as("metro-org")
    url = f"/api/v1/labour/competitions/{w['competition'].id}"
    document = client.get(url).get_json()["scorecard"]
    document["groups"][0]["indicators"][0]["name"] = "竞赛组织"
    document["groups"][1]["indicators"][0]["formula"]["base"] = "40"   # above the indicator's 25 points
    refused = client.post(f"{url}/scorecard", json=document)
    assert refused.status_code == 422
    db.session.expire_all()
    assert w["indicators"]["O1"].name == "竞赛组织与宣传发动"
    document["groups"][1]["indicators"][0]["formula"]["base"] = "18"
    saved = client.post(f"{url}/scorecard", json=document)
    assert saved.status_code == 200 and saved.get_json()["groups"][0]["indicators"][0]["name"] == "竞赛组织"


def test_api_units_and_periods(w, client, auth):
    auth.login_as("metro-org")
    url = f"/api/v1/labour/competitions/{w['competition'].id}"
    extra = f.user("assessor-four", "judge", org=w["orgs"]["west"])
    db.session.commit()
    assigned = client.post(f"{url}/assessors", json={"user_id": extra.id, "unit_id": w["units"][1].id})
    assert assigned.status_code == 201 and assigned.get_json()["group_id"] is None
    assert client.post(f"{url}/assessors", json={"user_id": extra.id, "unit_id": w["units"][1].id}).status_code == 422
    assert client.post(f"{url}/assessors", json={"user_id": w["organizer"].id}).status_code == 422   # not a judge
    assert client.post(f"{url}/assessors", json={"user_id": extra.id, "is_chief": "yes"}).status_code == 422
    created = client.post(f"{url}/units", json={"code": "S9", "name": "9标段", "kind": "team", "headcount": 12})
    assert created.status_code == 201 and created.get_json()["kind"] == "team"
    assert client.post(f"{url}/units", json={"code": "S9", "name": "x"}).status_code == 422
    assert client.post(f"{url}/units", json={"code": "S8", "name": "x", "headcount": "12"}).status_code == 422
    assert client.post(f"{url}/periods", json={"generate": "month"}).status_code == 409
    overlap = client.post(f"{url}/periods", json={"name": "节点", "starts_on": "2026-06-20", "ends_on": "2026-06-30"})
    assert overlap.status_code == 422


def test_openapi_lists_the_labour_endpoints(app, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/labour/periods/{period_id}/units/{unit_id}/scores", "/api/v1/labour/periods/{period_id}/scores",
            "/api/v1/labour/competitions/{competition_id}/scorecard"} <= set(paths)


# ---- the command line ---------------------------------------------------------------------------------

def test_command_line_from_set_up_to_sign_off(w, runner, tmp_path):
    comp, period = w["competition"], w["periods"][0]
    ok = runner.invoke(args=["labour", "add-unit", str(comp.id), "--code", "S5", "--name", "5标段", "--kind", "team"])
    assert ok.exit_code == 0, ok.output
    refused = runner.invoke(args=["labour", "adjust", str(period.id), "S5", "--kind", "deduction", "--points", "2",
                                  "--source", "supervisor", "--document", " "])
    assert refused.exit_code != 0 and "reference of its document" in refused.output
    assert count(LabourAdjustment) == 0
    result = runner.invoke(args=["labour", "score", str(period.id), "S2", "O1=9", "Q1=98", "--as", "assessor-one"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["labour", "score", str(period.id), "S2", "O1=8", "--as", "assessor-one"])
    assert again.exit_code != 0 and "already been assessed" in again.output
    fixed = runner.invoke(args=["labour", "score", str(period.id), "S2", "O1=8", "--as", "assessor-one", "--correct",
                                "--reason", "复核"])
    assert fixed.exit_code == 0, fixed.output
    assert runner.invoke(args=["labour", "veto", str(period.id), "S2", "--category", "fight", "--reason", "斗殴",
                               "--document", "通报1号"]).exit_code == 0
    table = runner.invoke(args=["labour", "scores", str(period.id)]).output
    assert "S2\t17.60" in table and "VETO: 斗殴 (通报1号)" in table
    refused = runner.invoke(args=["labour", "close", str(period.id), "--as", "assessor-chief"])
    assert refused.exit_code != 0 and "still missing" in refused.output
    document = tmp_path / "card.json"
    document.write_text(json.dumps({"settings": {"bonus_cap": "8"}, "groups": []}), encoding="utf-8")
    assert runner.invoke(args=["labour", "scorecard", str(comp.id), "--load", str(document)]).exit_code == 0
    assert services.scorecard_of(comp).bonus_cap == D(8)


# ---- units from a spreadsheet -------------------------------------------------------------------------

def _units_csv(*rows) -> bytes:
    lines = ["序号,单位代码,单位名称,单位类型,所属组织,参赛人数", *rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_units_import_all_or_nothing_and_again_updates(w, client, auth):
    from io import BytesIO

    comp = w["competition"]
    auth.login_as("metro-org")
    url = f"/labour/competitions/{comp.id}/units/import"
    bad = _units_csv("1,S5,5标段,标段,东区机床厂工会,300", "2,S6,6标段,隧道,,200", "3,S7,7标段,班组,不存在的工会,10",
                     "4,S5,重复,标段,,1", "5,S8,8标段,车间,,-3")
    page = client.post(url, data={"file": (BytesIO(bad), "units.csv")}, content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "4 problem(s) found; nothing was imported" in text
    assert count(LabourUnit) == 4
    good = _units_csv("1,S5,5标段,标段,东区机床厂工会,300", "2,S6,6标段（盾构）,section,,200",
                      "3,S1,1标段（更名）,标段,,101")
    page = client.post(url, data={"file": (BytesIO(good), "units.csv")}, content_type="multipart/form-data")
    assert page.status_code == 302
    units = {u.code: u for u in services.units_of(comp)}
    assert len(units) == 6 and units["S5"].organization_id == w["orgs"]["plant"].id
    assert units["S1"].name == "1标段（更名）"
    template = client.get(f"/labour/competitions/{comp.id}/units/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"


def test_units_import_from_the_command_line(w, runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(_units_csv("1,S9,9标段,班组,,12"))
    result = runner.invoke(args=["labour", "import-units", str(w["competition"].id), str(path)])
    assert result.exit_code == 0 and "1 new" in result.output
    path.write_bytes(_units_csv("1,S10,10标段,隧道,,12"))
    result = runner.invoke(args=["labour", "import-units", str(w["competition"].id), str(path)])
    assert result.exit_code != 0 and "Unknown kind of unit" in result.output


def test_members_by_id_number_on_the_page_and_the_command_line(w, client, auth, runner):
    unit = w["units"][2]
    person = f.worker(w["orgs"]["works"], name="周建华")
    other = f.worker(w["orgs"]["works"], name="吴海燕")
    db.session.commit()
    auth.login_as("metro-org")
    client.post(f"/labour/units/{unit.id}/members", data={"national_id": person.national_id, "role": "班组长"})
    page = client.post(f"/labour/units/{unit.id}/members", data={"national_id": "110101199001011234", "role": ""},
                       follow_redirects=True)
    assert "No person with this ID number" in page.get_data(as_text=True)
    page = client.post(f"/labour/units/{unit.id}/members", data={"national_id": person.national_id},
                       follow_redirects=True)
    assert "already a member" in page.get_data(as_text=True)
    rival = w["units"][3]   # the same person in a second competing unit of the competition is refused
    page = client.post(f"/labour/units/{rival.id}/members", data={"national_id": person.national_id},
                       follow_redirects=True)
    assert f"周建华 is already a member of {unit.code} {unit.name}" in page.get_data(as_text=True)
    db.session.expire_all()
    assert rival.members == []
    result = runner.invoke(args=["labour", "add-member", str(w["competition"].id), unit.code, "--id-number",
                                 other.national_id])
    assert result.exit_code == 0 and other.national_id not in result.output
    db.session.expire_all()
    assert sorted(m.worker.name for m in unit.members) == ["吴海燕", "周建华"]
    assert services.participations(w["competition"])[unit.id] == 103  # the headcount: 2 named of 103


def test_a_double_submitted_entry_is_kept_once_and_a_deduction_needs_its_reason(w, client, auth):
    """A double tap or a browser resending the form never doubles a bonus, a deduction or a veto."""
    period, unit = w["periods"][0], w["units"][1]
    auth.login_as("metro-org")
    url = f"/labour/periods/{period.id}"
    bonus = {"a-unit_id": unit.id, "a-kind": "bonus", "a-points": "2", "a-source": "owner", "a-issuer": "业主",
             "a-document_ref": "业主表扬〔2026〕7号", "a-reason": ""}
    assert client.post(f"{url}/adjustments", data=bonus).status_code == 302
    again = client.post(f"{url}/adjustments", data={**bonus, "a-document_ref": " 业主表扬〔2026〕7号 "})
    assert again.status_code == 422 and "already has an entry for document" in again.get_data(as_text=True)
    assert count(LabourAdjustment) == 1
    # a second item of the same notice is told apart by its item number
    second_item = {**bonus, "a-document_ref": "业主表扬〔2026〕7号-2"}
    assert client.post(f"{url}/adjustments", data=second_item).status_code == 302
    no_reason = client.post(f"{url}/adjustments", data={**bonus, "a-kind": "deduction", "a-source": "supervisor",
                                                        "a-document_ref": "监理通报〔2026〕9号"})
    assert no_reason.status_code == 422 and "needs its reason" in no_reason.get_data(as_text=True)
    veto = {"v-unit_id": unit.id, "v-category": "fight", "v-reason": "工地斗殴", "v-document_ref": "通报〔2026〕3号"}
    assert client.post(f"{url}/vetoes", data=veto).status_code == 302
    assert client.post(f"{url}/vetoes", data=veto).status_code == 422
    assert count(LabourVeto) == 1 and count(LabourAdjustment) == 2
    api = client.post(f"/api/v1/labour/periods/{period.id}/vetoes",
                      json={"unit_id": unit.id, "category": "fight", "reason": "x", "document_ref": "通报〔2026〕3号"})
    assert api.status_code == 409 and count(LabourVeto) == 1


def test_api_close_sign_off_reopen_and_void(w, client, auth):
    period, s4 = w["periods"][0], w["units"][3]
    auth.login_as("assessor-chief")
    url = f"/api/v1/labour/periods/{period.id}"
    missing = client.post(f"{url}/close")
    assert missing.status_code == 409 and "still missing" in missing.get_json()["message"]
    for unit in w["units"]:
        for assessor in ("a1", "a2", "chief"):
            if assessor == "a2" and unit.code == "S1":
                continue
            codes = {"O1", "O2"} if assessor == "chief" else None
            services.record_scores(period, unit, assessor=w[assessor], entries=[
                services.ScoreInput(w["indicators"][c].id, v) for c, v in GOOD.items() if codes is None or c in codes])
    db.session.commit()
    assert client.post(f"{url}/sign-off").status_code == 409        # close first
    assert client.post(f"{url}/close").get_json()["status"] == "assessed"
    assert client.post(f"{url}/sign-off").get_json()["status"] == "signed_off"
    assert client.post(f"{url}/reopen", json={"reason": " "}).status_code == 422
    assert client.post(f"{url}/reopen", json={"reason": "复核"}).status_code == 422      # too short
    assert client.post(f"{url}/reopen", json={"reason": "复核分数"}).get_json()["status"] == "open"
    auth.logout()
    auth.login_as("assessor-one")
    assert client.post(f"{url}/close").status_code == 404          # not the chief
    auth.logout()
    auth.login_as("metro-org")
    data = services.AdjustmentData(s4.id, "deduction", "1", "owner", "通报", reason="扬尘")
    row = services.add_adjustment(period, data, actor=None)
    db.session.commit()
    assert client.post(f"/api/v1/labour/adjustments/{row.id}/void", json={}).status_code == 422
    voided = client.post(f"/api/v1/labour/adjustments/{row.id}/void", json={"reason": "通报撤回"})
    assert voided.status_code == 200 and voided.get_json()["voided"]
    assert client.post(f"/api/v1/labour/adjustments/{row.id}/void", json={"reason": "again"}).status_code == 409
