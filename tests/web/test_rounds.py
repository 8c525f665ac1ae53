"""Preliminary and final rounds inside one competition (issue 10 §2), end to end on a real database.

A theory-and-practical preliminary sends the top 3 (and all tied at the 3rd
place) to a practical final that carries the preliminary's theory mark with
weight 30. Every figure is checked against a hand computation.
"""

from __future__ import annotations

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
from competitions.results.models import ResultEntry
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
