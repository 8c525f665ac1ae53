"""Publishing a labour competition's months: frozen rankings, the red flag, corrections, money, public pages, API.

Every test runs the real labour core (scores by assessors, sign-off by the chief) on a real database and
reads what a visitor or the organizer would see.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from competitions.audit.models import AuditEntry
from competitions.extensions import db
from competitions.labour import services as labour
from competitions.labour_results import publication
from competitions.labour_results.models import LabourPublication
from competitions.labour_results.rules import save_rules
from tests.factories import PASSWORD, labour_signed_off_period, labour_world, user

D = Decimal
# Month 1: S2 best (O1 10 -> 88.10), S3 and S4 tied at 86.10, S1 last (84.10)
MONTH1 = {"S1": "6", "S2": "10", "S3": "8", "S4": "8"}


@pytest.fixture
def world(app):
    w = labour_world()
    w["organizer"] = user("metro-office", "organizer", org=w["orgs"]["city"])
    w["outsider"] = user("district-office", "organizer", org=w["orgs"]["east"])
    db.session.commit()
    return w


def login(client, username):
    return client.post("/auth/login", data={"username": username, "password": PASSWORD})


def audit_count(action):
    return db.session.execute(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
                              ).scalar_one()


def publish_month(client, world, index, values, **extra):
    period = labour_signed_off_period(world, world["periods"][index], values, **extra)
    db.session.commit()
    return client.post(f"/labour-results/periods/{period.id}/publish"), period


def test_publishing_a_month_ranks_it_awards_the_flag_and_freezes_it(client, world):
    comp = world["competition"]
    assert client.get(f"/labour-results/public/{comp.id}").status_code == 404   # nothing published yet
    login(client, "metro-office")
    response, period = publish_month(client, world, 0, MONTH1, vetoes=[("S4", "高处坠落，一人重伤")])
    assert response.status_code == 302
    item = publication.active_publication(period.id)
    rows = [(r["code"], r["rank"], r["tied"], r["total"], r["vetoed"]) for r in item.snapshot["rows"]]
    assert rows == [("S2", 1, False, "88.10", False), ("S3", 2, False, "86.10", False),
                    ("S1", 3, False, "84.10", False), ("S4", None, False, "86.10", True)]
    s2 = next(u for u in world["units"] if u.code == "S2")
    assert item.snapshot["flag"] == {"holders": [s2.id], "reason": None}
    assert audit_count("labour_period_published") == 1

    client.post("/auth/logout")
    page = client.get(f"/labour-results/public/{comp.id}").get_data(as_text=True)
    assert "2标段" in page and 'id="red-flag"' in page
    flag_section = page.split('id="red-flag"')[1].split("</section>")[0]
    assert "2标段" in flag_section and "1标段" not in flag_section
    assert "高处坠落，一人重伤" in page   # the veto's reason is published with the ranking
    board = client.get(f"/labour-results/board/{comp.id}").get_data(as_text=True)
    assert 'id="board-flag-holder">2标段<' in board
    assert comp.name in client.get("/results/public").get_data(as_text=True)   # the public's way in

    # Reopen, change a score and sign off again: the published month does not move.
    labour.reopen(period, actor=world["chief"], reason="Owner's commendation arrived late")
    labour.add_adjustment(period, labour.AdjustmentData(world["units"][0].id, "bonus", "5", "owner", "业主表扬"),
                          actor=world["admin"])
    labour.close_assessment(period, actor=world["chief"])
    labour.sign_off(period, actor=world["chief"])
    db.session.commit()
    db.session.expire_all()
    again = publication.active_publication(period.id)
    assert again.id == item.id and again.snapshot["rows"][0]["code"] == "S2"
    assert "89.10" not in client.get(f"/labour-results/public/{comp.id}").get_data(as_text=True)


def test_correcting_and_unpublishing_need_a_reason_and_are_audited(client, world):
    login(client, "metro-office")
    _, period = publish_month(client, world, 0, MONTH1)
    item = publication.active_publication(period.id)
    # nothing changed: a correction is refused
    client.post(f"/labour-results/publications/{item.id}/correct", data={"reason": "check"})
    assert publication.active_publication(period.id).version == 1
    labour.reopen(period, actor=world["chief"], reason="S1's commendation from the owner")
    labour.add_adjustment(period, labour.AdjustmentData(world["units"][0].id, "bonus", "5", "owner", "业主表扬"),
                          actor=world["admin"])
    db.session.commit()
    login(client, "metro-office")
    desk = client.get(f"/labour-results/competitions/{world['competition'].id}").get_data(as_text=True)
    assert "公布后已重新打开" in desk
    # not signed off again yet: refused, nothing changes
    client.post(f"/labour-results/publications/{item.id}/correct", data={"reason": "S1 commendation"})
    assert publication.active_publication(period.id).version == 1
    labour.close_assessment(period, actor=world["chief"])
    labour.sign_off(period, actor=world["chief"])
    db.session.commit()
    client.post(f"/labour-results/publications/{item.id}/correct", data={"reason": ""})
    assert publication.active_publication(period.id).version == 1   # a reason is required
    client.post(f"/labour-results/publications/{item.id}/correct", data={"reason": "S1 commendation"})
    db.session.expire_all()
    new = publication.active_publication(period.id)
    assert new.version == 2 and new.replaces_id == item.id
    assert [r["code"] for r in new.snapshot["rows"]][:2] == ["S1", "S2"]   # 84.10 + 5 = 89.10 now leads
    assert db.session.get(LabourPublication, item.id).status == "corrected"
    assert audit_count("labour_period_corrected") == 1
    page = client.get(f"/labour-results/public/{world['competition'].id}").get_data(as_text=True)
    assert "89.10" in page
    flag = page.split('id="red-flag"')[1].split("</section>")[0]
    assert "1标段" in flag

    client.post(f"/labour-results/publications/{new.id}/unpublish", data={"reason": " "})
    assert publication.active_publication(period.id) is not None
    client.post(f"/labour-results/publications/{new.id}/unpublish", data={"reason": "Wrong month announced"})
    db.session.expire_all()
    assert publication.active_publication(period.id) is None
    assert audit_count("labour_period_unpublished") == 1
    assert client.get(f"/labour-results/public/{world['competition'].id}").status_code == 404
    # the way back: publish again
    client.post(f"/labour-results/periods/{period.id}/publish")
    assert publication.active_publication(period.id).version == 3


def test_only_signed_off_periods_publish_and_only_once(client, world):
    login(client, "metro-office")
    open_period = world["periods"][1]
    page = client.post(f"/labour-results/periods/{open_period.id}/publish", follow_redirects=True)
    assert "尚未签字确认" in page.get_data(as_text=True)
    assert db.session.execute(select(func.count(LabourPublication.id))).scalar() == 0
    _, period = publish_month(client, world, 0, MONTH1)
    page = client.post(f"/labour-results/periods/{period.id}/publish", follow_redirects=True)
    assert "已公布；如需变更" in page.get_data(as_text=True)
    assert db.session.execute(select(func.count(LabourPublication.id))).scalar() == 1


def test_the_flag_moves_and_is_kept_over_months(client, world):
    login(client, "metro-office")
    publish_month(client, world, 0, MONTH1)                                          # S2
    publish_month(client, world, 1, {"S1": "6", "S2": "9.5", "S3": "8", "S4": "8"})  # S2 keeps it
    publish_month(client, world, 2, {"S1": "10", "S2": "9.5", "S3": "8", "S4": "8"},
                  vetoes=[("S1", "质量事故")])                                          # S1 vetoed: S2 third time
    shown = publication.published(world["competition"].id)
    flag = publication.current_flag(shown)
    assert [h["name"] for h in flag.holders] == ["2标段"] and flag.holders[0]["streak"] == 3
    publish_month(client, world, 3, {"S1": "6", "S2": "9", "S3": "10", "S4": "8"})   # handed over to S3
    shown = publication.published(world["competition"].id)
    history = publication.flag_history(shown)
    assert [t.handed_over for t in history] == [True, False, False, True]
    page = client.get(f"/labour-results/public/{world['competition'].id}").get_data(as_text=True)
    assert "3标段" in page.split('id="red-flag"')[1].split("</section>")[0]
    assert "Where the red flag has been" in page or "流动红旗" in page


def test_a_tied_top_gets_no_flag_unless_the_rules_share_it(client, world):
    login(client, "metro-office")
    _, period = publish_month(client, world, 0, {"S1": "6", "S2": "10", "S3": "10", "S4": "8"})
    item = publication.active_publication(period.id)
    assert item.snapshot["flag"] == {"holders": [], "reason": "tied_top"}
    save_rules(world["competition"], {"flag_on_tie": "shared", "tie_break": ["deductions"]},
               actor_id=world["organizer"].id)
    db.session.commit()
    _, period2 = publish_month(client, world, 1, {"S1": "6", "S2": "10", "S3": "10", "S4": "8"},
                               deductions=[("S3", "1")], bonus=[("S3", "1")])
    snap = publication.active_publication(period2.id).snapshot
    # equal totals (S3: +1 -1), fewer deductions wins: S2 alone
    assert [r["code"] for r in snap["rows"][:2]] == ["S2", "S3"] and snap["rows"][1]["rank"] == 2
    assert len(snap["flag"]["holders"]) == 1


def test_money_by_rank_table_and_spreadsheet(client, world):
    login(client, "metro-office")
    comp = world["competition"]
    response = client.post(f"/labour-results/competitions/{comp.id}/rules", data={
        "tie_break": "", "veto_placement": "unplaced", "flag_on_tie": "none", "rewards": "5000, 3000",
        "last_place_penalty": "2000", "veto_money": "penalty", "veto_penalty": "10000", "money_ties": "each",
        "combine": "weighted_sum", "missing": "zero", "veto_count": "zero", "honours_veto_limit": "1",
        "cumulative_tie_break": "flags", "collective_count": "2", "collective_kinds": ["section"],
        "pioneer_count": "0", "ties_at_cut": "include", "individuals_per_honoured_unit": "2",
        "individuals_per_other_unit": "0"})
    assert response.status_code == 302
    publish_month(client, world, 0, {"S1": "6", "S2": "10", "S3": "8", "S4": "7"})
    publish_month(client, world, 1, {"S1": "9", "S2": "10", "S3": "8", "S4": "7"}, vetoes=[("S3", "斗殴")])
    page = client.get(f"/labour-results/competitions/{comp.id}/money").get_data(as_text=True)
    assert "+5,000.00" in page and "−2,000.00" in page and "−10,000.00" in page
    data = client.get(f"/labour-results/competitions/{comp.id}/money.xlsx")
    assert data.status_code == 200 and data.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(data.data)).worksheets[0]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    # S2: +5000 twice; S1: -2000 then +3000; S3: +3000 then -10000 (vetoed); S4: 0 then -2000
    assert rows["2标段"][-1] == 10000 and rows["1标段"][-1] == 1000
    assert rows["3标段"][-1] == -7000 and rows["4标段"][-1] == -2000
    assert rows["合计"][-1] == 2000   # the page's language: Chinese by default


def test_bad_rules_are_refused_with_the_field_and_nothing_saved(client, world):
    login(client, "metro-office")
    comp = world["competition"]
    base = {"veto_placement": "unplaced", "flag_on_tie": "none", "veto_money": "nothing", "money_ties": "each",
            "combine": "weighted_sum", "missing": "zero", "veto_count": "zero", "ties_at_cut": "include"}
    for bad in ({"rewards": "3000, 5000"}, {"rewards": "5000, abc"}, {"tie_break": "group:NOPE"},
                {"cumulative_tie_break": "time_used"}, {"rewards": "=1+1"}):
        page = client.post(f"/labour-results/competitions/{comp.id}/rules", data={**base, **bad})
        assert page.status_code == 200 and "has-error" in page.get_data(as_text=True)
    assert audit_count("labour_rules_changed") == 0
    api = client.post(f"/api/v1/labour-results/competitions/{comp.id}/rules", json={"rewards": ["1e400"]})
    assert api.status_code == 422 and api.json["error"] == "rule_violation"
    api = client.post(f"/api/v1/labour-results/competitions/{comp.id}/rules", json={"nonsense": 1})
    assert api.status_code == 422
    api = client.post(f"/api/v1/labour-results/competitions/{comp.id}/rules",
                      json={"rewards": ["5000", "3000"], "tie_break": ["deductions", "group:SAFE"]})
    assert api.status_code == 200 and api.json["rules"]["rewards"] == ["5000", "3000"]


def test_json_api_publish_and_public_feed(client, world):
    login(client, "metro-office")
    period = labour_signed_off_period(world, world["periods"][0], MONTH1)
    db.session.commit()
    response = client.post(f"/api/v1/labour-results/periods/{period.id}/publish")
    assert response.status_code == 201 and response.json["version"] == 1
    again = client.post(f"/api/v1/labour-results/periods/{period.id}/publish")
    assert again.status_code == 409
    client.post("/auth/logout")
    feed = client.get(f"/api/v1/labour-results/competitions/{world['competition'].id}").json
    assert feed["flag"]["holders"][0]["name"] == "2标段"
    assert [r["code"] for r in feed["standing"]][:1] == ["S2"]
    assert client.post(f"/api/v1/labour-results/periods/{period.id}/publish").status_code == 401
    openapi = client.get("/api/v1/openapi.json").json
    assert "/api/v1/labour-results/periods/{period_id}/publish" in openapi["paths"]


def test_another_districts_organizer_cannot_publish(client, world):
    period = labour_signed_off_period(world, world["periods"][0], MONTH1)
    db.session.commit()
    login(client, "district-office")
    assert client.post(f"/labour-results/periods/{period.id}/publish").status_code == 404
    assert client.get(f"/labour-results/competitions/{world['competition'].id}").status_code == 404
    assert publication.active_publication(period.id) is None


def test_cli_publish_and_standings(runner, world):
    period = labour_signed_off_period(world, world["periods"][0], MONTH1)
    db.session.commit()
    comp = world["competition"]
    result = runner.invoke(args=["labour-results", "publish", str(comp.id), "1", "--as", "metro-office"])
    assert result.exit_code == 0, result.output
    assert "published (version 1)" in result.output
    result = runner.invoke(args=["labour-results", "publish", str(comp.id), "1"])
    assert result.exit_code != 0 and "already published" in result.output
    result = runner.invoke(args=["labour-results", "standings", str(comp.id)])
    assert "period 1: red flag 2标段" in result.output and "88.10" in result.output
    assert publication.active_publication(period.id) is not None


def test_demo_competition_in_its_third_month_shows_two_published_months_and_the_flag(client, app):
    from competitions.demo import load_demo_data
    from competitions.labour.demo import DEMO_NAME
    from competitions.organize.models import Competition

    load_demo_data()
    db.session.commit()
    comp = db.session.execute(select(Competition).where(Competition.name == DEMO_NAME)).scalar_one()
    shown = publication.published(comp.id)
    assert [p.period_number for p in shown] == [1, 2]
    flag = publication.current_flag(shown)
    assert flag.period_number == 2 and len(flag.holders) == 1
    page = client.get(f"/labour-results/public/{comp.id}").get_data(as_text=True)
    assert flag.holders[0]["name"] in page.split('id="red-flag"')[1].split("</section>")[0]
    load_demo_data()   # twice changes nothing
    db.session.commit()
    assert len(publication.publications_of(comp.id)) == 2


@pytest.mark.parametrize(("typed", "message"), [
    ("5,000", "千位分隔符"),            # five thousand to a clerk, never 5 and 0
    ("5000,,3000", "第 2 名没有金额"),   # an empty place never moves 3,000 yuan up to second
    ("5000, abc", "第 2 名：“abc”"),     # the place and what was typed, under the form's own label
])
def test_money_typed_as_clerks_type_it_is_refused_not_misread(client, world, typed, message):
    login(client, "metro-office")
    comp = world["competition"]
    base = {"veto_placement": "unplaced", "flag_on_tie": "none", "veto_money": "nothing", "money_ties": "each",
            "combine": "weighted_sum", "missing": "zero", "veto_count": "zero", "ties_at_cut": "include"}
    page = client.post(f"/labour-results/competitions/{comp.id}/rules", data={**base, "rewards": typed})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and message in text and "rewards 须" not in text
    assert audit_count("labour_rules_changed") == 0
    ok = client.post(f"/labour-results/competitions/{comp.id}/rules",
                     data={**base, "rewards": "5000、3000，1000 500,"})
    assert ok.status_code == 302
    api = client.get(f"/api/v1/labour-results/competitions/{comp.id}/rules")
    assert api.json["rules"]["rewards"] == ["5000", "3000", "1000", "500"]


def test_the_rules_form_keeps_honour_rules_it_does_not_show(client, world):
    comp = world["competition"]
    save_rules(comp, {"honours": [{"kind": "advanced_collective", "count": 2, "participant_kinds": ["section"]},
                                  {"kind": "advanced_collective", "count": 1, "participant_kinds": ["team"]}]},
               actor_id=world["organizer"].id)
    db.session.commit()
    login(client, "metro-office")
    page = client.get(f"/labour-results/competitions/{comp.id}/rules").get_data(as_text=True)
    assert 'id="extra-honours"' in page
    client.post(f"/labour-results/competitions/{comp.id}/rules", data={
        "veto_placement": "unplaced", "flag_on_tie": "none", "veto_money": "nothing", "money_ties": "each",
        "combine": "weighted_sum", "missing": "zero", "veto_count": "zero", "ties_at_cut": "include",
        "collective_count": "3", "collective_kinds": ["section"]})
    from competitions.labour_results.rules import rules_of

    db.session.expire_all()
    assert [(r["count"], r["participant_kinds"]) for r in rules_of(comp.id).honours] == [(3, ["section"]),
                                                                                       (1, ["team"])]
