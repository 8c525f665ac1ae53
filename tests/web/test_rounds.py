"""Preliminary and final rounds inside one competition (issue 10 §2), end to end on a real database.

A theory-and-practical preliminary sends the top 3 (and all tied at the 3rd
place) to a practical final that carries the preliminary's theory mark with
weight 30. Every figure is checked against a hand computation.
"""

from __future__ import annotations

import html
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from competitions.domain.errors import InvalidState
from competitions.domain.schemes import CriterionDraft, PartDraft, SchemeDraft
from competitions.extensions import db
from competitions.judging.models import Mark
from competitions.organize import services as organize
from competitions.organize.models import Event
from competitions.registration.models import Registration
from competitions.results.models import ResultEntry, ResultSnapshot
from competitions.rounds import services as rounds
from competitions.rounds.models import RoundStanding
from tests import factories as f

NOW = datetime(2026, 12, 15, 9, 0, tzinfo=UTC)
# Preliminary (f.scheme_draft: theory T1 of 100 x 30 %, practical P1 of 60 + P2 of 40 x 70 %, 3 judges):
# code -> (theory, P1, P2): totals A01 83.00, A02 87.00, A03 77.00, A04 77.00 (tied, practical equal too), A05 63.50
PRELIM = {"A01": (90, 50, 30), "A02": (80, 54, 36), "A03": (70, 45, 35), "A04": (70, 45, 35), "A05": (95, 30, 20)}
# Final: theory carried (weight 30), practical F1 of 100 (weight 70), one judge. Hand computation:
# A01 90 x .3 + 75 x .7 = 27 + 52.5 = 79.50; A02 24 + 49 = 73.00; A03 21 + 63 = 84.00; A04 21 + 42 = 63.00
FINAL_MARKS = {"A01": 75, "A02": 70, "A03": 90, "A04": 60}
FINAL_TOTALS = {"A03": (1, "84.00", "first"), "A01": (2, "79.50", "second"), "A02": (3, "73.00", "third"),
                "A04": (4, "63.00", None)}


def final_scheme() -> SchemeDraft:
    return SchemeDraft(parts=(PartDraft("theory", "理论知识（初赛）", Decimal(30), carried_from="theory"),
                              PartDraft("practical", "技能操作", Decimal(70))),
                       criteria=(CriterionDraft("practical", "F1", "决赛实操", Decimal(100), Decimal("0.5"),
                                                "judgement", "mean", 1),))


@pytest.fixture
def two_rounds(app):
    orgs = f.org_tree()
    organizer = f.user("cityorg", "organizer", org=orgs["city"])
    chief = f.user("chief", "judge", org=orgs["city"])
    judges = [f.user(f"judge{i}", "judge", org=orgs["city"]) for i in range(3)]
    comp = f.competition(orgs["city"])
    prelim = f.event(comp)
    final = rounds.create_final(prelim, rule=rounds.rule_json(top=3), actor_id=organizer.id)
    organize.save_scheme(final, final_scheme(), organize.AwardRuleData("bands", Decimal(1), Decimal(1), Decimal(1)))
    regs = {}
    for station, (code, (theory, p1, p2)) in enumerate(PRELIM.items(), start=1):
        regs[code] = f.results_competitor(prelim, orgs["plant"], name=f"选手{code}", code=code, station=station)
        f.results_marks(prelim, regs[code], judges, theory=theory, p1=p1, p2=p2)
    comp.status = "in_progress"
    db.session.commit()
    return {"orgs": orgs, "organizer": organizer, "chief": chief, "judges": judges, "comp": comp,
            "prelim": prelim, "final": final, "regs": regs}


def finalists(world) -> dict[str, Registration]:
    code_of = {r.worker_id: code for code, r in world["regs"].items()}
    rows = db.session.execute(select(Registration).where(Registration.event_id == world["final"].id)).scalars()
    return {code_of[r.worker_id]: r for r in rows}


def test_preliminary_to_final_to_results_with_the_carried_part(two_rounds):
    w = two_rounds
    with pytest.raises(InvalidState, match="sign the preliminary"):
        rounds.compute_qualification(w["prelim"], actor_id=w["organizer"].id, now=NOW)
    f.sign_off(w["prelim"], w["chief"])
    standing = rounds.compute_qualification(w["prelim"], actor_id=w["organizer"].id, now=NOW)
    lines = {e.anonymous_code: (e.rank, str(e.total), e.qualified, e.reason) for e in standing.entries}
    assert lines == {"A02": (1, "87.00", True, "within_cut"), "A01": (2, "83.00", True, "within_cut"),
                     "A03": (3, "77.00", True, "tied_at_cut"), "A04": (3, "77.00", True, "tied_at_cut"),
                     "A05": (5, "63.50", False, "below_cut")}
    assert (standing.cut, standing.qualifier_count) == (3, 4)
    db.session.commit()
    # no final results before the qualification is confirmed
    with pytest.raises(InvalidState, match="qualification to every final"):
        from competitions.results.standing import compute_provisional_results
        compute_provisional_results(w["comp"], actor_id=w["organizer"].id)
    db.session.rollback()
    standing = rounds.standing_of(w["prelim"].id)
    made = rounds.confirm_qualification(standing, actor=w["organizer"], now=NOW)
    db.session.commit()
    assert len(made) == 4
    entered = finalists(w)
    assert set(entered) == {"A01", "A02", "A03", "A04"}
    for code, reg in entered.items():
        source = w["regs"][code]
        assert (reg.status, reg.employer_id, reg.skill_level, reg.is_student) == (
            "approved", source.employer_id, source.skill_level, source.is_student)
        assert reg.station and reg.anonymous_code  # drawn for the final
    carried = rounds.carried_marks(w["final"])
    assert {code: carried[reg.id]["theory"] for code, reg in entered.items()} == {
        "A01": Decimal("90.00"), "A02": Decimal("80.00"), "A03": Decimal("70.00"), "A04": Decimal("70.00")}
    criterion = w["final"].parts[1].criteria[0]
    for code, value in FINAL_MARKS.items():
        db.session.add(Mark(registration_id=entered[code].id, criterion_id=criterion.id, judge_id=w["judges"][0].id,
                            event_id=w["final"].id, value=Decimal(value)))
    f.sign_off(w["final"], w["chief"])
    from competitions.results.standing import compute_provisional_results
    snapshot = compute_provisional_results(w["comp"], actor_id=w["organizer"].id)
    db.session.commit()
    rows = db.session.execute(select(ResultEntry).where(ResultEntry.snapshot_id == snapshot.id)
                              .order_by(ResultEntry.position)).scalars().all()
    assert {r.event_id for r in rows} == {w["final"].id}  # the preliminary is ranked in its final
    by_worker = {r.worker_id: r for r in rows}
    for code, (rank, total, prize) in FINAL_TOTALS.items():
        row = by_worker[w["regs"][code].worker_id]
        assert (row.rank, str(row.total), row.prize, row.round_reached) == (rank, total, prize, "final")
        assert row.part_marks["theory"] == str(carried[entered[code].id]["theory"])
    out = by_worker[w["regs"]["A05"].worker_id]
    assert (out.round_reached, out.rank, out.total, out.prize, out.preliminary_rank, str(out.preliminary_total)) == (
        "preliminary", None, None, None, 5, "63.50")
    assert out.registration_id == w["regs"]["A05"].id


def test_undo_until_the_final_has_begun_with_a_reason(two_rounds):
    w = two_rounds
    f.sign_off(w["prelim"], w["chief"])
    standing = rounds.compute_qualification(w["prelim"], actor_id=w["organizer"].id, now=NOW)
    rounds.confirm_qualification(standing, actor=w["organizer"], now=NOW)
    from competitions.domain.errors import RuleViolation
    with pytest.raises(RuleViolation, match="reason"):
        rounds.undo_qualification(standing, actor_id=w["organizer"].id, reason="  ")
    rounds.undo_qualification(standing, actor_id=w["organizer"].id, reason="A04's theory mark was mistyped")
    assert finalists(w) == {}
    assert standing.status == "computed"
    with pytest.raises(RuleViolation, match="reason"):
        rounds.compute_qualification(w["prelim"], actor_id=w["organizer"].id, now=NOW)
    standing = rounds.compute_qualification(w["prelim"], actor_id=w["organizer"].id, now=NOW, reason="recheck")
    rounds.confirm_qualification(standing, actor=w["organizer"], now=NOW)
    entered = finalists(w)
    criterion = w["final"].parts[1].criteria[0]
    db.session.add(Mark(registration_id=entered["A01"].id, criterion_id=criterion.id, judge_id=w["judges"][0].id,
                        event_id=w["final"].id, value=Decimal(50)))
    db.session.flush()
    with pytest.raises(InvalidState, match="has begun"):
        rounds.undo_qualification(standing, actor_id=w["organizer"].id, reason="too late")
    assert db.session.execute(select(RoundStanding)).scalar_one().status == "confirmed"


def test_nobody_registers_for_a_final(two_rounds):
    from competitions.registration.services import registration_closed_reason
    reason = registration_closed_reason(two_rounds["comp"], NOW, two_rounds["final"])
    assert reason.code == "final_round"
    assert db.session.get(Event, two_rounds["prelim"].id).round == "preliminary"


def test_copying_a_competition_copies_its_rounds_and_carried_part(app):
    orgs = f.org_tree()
    comp = f.competition(orgs["city"])
    prelim = f.event(comp)
    final = rounds.create_final(prelim, rule=rounds.rule_json(percent="40", rounding="up"), actor_id=None)
    organize.save_scheme(final, final_scheme(), organize.AwardRuleData("bands", Decimal(1), Decimal(1), Decimal(1)))
    copy = organize.copy_competition(comp, name="2027年大赛", year=2027, created_by_id=None)
    db.session.commit()
    by_round = {e.round: e for e in copy.events}
    assert set(by_round) == {"preliminary", "final"}
    assert by_round["final"].preliminary_event_id == by_round["preliminary"].id
    assert by_round["final"].qualification_rule == {"percent": "40", "rounding": "up"}
    assert [(p.code, p.carried_from) for p in by_round["final"].parts] == [("theory", "theory"), ("practical", None)]
    assert by_round["final"].scheme_valid


# --- through the organizer's and chief judge's pages ---------------------------------------------


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def final_scheme_form(carried_from="theory") -> dict:
    return {"trim_min_judges": "5", "award_mode": "bands", "award_first": "1", "award_second": "1",
            "award_third": "1", "failed_placement": "ranked", "pass_total": "", "precision": "2",
            "rank_style": "standard", "team_score": "mean",
            "parts-0-code": "theory", "parts-0-name": "理论知识（初赛）", "parts-0-weight": "30",
            "parts-0-pass_mark": "", "parts-0-carried_from": carried_from,
            "parts-1-code": "practical", "parts-1-name": "技能操作", "parts-1-weight": "70", "parts-1-pass_mark": "",
            "parts-1-carried_from": "",
            "criteria-0-part_code": "practical", "criteria-0-code": "F1", "criteria-0-name": "决赛实操",
            "criteria-0-max_mark": "100", "criteria-0-step": "0.5", "criteria-0-kind": "judgement",
            "criteria-0-aggregation": "mean", "criteria-0-judges_required": "1"}


@pytest.fixture
def by_forms(app, client, auth):
    """A draft competition with one event and five judged preliminary competitors; the organizer logged in."""
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    chief = f.user("chief", "judge", org=orgs["city"])
    judges = [f.user(f"judge{i}", "judge", org=orgs["city"]) for i in range(3)]
    comp = f.competition(orgs["city"])
    prelim = f.event(comp)
    db.session.commit()
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    return {"orgs": orgs, "chief": chief, "judges": judges, "comp": comp, "prelim": prelim}


def test_rounds_through_the_pages_from_preliminary_to_published_results(by_forms, client, auth):
    w = by_forms
    prelim_id = w["prelim"].id
    # The organizer holds the event in two rounds (top 3) and sets the final's scheme with the carried part.
    created = client.post(f"/rounds/events/{prelim_id}/create", data={"rule-mode": "top", "rule-top": "3",
                                                                      "rule-rounding": "down"},
                          follow_redirects=True)
    assert "The event is now held in a preliminary and a final" in page(created)
    final = db.session.execute(select(Event).where(Event.round == "final")).scalar_one()
    assert "The top 3 places qualify; everyone tied at place 3 goes too." in page(created)
    assert "Carried from the preliminary's part" in page(client.get(f"/organize/events/{final.id}/scheme"))
    wrong = page(client.post(f"/organize/events/{final.id}/scheme", data=final_scheme_form("nothing")))
    assert "The preliminary has no part nothing; its parts are practical, theory." in wrong
    assert client.post(f"/organize/events/{final.id}/scheme", data=final_scheme_form()).status_code == 302
    rounds_page = page(client.get(f"/rounds/events/{final.id}"))
    assert "carried from the preliminary's 理论知识" in rounds_page
    assert ("In the final, 理论知识（初赛） (30 %) is each finalist's own mark of the preliminary's 理论知识"
            in rounds_page)
    # Judging of the preliminary (marks as typed on tablets), not yet signed off.
    db.session.expire_all()
    prelim = db.session.get(Event, prelim_id)
    regs = {}
    for station, (code, (theory, p1, p2)) in enumerate(PRELIM.items(), start=1):
        regs[code] = f.results_competitor(prelim, w["orgs"]["plant"], name=f"选手{code}", code=code, station=station)
        f.results_marks(prelim, regs[code], w["judges"], theory=theory, p1=p1, p2=p2)
    prelim.competition.status = "in_progress"
    db.session.commit()
    refused = page(client.post(f"/rounds/events/{prelim_id}/compute", follow_redirects=True))
    assert "The chief judge must sign the preliminary of 电工 off before qualification is computed." in refused
    f.sign_off(prelim, w["chief"])
    db.session.commit()
    computed = page(client.post(f"/rounds/events/{prelim_id}/compute", follow_redirects=True))
    assert "Cut: place 3 · 4 qualify" in computed
    assert "Place 3, tied at the cut: all who share it qualify (4 qualify)" in computed
    assert "Place 5, below the cut (top 3)" in computed
    # Nothing of the final before the qualification is confirmed: results refused, with the reason.
    results = page(client.post(f"/results/competitions/{w['comp'].id}/compute", follow_redirects=True))
    assert "Results can be computed only when the qualification to every final is confirmed; not yet: 电工." \
        in results
    # Published on its own, before the final is judged: the public sees names, places and reasons.
    client.post(f"/rounds/events/{prelim_id}/publish")
    auth.logout()
    public = page(client.get(f"/rounds/public/events/{prelim_id}"))
    assert "选手A05" in public and "Did not qualify" in public and "Place 5, below the cut (top 3)" in public
    assert client.get(f"/api/v1/rounds/public/events/{prelim_id}").get_json()["standing"]["qualifiers"] == 4
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    confirmed = page(client.post(f"/rounds/events/{prelim_id}/confirm", follow_redirects=True))
    assert "The qualification is confirmed: the qualifiers are entered in the final" in confirmed
    assert "The final's entrants" in confirmed and '<td class="num carried">90.00</td>' in confirmed
    db.session.expire_all()
    entered = {r.worker_id: r for r in db.session.execute(
        select(Registration).where(Registration.event_id == final.id)).scalars()}
    assert {regs[c].worker_id for c in ("A01", "A02", "A03", "A04")} == set(entered)
    # The final is judged (one judge on F1) and signed off; the competition's results rank it.
    final = db.session.get(Event, final.id)
    criterion = final.parts[1].criteria[0]
    for code, value in FINAL_MARKS.items():
        db.session.add(Mark(registration_id=entered[regs[code].worker_id].id, criterion_id=criterion.id,
                            judge_id=w["judges"][0].id, event_id=final.id, value=Decimal(value)))
    db.session.commit()
    too_late = page(client.post(f"/rounds/events/{prelim_id}/undo", data={"undo-reason": "mistake"},
                                follow_redirects=True))
    assert "The final of 电工 has begun (marks are recorded); the qualification can no longer be undone." in too_late
    f.sign_off(final, w["chief"])
    db.session.commit()
    assert client.post(f"/results/competitions/{w['comp'].id}/compute").status_code == 302
    snapshot = db.session.execute(select(ResultSnapshot)).scalar_one()
    rows = {r.worker_id: r for r in db.session.execute(
        select(ResultEntry).where(ResultEntry.snapshot_id == snapshot.id)).scalars()}
    for code, (rank, total, prize) in FINAL_TOTALS.items():
        assert (rows[regs[code].worker_id].rank, str(rows[regs[code].worker_id].total),
                rows[regs[code].worker_id].prize) == (rank, total, prize)
    assert rows[regs["A05"].worker_id].round_reached == "preliminary"
    client.post(f"/results/competitions/{w['comp'].id}/publish", data={"notice_days": "5"})
    auth.logout()
    client.post("/lang", data={"lang": "en"})
    public = page(client.get(f"/results/public/events/{final.id}"))
    assert "84.00" in public and "79.50" in public and "选手A03" in public
    assert "Did not qualify" in public and "preliminary: place 5, 63.50" in public
    feed = client.get(f"/api/v1/results/events/{final.id}").get_json()["event"]
    assert feed["round"] == "final"
    reached = {e["name"]: (e["round_reached"], e["preliminary_rank"]) for e in feed["entries"]}
    assert reached["选手A05"] == ("preliminary", 5) and reached["选手A03"] == ("final", None)
    competition = client.get(f"/api/v1/results/competitions/{w['comp'].id}").get_json()
    assert [e["id"] for e in competition["events"]] == [final.id]  # the preliminary is listed in its final


def test_guards_each_refusal_with_a_reason(two_rounds, client, auth):
    """Sign-off of a final and marks in it wait for the qualification; undo and recompute need reasons."""
    from competitions.judging import services as judging
    w = two_rounds
    judging.assign_judge(w["final"], actor=None, user_id=w["chief"].id, is_chief_judge=True)
    with pytest.raises(InvalidState, match="qualification from the preliminary of 电工 must be confirmed first"):
        judging.sign_off_event(w["final"], actor=w["chief"])
    criterion = w["final"].parts[1].criteria[0]
    from competitions.domain.errors import NotFound
    judging.assign_judge(w["final"], actor=None, user_id=w["judges"][0].id)
    db.session.commit()
    with pytest.raises(NotFound, match="not competing in this event|not part of this event.s marking scheme"):
        judging.submit_mark(w["judges"][0], judging.MarkInput(w["regs"]["A01"].id, criterion.id, "50", None,
                                                              str(uuid.uuid4())))
    db.session.rollback()
    f.sign_off(w["prelim"], w["chief"])
    judging.assign_judge(w["prelim"], actor=None, user_id=w["chief"].id, is_chief_judge=True)
    db.session.commit()
    auth.login("chief")
    client.post("/lang", data={"lang": "zh"})
    # The chief judge of the preliminary computes and confirms; the messages are in Chinese.
    assert "第 3 名，与晋级线名次并列" in page(client.post(f"/rounds/events/{w['prelim'].id}/compute",
                                                           follow_redirects=True))
    again = page(client.post(f"/rounds/events/{w['prelim'].id}/compute", follow_redirects=True))
    assert "初赛成绩已计算；请填写重新计算的原因。" in again
    assert client.post(f"/rounds/events/{w['prelim'].id}/publish").status_code == 403  # the organizer publishes
    assert "晋级名单已确认" in page(client.post(f"/rounds/events/{w['prelim'].id}/confirm", follow_redirects=True))
    no_reason = page(client.post(f"/rounds/events/{w['prelim'].id}/undo", data={"undo-reason": " "},
                                 follow_redirects=True))
    assert "请填写撤销晋级的原因。" in no_reason
    undone = page(client.post(f"/rounds/events/{w['prelim'].id}/undo", data={"undo-reason": "A04 成绩录入有误"},
                              follow_redirects=True))
    assert "晋级已撤销" in undone
    # The final's chief judge may look at the qualification but not change it.
    final_chief = f.user("finalchief", "judge", org=w["orgs"]["city"])
    judging.assign_judge(w["final"], actor=None, user_id=final_chief.id, is_chief_judge=True)
    db.session.commit()
    auth.logout()
    auth.login("finalchief")
    assert client.get(f"/rounds/events/{w['final'].id}").status_code == 200
    assert client.post(f"/rounds/events/{w['final'].id}/compute").status_code == 404
    assert client.post(f"/api/v1/rounds/events/{w['final'].id}/confirm").status_code == 404
    from competitions.audit.models import AuditEntry
    actions = [a.action for a in db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
               if a.action.startswith("rounds.")]
    assert actions == ["rounds.create", "rounds.compute", "rounds.confirm", "rounds.undo"]


def test_rule_by_share_and_its_api_and_command(two_rounds, client, auth, runner):
    w = two_rounds
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    url = f"/api/v1/rounds/events/{w['prelim'].id}"
    assert client.get(url).get_json()["rule"] == {"top": 3}
    bad = client.post(f"{url}/rule", json={"percent": "1e2"})
    assert bad.status_code == 422 and "percent" in bad.get_json()["message"]
    assert client.post(f"{url}/rule", json={"percent": "40", "rounding": "sideways"}).status_code == 422
    ok = client.post(f"{url}/rule", json={"percent": "50", "rounding": "up"})
    assert ok.status_code == 200 and ok.get_json()["rule"] == {"percent": "50", "rounding": "up"}
    assert "(rounded up)" in ok.get_json()["rule_text"]
    f.sign_off(db.session.get(Event, w["prelim"].id), w["chief"])
    db.session.commit()
    computed = client.post(f"{url}/compute", json={})
    assert computed.status_code == 200, computed.get_json()
    standing = computed.get_json()["standing"]
    # 5 entrants x 50 % = 2.5, rounded up: 3; A03 and A04 share the 3rd place, so 4 qualify
    assert (standing["cut"], standing["qualifiers"]) == (3, 4)
    assert client.post(f"{url}/confirm").get_json()["standing"]["status"] == "confirmed"
    assert client.post(f"{url}/rule", json={"top": 2}).status_code == 409
    pasted = client.post(f"{url}/undo", json={"reason": "mistyped\x1b[0m"})
    assert pasted.status_code == 422 and "control character" in pasted.get_json()["message"]
    assert client.post(f"{url}/undo", json={"reason": "x" * 1001}).status_code == 422
    assert client.post(f"{url}/undo", json=["not", "an", "object"]).status_code == 422
    assert "/api/v1/rounds/events/{event_id}/confirm" in client.get("/api/v1/openapi.json").get_json()["paths"]
    # the command line shows the same standing and refuses an undo without a reason
    shown = runner.invoke(args=["rounds", "show", str(w["prelim"].id)])
    assert "status confirmed, cut 3, 4 qualify" in shown.output
    assert runner.invoke(args=["rounds", "undo", str(w["prelim"].id), "--reason", " "]).exit_code == 1
    assert runner.invoke(args=["rounds", "undo", str(w["prelim"].id), "--reason", "rule misread"]).exit_code == 0


def test_commands_set_up_rounds_and_carry_a_part(app, runner):
    orgs = f.org_tree()
    comp = f.competition(orgs["city"])
    prelim = f.event(comp)
    db.session.commit()
    out = runner.invoke(args=["rounds", "create", str(prelim.id), "--percent", "30", "--rounding", "nearest"])
    assert out.exit_code == 0, out.output
    final = db.session.execute(select(Event).where(Event.round == "final")).scalar_one()
    organize.save_scheme(final, final_scheme(), organize.AwardRuleData("bands", Decimal(1), Decimal(1), Decimal(1)))
    db.session.commit()
    assert runner.invoke(args=["rounds", "carry", str(final.id), "--part", "theory", "--from", "nope"]).exit_code == 1
    assert runner.invoke(args=["rounds", "carry", str(final.id), "--part", "theory", "--from", "practical"]) \
        .exit_code == 0
    db.session.expire_all()
    assert db.session.get(Event, final.id).parts[0].carried_from == "practical"
    refused = runner.invoke(args=["rounds", "compute", str(prelim.id)])
    assert refused.exit_code == 1 and "sign the preliminary" in refused.output


def through_to_final_results(w):
    """Sign off, qualify, judge the final, compute, publish and make the results final (services)."""
    from competitions.results import services as results
    from competitions.results.publication import finalize_results
    f.sign_off(w["prelim"], w["chief"])
    standing = rounds.compute_qualification(w["prelim"], actor_id=w["organizer"].id, now=NOW)
    rounds.confirm_qualification(standing, actor=w["organizer"], now=NOW)
    entered = finalists(w)
    criterion = w["final"].parts[1].criteria[0]
    for code, value in FINAL_MARKS.items():
        db.session.add(Mark(registration_id=entered[code].id, criterion_id=criterion.id, judge_id=w["judges"][0].id,
                            event_id=w["final"].id, value=Decimal(value)))
    f.sign_off(w["final"], w["chief"])
    results.compute_provisional_results(w["comp"], actor_id=w["organizer"].id)
    from zoneinfo import ZoneInfo
    snapshot = results.publish_results(w["comp"], actor_id=w["organizer"].id, now=NOW, zone=ZoneInfo("Asia/Shanghai"))
    assert finalize_results(snapshot, actor_id=w["organizer"].id, now=snapshot.notice_ends_at)
    db.session.commit()
    return snapshot


def test_promotion_reads_the_round_reached(two_rounds):
    """A competitor who did not qualify is never eligible, whatever their preliminary total; finalists are."""
    from competitions.promotion.rules import assign_rule_set, load_preset
    from competitions.promotion.services import decisions_of, evaluate_competition
    w = two_rounds
    w["comp"].level = "national"  # the national preset's rules cover national contests
    through_to_final_results(w)
    rule_set = load_preset("workers_contest", organization_id=w["orgs"]["city"].id, actor_id=None)
    assign_rule_set(w["comp"], rule_set.id, actor_id=None)
    evaluate_competition(w["comp"], actor_id=None, now=NOW)
    db.session.commit()
    lines = {d.worker_id: d for d in decisions_of(w["comp"].id)[w["final"].id]}
    out = lines[w["regs"]["A05"].worker_id]
    assert out.awards == [] and out.rank is None
    assert any("Did not qualify for the final" in str(reason) for reason in out.reasons), out.reasons
    winner = lines[w["regs"]["A03"].worker_id]
    assert winner.rank == 1 and winner.awards  # first prize of the final: the preset promotes


def test_a_preliminary_reopened_after_computing_must_be_computed_again(two_rounds):
    w = two_rounds
    sign = f.sign_off(w["prelim"], w["chief"])
    standing = rounds.compute_qualification(w["prelim"], actor_id=w["organizer"].id, now=NOW)
    sign.locked = False  # the chief judge reopened the preliminary: marks may change
    db.session.flush()
    with pytest.raises(InvalidState, match="reopened after its standing was computed"):
        rounds.confirm_qualification(standing, actor=w["organizer"], now=NOW)
    assert finalists(w) == {}


def test_the_registration_page_offers_the_preliminary_only(app, client):
    orgs = f.org_tree()
    comp = f.competition(orgs["city"])
    prelim = f.event(comp)
    final = rounds.create_final(prelim, rule=rounds.rule_json(top=8), actor_id=None)
    organize.save_scheme(final, final_scheme(), organize.AwardRuleData("bands", Decimal(1), Decimal(1), Decimal(1)))
    organize.change_status(comp, "open")  # both rounds need their scheme first
    db.session.commit()
    client.post("/lang", data={"lang": "en"})
    text = page(client.get(f"/registration/competitions/{comp.id}"))
    assert text.count("<h3>电工") == 1
    assert "register for the preliminary; its qualifiers go on to the final." in text


def test_a_cancelled_round_never_holds_up_the_results(two_rounds):
    """Cancel the final: the preliminary is ranked as the event. Cancel the preliminary: its final waits for nothing."""
    from competitions.results.standing import compute_provisional_results
    w = two_rounds
    f.sign_off(w["prelim"], w["chief"])
    organize.cancel_event(w["final"], actor_id=None, reason="场地故障", now=NOW)
    snapshot = compute_provisional_results(w["comp"], actor_id=None)
    rows = db.session.execute(select(ResultEntry).where(ResultEntry.snapshot_id == snapshot.id)).scalars().all()
    assert {r.event_id for r in rows} == {w["prelim"].id} and len(rows) == 5
    assert {r.round_reached for r in rows} == {None}
    db.session.rollback()
    w["comp"].status = "closed"  # a second trade, set up before judging
    other = f.event(w["comp"], trade_name="焊工", trade_code="WELD")
    w["comp"].status = "in_progress"
    reg = f.results_competitor(other, w["orgs"]["plant"], name="焊工选手", code="W01", station=1)
    f.results_marks(other, reg, w["judges"], theory=80, p1=50, p2=30)
    f.sign_off(other, w["chief"])
    organize.cancel_event(w["prelim"], actor_id=None, reason="停赛", now=NOW)
    snapshot = compute_provisional_results(w["comp"], actor_id=None)
    rows = db.session.execute(select(ResultEntry).where(ResultEntry.snapshot_id == snapshot.id)).scalars().all()
    assert {r.event_id for r in rows} == {other.id}


def test_the_session_sees_what_confirm_and_undo_wrote(two_rounds):
    """The final's registrations are written in one statement; loaded lines read them at once, without a commit."""
    w = two_rounds
    f.sign_off(w["prelim"], w["chief"])
    standing = rounds.compute_qualification(w["prelim"], actor_id=w["organizer"].id, now=NOW)
    assert [e.anonymous_code for e in standing.entries] == ["A02", "A01", "A03", "A04", "A05"]
    rounds.confirm_qualification(standing, actor=w["organizer"], now=NOW)
    made = {e.anonymous_code: e.final_registration_id for e in rounds.standing_of(w["prelim"].id).entries}
    assert made["A05"] is None and all(made[c] for c in ("A01", "A02", "A03", "A04"))
    rounds.undo_qualification(standing, actor_id=None, reason="复核")
    assert all(e.final_registration_id is None for e in standing.entries)


@pytest.mark.parametrize("lang, words", [("zh", ("未晋级", "一等奖")), ("en", ("Did not qualify", "First prize"))])
def test_results_pdf_and_workbook_list_the_final_with_those_who_did_not_qualify(two_rounds, client, auth, lang, words):
    import shutil
    import subprocess
    from io import BytesIO

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from tests.conftest import ARTIFACTS
    w = two_rounds
    through_to_final_results(w)
    auth.login("cityorg")
    client.post("/lang", data={"lang": lang})
    pdf = client.get(f"/results/competitions/{w['comp'].id}/export.pdf")
    assert pdf.mimetype == "application/pdf"
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(BytesIO(pdf.data)).pages)
    assert all("".join(word.split()) in text for word in words) and "84.00" in text and "选手A05" in text, text
    assert text.count("电工·") == 1  # one table: the final's, with the preliminary's non-qualifiers in it
    workbook = load_workbook(BytesIO(client.get(f"/results/competitions/{w['comp'].id}/export.xlsx").data))
    cells = [str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any(cell.startswith(words[0]) and "63.50" in cell for cell in cells), cells
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(exist_ok=True)
        source = ARTIFACTS / f"rounds-results-pdf-{lang}.pdf"
        source.write_bytes(pdf.data)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(source),
                        str(ARTIFACTS / f"rounds-results-pdf-{lang}")], check=True)
