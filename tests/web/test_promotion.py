"""Promotion on a real database: automatic evaluation when results become final, re-runs, review, rule sets
(form, import/export), roster exports, worker history, the JSON and the command line."""

from __future__ import annotations

import html
import json
import re
import subprocess
from datetime import timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from competitions.audit.models import AuditEntry
from competitions.db import utcnow
from competitions.extensions import db
from competitions.promotion import rules as rule_store
from competitions.promotion.history import approved_honours, current_level
from competitions.promotion.models import PromotionFlag, PromotionRuleSet, PromotionRun
from competitions.promotion.services import decisions_of
from competitions.results import services as results
from competitions.results.models import ResultEntry, ResultSnapshot
from tests import factories as f

# (name, employer, code, theory, P1, P2, skill level) -> places 1..8 in this order
PEOPLE = [
    ("李娜", "works", "A01", 95, 58, 39, 3),    # senior -> technician + title
    ("张伟", "plant", "A02", 90, 56, 38, 2),    # technician -> senior technician + title
    ("王强", "plant", "A03", 88, 54, 37, 1),    # senior technician: title only (cap)
    ("赵敏", "works", "A04", 85, 52, 36, 4),
    ("刘洋", "plant", "A05", 80, 50, 35, 5),
    ("陈静", "works", "A06", 75, 48, 34, 3),    # 6th: senior -> technician
    ("杨帆", "plant", "A07", 70, 46, 33, 4),    # 7th: intermediate -> senior
    ("黄磊", "works", "A08", 65, 44, 32, 2),    # 8th: technician, capped at technician -> nothing
]


def _finalize(comp, now=None):
    """Compute, publish and finalize a competition's results through the results services (the real path)."""
    results.compute_provisional_results(comp, actor_id=None)
    published = results.publish_results(comp, actor_id=None, now=now or utcnow(), zone=ZoneInfo("Asia/Shanghai"))
    results.finalize_results(published, actor_id=None, now=published.notice_ends_at + timedelta(minutes=1))
    return published


@pytest.fixture
def world(app, client):
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    f.user("westorg", "organizer", org=orgs["west"])
    judges = [f.user("chief", "judge", org=orgs["city"]), f.user("j2", "judge", org=orgs["city"]),
              f.user("j3", "judge", org=orgs["city"])]
    comp = f.competition(orgs["city"], name="2026年全国职工职业技能大赛（测试）", level="national")
    ev = f.event(comp)
    comp.status = "in_progress"
    regs = {}
    for station, (name, employer, code, theory, p1, p2, level) in enumerate(PEOPLE, start=1):
        regs[code] = f.results_competitor(ev, orgs[employer], name=name, code=code, station=station)
        regs[code].worker.skill_level = regs[code].skill_level = level   # as stated and approved
        f.results_marks(ev, regs[code], judges, theory=theory, p1=p1, p2=p2)
    f.sign_off(ev, judges[0])
    worker_user = f.user("worker1", "competitor", org=orgs["works"])
    regs["A01"].worker.user_id = worker_user.id
    rule_set = rule_store.load_preset("workers_contest", organization_id=orgs["city"].id, actor_id=None)
    rule_store.set_active(rule_set, True, actor_id=None)
    db.session.commit()
    client.post("/lang", data={"lang": "en"})
    return {"orgs": orgs, "comp": comp, "event": ev, "regs": regs, "rule_set": rule_set}



def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _flags(comp_id):
    return {(f.registration_id, f.kind, f.target): f for f in db.session.execute(
        select(PromotionFlag).where(PromotionFlag.competition_id == comp_id)).scalars()}


def test_final_results_are_evaluated_automatically(world):
    comp, regs = world["comp"], world["regs"]
    _finalize(comp)
    db.session.commit()
    flags = _flags(comp.id)
    expert = "全国技术能手"
    assert set(flags) == {
        (regs["A01"].id, "level", "technician"), (regs["A01"].id, "honour", expert),
        (regs["A02"].id, "level", "senior_technician"), (regs["A02"].id, "honour", expert),
        (regs["A03"].id, "honour", expert),
        (regs["A04"].id, "level", "technician"), (regs["A04"].id, "honour", expert),
        (regs["A05"].id, "level", "technician"), (regs["A05"].id, "honour", expert),
        (regs["A06"].id, "level", "technician"), (regs["A07"].id, "level", "senior"),
    }
    # The preset's outcomes are automatic: approved by the run, so the level follows at once.
    assert {f.status for f in flags.values()} == {"approved"}
    assert current_level(regs["A01"].worker).level == "technician"
    # One decision per competitor, with the reason for those who got nothing.
    decisions = {d.registration_id: d for lines in decisions_of(comp.id).values() for d in lines}
    assert len(decisions) == 8
    eighth = decisions[regs["A08"].id]
    assert eighth.awards == []
    level = {"$code": "promotion_level", "value": "technician"}
    assert eighth.reasons[0] == ["already at %(current)s, and the rule promotes no higher than %(cap)s",
                                 {"current": level, "cap": level}, "职工组第6至20名"]
    run = db.session.execute(select(PromotionRun)).scalar_one()
    assert run.trigger == "final" and run.counts["flags"] == 11
    assert len(approved_honours(comp.id)) == 5


def test_running_again_never_duplicates_a_flag_and_shows_nothing_changed(world, client, auth):
    comp = world["comp"]
    _finalize(comp)
    db.session.commit()
    auth.login_as("cityorg")
    for _ in range(2):
        page = _text(client.post(f"/promotion/competitions/{comp.id}/evaluate", follow_redirects=True))
        assert "Promotion evaluated on the final results." in page
    assert db.session.execute(select(func.count()).select_from(PromotionFlag)).scalar() == 11
    assert sum(len(lines) for lines in decisions_of(comp.id).values()) == 8
    assert "Nothing changed since the previous evaluation." in page
    assert db.session.execute(select(func.count()).select_from(PromotionRun)).scalar() == 3


def test_evaluation_before_results_are_final_is_refused(world, client, auth, runner):
    comp = world["comp"]
    results.compute_provisional_results(comp, actor_id=None)
    db.session.commit()
    auth.login_as("cityorg")
    page = _text(client.post(f"/promotion/competitions/{comp.id}/evaluate", follow_redirects=True))
    assert "Promotion is evaluated on final results only; these results are not final yet." in page
    assert "Results are not final yet" in page
    out = runner.invoke(args=["promotion", "evaluate", "--competition", str(comp.id)])
    assert out.exit_code == 1 and "not final yet" in out.output
    assert db.session.execute(select(func.count()).select_from(PromotionFlag)).scalar() == 0


def test_corrected_final_results_are_re_evaluated_with_a_visible_diff(world, client, auth):
    """A later appeal that changes final results: a newer final standing appears; re-running shows the changes."""
    comp, regs = world["comp"], world["regs"]
    old = _finalize(comp)
    # Reviewed by hand: flag 6th place's promotion as pending to see it withdrawn later.
    sixth = _flags(comp.id)[(regs["A06"].id, "level", "technician")]
    sixth.status = "pending"
    db.session.commit()
    # The corrected standing (as an arbitration would order it): A05 and A08 swap places 5 and 8; A06 and A07
    # are disqualified.
    snapshot = ResultSnapshot(competition_id=comp.id, version=old.version + 1, status="final",
                              finalized_at=utcnow(), notice_ends_at=old.notice_ends_at)
    db.session.add(snapshot)
    db.session.flush()
    places = {"A05": 8, "A08": 5, "A06": None, "A07": None}
    for entry in db.session.execute(select(ResultEntry).where(ResultEntry.snapshot_id == old.id)).scalars():
        code = entry.anonymous_code
        rank = places.get(code, entry.rank)
        db.session.add(ResultEntry(snapshot_id=snapshot.id, event_id=entry.event_id,
                                   registration_id=entry.registration_id, position=rank or entry.position + 10,
                                   rank=rank, disqualified=rank is None, total=entry.total,
                                   part_scores=entry.part_scores, prize=entry.prize, anonymous_code=code,
                                   name=entry.name, employer=entry.employer, worker_id=entry.worker_id))
    old.status = "superseded"
    db.session.commit()
    auth.login_as("cityorg")
    page = _text(client.get(f"/promotion/competitions/{comp.id}"))
    assert "Newer final results exist" in page
    page = _text(client.post(f"/promotion/competitions/{comp.id}/evaluate", follow_redirects=True))
    assert "What changed" in page
    db.session.expire_all()
    flags = _flags(comp.id)
    a05, a06, a07, a08 = (regs[c].id for c in ("A05", "A06", "A07", "A08"))
    # Awaiting review and no longer supported: withdrawn. Approved and no longer supported: kept but contested.
    assert flags[(a06, "level", "technician")].status == "withdrawn"
    assert flags[(a07, "level", "senior")].status == "approved" and flags[(a07, "level", "senior")].contested
    assert flags[(a05, "level", "technician")].contested and flags[(a05, "honour", "全国技术能手")].contested
    # New places, new flags: 黄磊 (technician) now 5th -> senior technician + title; 刘洋 8th -> senior worker.
    assert flags[(a08, "level", "senior_technician")].status == "approved"
    assert flags[(a08, "honour", "全国技术能手")].status == "approved"
    assert flags[(a05, "level", "senior")].status == "approved"
    run = db.session.execute(select(PromotionRun).order_by(PromotionRun.id.desc())).scalars().first()
    assert run.snapshot_version == 2 and run.trigger == "manual"
    changes = {what: sorted((i["registration_id"], i["target"]) for i in run.diff[what])
               for what in ("added", "withdrawn", "contested")}
    assert changes == {
        "added": sorted([(a05, "senior"), (a08, "senior_technician"), (a08, "全国技术能手")]),
        "withdrawn": [(a06, "technician")],
        "contested": sorted([(a05, "technician"), (a05, "全国技术能手"), (a07, "senior")]),
    }
    assert "Withdrawn" in page and "陈静" in page and "Contested" in page and "杨帆" in page and "黄磊" in page
    assert "Newer final results exist" not in page
    # Rejecting the contested approval is the way out, and it is audited like any decision.
    contested = flags[(a07, "level", "senior")]
    client.post(f"/promotion/competitions/{comp.id}/review",
                data={"flag_ids": [contested.id], "decision": "reject", "reason": "仲裁后取消成绩"})
    db.session.expire_all()
    assert db.session.get(PromotionFlag, contested.id).status == "rejected"
    assert not db.session.get(PromotionFlag, contested.id).contested


def test_review_in_bulk_with_a_reason_is_audited(world, client, auth):
    comp, regs = world["comp"], world["regs"]
    _finalize(comp)
    db.session.commit()
    flags = _flags(comp.id)
    ids = [flags[(regs["A01"].id, "honour", "全国技术能手")].id, flags[(regs["A02"].id, "honour", "全国技术能手")].id]
    auth.login_as("cityorg")
    url = f"/promotion/competitions/{comp.id}/review"
    page = _text(client.post(url, data={"flag_ids": ids, "decision": "reject", "reason": ""}, follow_redirects=True))
    assert "Give the reason for the decision." in page
    # A forged decision or an over-long reason is told as it is, not as a missing reason.
    page = _text(client.post(url, data={"flag_ids": ids, "decision": "delete", "reason": "名额已满"},
                             follow_redirects=True))
    assert "Decision: Not a valid choice." in page and "Give the reason" not in page
    page = _text(client.post(url, data={"flag_ids": ids, "decision": "reject", "reason": "长" * 501},
                             follow_redirects=True))
    assert "Reason: Field cannot be longer than 500 characters." in page and "Give the reason" not in page
    assert {f.status for f in _flags(comp.id).values()} == {"approved"}
    page = _text(client.post(url, data={"flag_ids": ids, "decision": "reject", "reason": "名额已满"},
                             follow_redirects=True))
    assert "2 flag(s) decided." in page
    db.session.expire_all()
    rejected = [f for f in _flags(comp.id).values() if f.status == "rejected"]
    assert sorted(f.id for f in rejected) == sorted(ids) and {f.decision_reason for f in rejected} == {"名额已满"}
    audits = db.session.execute(select(AuditEntry).where(AuditEntry.action == "promotion_flag_decided")).scalars().all()
    assert len(audits) == 2 and {a.reason for a in audits} == {"名额已满"}
    assert {a.old_value["status"] for a in audits} == {"approved"}
    # Another district's organizer cannot see or decide them.
    auth.login_as("westorg")
    assert client.get(f"/promotion/competitions/{comp.id}").status_code == 404
    assert client.post(url, data={"flag_ids": ids, "decision": "approve", "reason": "x"}).status_code == 404
    # Rejecting the promotion puts the worker's level back (derived from approved promotions).
    flag = _flags(comp.id)[(regs["A01"].id, "level", "technician")]
    auth.login_as("cityorg")
    client.post(url, data={"flag_ids": [flag.id], "decision": "reject", "reason": "资格复核未通过"})
    db.session.expire_all()
    assert current_level(regs["A01"].worker).level == "senior"


def test_subject_to_review_outcomes_wait_for_an_organizer(world, client, auth):
    comp, row = world["comp"], world["rule_set"]
    document = json.loads(json.dumps(row.document))
    document["rules"][0]["outcomes"][1]["review"] = True
    row.document = document
    db.session.commit()
    _finalize(comp)
    db.session.commit()
    honours = [f for f in _flags(comp.id).values() if f.kind == "honour"]
    assert {f.status for f in honours} == {"pending"} and approved_honours(comp.id) == []
    auth.login_as("cityorg")
    page = _text(client.get(f"/promotion/competitions/{comp.id}?status=pending"))
    assert "Awaiting review (5)" in page and "subject to review" in page
    client.post(f"/promotion/competitions/{comp.id}/review",
                data={"flag_ids": [f.id for f in honours], "decision": "approve", "reason": "评审通过"})
    assert len(approved_honours(comp.id)) == 5


def _rule_form(**changes):
    data = {"key": "C1", "name": "市一类竞赛前10名", "levels": ["city"], "classes": ["I"], "selection_kind": "rank",
            "rank_from": "1", "rank_to": "10", "fraction": "", "fraction_of": "finalists", "rounding": "down",
            "min_score": "", "min_total": "", "level_relation": "", "level": "", "person": "workers",
            "outcomes-0-kind": "one_up", "outcomes-0-level": "", "outcomes-0-cap": "technician",
            "outcomes-0-title": "", "outcomes-0-review": "0", "outcomes-1-kind": "honour",
            "outcomes-1-title": "市技术能手", "outcomes-1-review": "1", "outcomes-2-kind": ""}
    data.update(changes)
    return data


def test_rule_form_saves_a_rule_and_refuses_bad_ones_naming_rule_and_field(world, client, auth):
    auth.login_as("cityorg")
    page = _text(client.post("/promotion/rules/new", data={"name": "2027年海州市职工技能竞赛晋升办法", "preset": ""},
                             follow_redirects=True))
    assert "The rule set is saved." in page
    row = db.session.execute(select(PromotionRuleSet).order_by(PromotionRuleSet.id.desc())).scalars().first()
    url = f"/promotion/rules/{row.id}/rule"
    response = client.post(url, data=_rule_form(rank_from="10", rank_to="5"))
    assert response.status_code == 422
    assert "Rule 市一类竞赛前10名: the places are out of order (10 to 5)." in _text(response)
    response = client.post(url, data=_rule_form(selection_kind="fraction", fraction="30"))
    assert "Rule 市一类竞赛前10名: a fraction must be above 0 and at most 1 (30)." in _text(response)
    response = client.post(url, data=_rule_form(**{"outcomes-0-kind": "level_or_next", "outcomes-0-level": "technician",
                                                   "outcomes-0-cap": "senior"}))
    assert "the cap Senior worker is below the target level Technician" in _text(response)
    db.session.expire_all()
    assert db.session.get(PromotionRuleSet, row.id).document == {"rules": []}
    page = _text(client.post(url, data=_rule_form(), follow_redirects=True))
    assert "The rule is saved." in page
    assert "places 1 to 10" in page and "one level up" in page and "市技术能手" in page
    # A second rule that gives another level to place 5 in the same scope contradicts the first.
    response = client.post(url, data=_rule_form(key="C2", name="另一条", rank_from="5", rank_to="8",
                                                **{"outcomes-0-kind": "level", "outcomes-0-level": "senior",
                                                   "outcomes-0-cap": ""}))
    assert response.status_code == 302  # saved: one level up names no level, so nothing contradicts it
    response = client.post(f"/promotion/rules/{row.id}/rule/C1",
                           data=_rule_form(**{"outcomes-0-kind": "level", "outcomes-0-level": "technician",
                                              "outcomes-0-cap": ""}))
    assert "Rules" in _text(response) and "contradict each other" in _text(response)
    # Out of this organizer's reach: 404.
    auth.login_as("westorg")
    assert client.get(url).status_code == 404


def test_rule_sets_export_and_import_and_a_broken_file_changes_nothing(world, client, auth, runner, tmp_path):
    row = world["rule_set"]
    auth.login_as("cityorg")
    exported = client.get(f"/promotion/rules/{row.id}/export.json")
    document = json.loads(exported.get_data(as_text=True))
    assert document["schema"] == "competitions.promotion.rule-set" and document["schema_version"] == 1
    before = db.session.execute(select(func.count()).select_from(PromotionRuleSet)).scalar()
    broken = dict(document, rules=[dict(document["rules"][0], selection={"kind": "rank", "rank_from": 9,
                                                                         "rank_to": 3})])
    response = client.post("/promotion/rules/import", data={"file": (BytesIO(json.dumps(broken).encode()), "r.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Nothing was imported" in _text(response) and "the places are out of order (9 to 3)" in _text(response)
    response = client.post("/promotion/rules/import", data={"file": (BytesIO(b"{not json"), "r.json")},
                           content_type="multipart/form-data")
    assert "The file is not valid JSON (line 1)." in _text(response)
    assert db.session.execute(select(func.count()).select_from(PromotionRuleSet)).scalar() == before
    page = _text(client.post("/promotion/rules/import", data={"file": (BytesIO(exported.data), "r.json")},
                             content_type="multipart/form-data", follow_redirects=True))
    assert "Rule set imported with 3 rule(s)." in page
    # The command line: export, import, and a broken file refused with every problem listed.
    path = tmp_path / "rules.json"
    assert runner.invoke(args=["promotion", "rules", "export", str(row.id), str(path)]).exit_code == 0
    assert json.loads(path.read_text())["rules"] == document["rules"]
    out = runner.invoke(args=["promotion", "rules", "import", str(path), "--org", "测试市总工会"])
    assert out.exit_code == 0, out.output
    path.write_text(json.dumps(broken))
    out = runner.invoke(args=["promotion", "rules", "import", str(path)])
    assert out.exit_code == 1
    assert "Rule 职工组前5名: the places are out of order (9 to 3). [field: rank_to]" in out.output
    assert db.session.execute(select(func.count()).select_from(PromotionRuleSet)).scalar() == before + 2


def test_roster_exports_carry_masked_ids(world, client, auth, tmp_path):
    from openpyxl import load_workbook

    comp, regs = world["comp"], world["regs"]
    regs["A07"].worker.name = "=1+1"   # a careless clerk's name never runs as a formula
    _finalize(comp)
    db.session.commit()
    auth.login_as("cityorg")
    book = load_workbook(BytesIO(client.get(f"/promotion/competitions/{comp.id}/roster.xlsx").data))
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert rows[2][:4] == ["Name", "ID number", "Employer", "Event"]
    first = rows[3]
    national_id = regs["A01"].worker.national_id
    assert first[0] == "李娜" and first[1] == national_id[:6] + "********" + national_id[-4:]
    assert first[4] == 1 and first[5] == 96.4 and first[6] == "Senior worker" and first[7] == "Technician"
    assert first[9] == "Approved"
    assert national_id not in str(rows)
    formula_row = next(row for row in book.active.iter_rows(min_row=4) if row[0].value == "=1+1")
    assert formula_row[0].data_type == "s"
    pdf = client.get(f"/promotion/competitions/{comp.id}/roster.pdf")
    assert pdf.mimetype == "application/pdf"
    path = tmp_path / "roster.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "李娜" in text and national_id[:6] in text and national_id not in text
    assert "promotion roster" in text and "Senior technician" in text
    assert re.search(r"Promotion roster · \d+ proposals", text) and "line(s)" not in text
    # Rendered for a look (tests/artifacts/promotion-roster-en.png); a page with the table is far from blank.
    from tests.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(ARTIFACTS / "promotion-roster-en")], check=True)
    assert (ARTIFACTS / "promotion-roster-en.png").stat().st_size > 20000
    client.post("/lang", data={"lang": "zh"})
    path.write_bytes(client.get(f"/promotion/competitions/{comp.id}/roster.pdf").data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "晋升名册" in text and "高级技师" in text and "已通过" in text
    assert re.search(r"晋升名册 · 共 \d+ 项提名", text)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(ARTIFACTS / "promotion-roster-zh")], check=True)


def test_worker_sees_own_flags_and_history_and_the_organizer_sees_it_too(world, client, auth):
    comp, regs = world["comp"], world["regs"]
    _finalize(comp)
    db.session.commit()
    auth.login_as("worker1")
    page = _text(client.get("/promotion/mine"))
    assert "Current level: Technician" in page and comp.name in page and "全国技术能手" in page
    assert "Senior worker → Technician" in page and "Approved" in page
    mine = client.get("/api/v1/promotion/mine").get_json()
    assert mine["current_level"]["level"] == "technician" and mine["current_level"]["competition_id"] == comp.id
    assert {f["kind"] for f in mine["flags"]} == {"level", "honour"}
    assert client.get(f"/promotion/workers/{regs['A01'].worker.id}").status_code == 403
    auth.login_as("cityorg")
    page = _text(client.get(f"/promotion/workers/{regs['A01'].worker.id}"))
    assert "李娜" in page and "Current level: Technician" in page
    assert f"/people/{regs['A01'].worker.id}" in page   # and back: the person's page links to this record
    assert f"/promotion/workers/{regs['A01'].worker.id}" in _text(client.get(f"/people/{regs['A01'].worker.id}"))
    auth.login_as("westorg")  # 李娜 works in the west district: its organizer sees her; not the plant's people
    assert client.get(f"/promotion/workers/{regs['A01'].worker.id}").status_code == 200
    assert client.get(f"/promotion/workers/{regs['A02'].worker.id}").status_code == 404


def test_json_and_command_line_give_the_decisions(world, client, auth, runner):
    comp, regs = world["comp"], world["regs"]
    _finalize(comp)
    db.session.commit()
    out = runner.invoke(args=["promotion", "evaluate", "--competition", str(comp.id), "--json"])
    assert out.exit_code == 0, out.output
    document = json.loads(out.output)
    assert len(document["decisions"]) == 8 and len(document["flags"]) == 11
    eighth = next(d for d in document["decisions"] if d["registration_id"] == regs["A08"].id)
    assert eighth["outcomes"] == []
    assert "already at technician, and the rule promotes no higher than technician" in eighth["reasons"][0]["source"]
    assert eighth["reasons"][1]["source"] == "职工组前5名: place 8, outside places 1 to 5"
    auth.login_as("cityorg")
    client.post("/lang", data={"lang": "zh"})
    feed = client.get(f"/api/v1/promotion/competitions/{comp.id}/decisions").get_json()
    eighth = next(d for d in feed["decisions"] if d["registration_id"] == regs["A08"].id)
    assert "技师" in eighth["reasons"][0]["text"]
    auth.login_as("westorg")
    assert client.get(f"/api/v1/promotion/competitions/{comp.id}/decisions").status_code == 404
    flag = _flags(comp.id)[(regs["A06"].id, "level", "technician")]
    out = runner.invoke(args=["promotion", "review", "--competition", str(comp.id), "--flag", str(flag.id),
                              "--reject", "--reason", "复核不符合条件"])
    assert out.exit_code == 0 and "1 flag(s) rejected." in out.output
    db.session.expire_all()
    assert db.session.get(PromotionFlag, flag.id).status == "rejected"
    out = runner.invoke(args=["promotion", "review", "--competition", str(comp.id), "--all-pending", "--approve",
                              "--reason", "x"])
    assert out.exit_code == 1 and "Choose at least one flag." in out.output   # nothing awaits review here
    out = runner.invoke(args=["promotion", "evaluate", "--year", "2026"])
    assert out.exit_code == 0 and "2026: 1 competition(s) evaluated, 8 decision(s), 11 flag(s)." in out.output
    db.session.expire_all()
    assert db.session.get(PromotionFlag, flag.id).status == "rejected"   # a re-run keeps the decision
    assert runner.invoke(args=["promotion", "evaluate"]).exit_code == 2
    out = runner.invoke(args=["promotion", "roster", "--competition", str(comp.id), "--format", "xlsx",
                              "--output", "/dev/null"])
    assert out.exit_code == 0 and "(10 proposals)" in out.output   # the rejected flag is not on the roster


def test_the_scheduled_finalize_job_evaluates_too(world):
    from competitions.results.jobs import finalize_due_results

    comp = world["comp"]
    results.compute_provisional_results(comp, actor_id=None)
    published = results.publish_results(comp, actor_id=None, now=utcnow(), zone=ZoneInfo("Asia/Shanghai"))
    db.session.commit()
    summary = finalize_due_results(now=published.notice_ends_at + timedelta(minutes=5))
    db.session.commit()
    assert summary["finalized_competitions"] == [comp.id]
    assert db.session.execute(select(PromotionRun.trigger)).scalar_one() == "final"
    assert len(_flags(comp.id)) == 11


def test_a_competition_without_a_rule_set_still_becomes_final(world):
    world["rule_set"].active = False
    db.session.commit()
    _finalize(world["comp"])
    db.session.commit()
    assert results.public_snapshot(world["comp"].id).status == "final"
    assert db.session.execute(select(func.count()).select_from(PromotionRun)).scalar() == 0


def test_a_competitor_who_did_not_pass_a_part_is_not_promoted_and_told_why(world):
    """Pass marks come from the scoring rules (frozen in the final standing); the presets require every part."""
    comp, ev, regs = world["comp"], world["event"], world["regs"]
    theory = next(p for p in ev.parts if p.code == "theory")
    theory.pass_mark = 89
    db.session.commit()
    _finalize(comp)
    db.session.commit()
    flags = _flags(comp.id)
    assert not [k for k in flags if k[0] == regs["A03"].id]   # theory 88: did not pass
    decision = next(d for d in decisions_of(comp.id)[ev.id] if d.registration_id == regs["A03"].id)
    from competitions.promotion.api import _text

    with world_request():
        reasons = [_text(r)["source"] for r in decision.reasons]
    assert "职工组前5名: 理论知识 88.00 below the pass mark 89" in reasons[0]
    assert (regs["A01"].id, "level", "technician") in flags


def world_request():
    from flask import current_app

    return current_app.test_request_context()


def test_demo_data_shows_flags_awaiting_review(app, runner):
    from competitions.demo import FINAL
    from competitions.organize.models import Competition

    assert runner.invoke(args=["demo-data"]).exit_code == 0
    comp = db.session.execute(select(Competition).where(Competition.name == FINAL)).scalar_one()
    statuses = [f.status for f in _flags(comp.id).values()]
    assert statuses.count("pending") >= 3 and "approved" in statuses
    assert runner.invoke(args=["demo-data"]).exit_code == 0   # loading twice changes nothing
    assert len(_flags(comp.id)) == len(statuses)
    client = app.test_client()
    client.post("/auth/login", data={"username": "organizer", "password": "demo2026"})
    client.post("/lang", data={"lang": "en"})
    page = _text(client.get(f"/promotion/competitions/{comp.id}?status=pending"))
    assert "海州市技术能手" in page and "Awaiting review" in page


@pytest.mark.parametrize("where", ["name", "title"])
def test_an_imported_rule_with_a_control_character_is_refused_and_nothing_is_saved(world, client, auth, where):
    """Review: an ESC in a rule's name or an outcome's title was imported and reached the roster exports."""
    auth.login_as("cityorg")
    document = json.loads(client.get(f"/promotion/rules/{world['rule_set'].id}/export.json").get_data(as_text=True))
    rule = document["rules"][0]
    if where == "name":
        rule["name"] = "前5名\x1b[31m"
    else:
        rule["outcomes"] = [dict(rule["outcomes"][0], kind="honour", title="技术能手\x0b")]
    before = db.session.execute(select(func.count()).select_from(PromotionRuleSet)).scalar()
    response = client.post("/promotion/rules/import", data={"file": (BytesIO(json.dumps(document).encode()), "r.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "control character" in _text(response)
    assert db.session.execute(select(func.count()).select_from(PromotionRuleSet)).scalar() == before
