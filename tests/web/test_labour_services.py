"""Labour competition services on a real database: setup rules, scores, corrections, recusal, entries, sign-off."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from competitions.audit.models import AuditEntry
from competitions.domain.errors import Conflict, InvalidState, NotAllowed, RuleViolation
from competitions.extensions import db
from competitions.labour import services
from competitions.labour.models import LabourAdjustment, LabourScore, LabourVeto
from tests.factories import labour_world

D = Decimal

# Values for one unit: judged points, or measured values (P1 103.5 % of plan -> 23.5; P2 2 days late -> 4;
# Q1 98 % -> 9.6; S1 96 % -> 6).
GOOD = {"O1": "9", "O2": "8.5", "P1": "103.5", "P2": "2", "Q1": "98", "Q2": "7", "S1": "96", "S2": "6.5",
        "C1": "9", "I1": "4"}


def entries(world, values, codes=None):
    return [services.ScoreInput(world["indicators"][c].id, v) for c, v in values.items()
            if codes is None or c in codes]


def audit_count(action):
    return db.session.execute(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
                              ).scalar_one()


@pytest.fixture
def world(app):
    w = labour_world()
    db.session.commit()
    return w


NON_ORG = [c for c in GOOD if not c.startswith("O")]


def assess_all(world, period):
    """Every assessor scores every unit they may (a1 all; a2 all but S1; chief ORG)."""
    for unit in world["units"]:
        services.record_scores(period, unit, assessor=world["a1"], entries=entries(world, GOOD))
        if unit.code != "S1":
            services.record_scores(period, unit, assessor=world["a2"], entries=entries(world, GOOD))
        services.record_scores(period, unit, assessor=world["chief"], entries=entries(world, GOOD, ["O1", "O2"]))


def test_a_month_scored_gives_each_unit_its_total(world):
    period = world["periods"][0]
    assess_all(world, period)
    rows = {r.unit_code: r for r in services.period_scores(period)}
    s1 = rows["S1"]
    assert s1.complete and not s1.vetoed
    # ORG 9 + 8.5 = 17.5; PROG 23.5 + 4 = 27.5; QUAL 9.6 + 7 = 16.6; SAFE 6 + 6.5 = 12.5; CIVIL 9; INNOV 4
    assert (s1.group("ORG"), s1.group("PROG"), s1.group("QUAL"), s1.group("SAFE")) == (
        D("17.5"), D("27.5"), D("16.6"), D("12.5"))
    assert s1.total == D("87.10")
    assert [r.unit_code for r in services.period_scores(period)] == ["S1", "S2", "S3", "S4"]


def test_a_second_entry_is_refused_and_a_correction_is_audited(world):
    period, unit = world["periods"][0], world["units"][1]
    services.record_scores(period, unit, assessor=world["a1"], entries=entries(world, GOOD, ["O1"]))
    db.session.commit()
    with pytest.raises(Conflict, match="already been assessed"):
        services.record_scores(period, unit, assessor=world["a1"], entries=entries(world, {"O1": "7"}))
    db.session.rollback()
    score = services.scores_by(period, unit, world["a1"].id)[world["indicators"]["O1"].id]
    with pytest.raises(RuleViolation, match="needs a reason"):
        services.record_scores(period, unit, assessor=world["a1"], entries=[
            services.ScoreInput(world["indicators"]["O1"].id, "7", version=score.version)])
    db.session.rollback()
    services.record_scores(period, unit, assessor=world["a1"], reason="Misread the inspection sheet",
                           entries=[services.ScoreInput(world["indicators"]["O1"].id, "7", version=1)])
    db.session.commit()
    assert db.session.execute(select(func.count()).select_from(LabourScore)).scalar_one() == 1
    assert audit_count("labour.score_correct") == 1
    with pytest.raises(Conflict, match="changed meanwhile"):
        services.record_scores(period, unit, assessor=world["a1"], reason="again",
                               entries=[services.ScoreInput(world["indicators"]["O1"].id, "6", version=1)])


def test_a_bad_value_saves_nothing_of_the_batch(world):
    period, unit = world["periods"][0], world["units"][2]
    bad = dict(GOOD, Q1="101")   # above the range 0..100
    with pytest.raises(RuleViolation) as caught:
        services.record_scores(period, unit, assessor=world["a1"], entries=entries(world, bad))
    assert caught.value.field == f"indicator-{world['indicators']['Q1'].id}"
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(LabourScore)).scalar_one() == 0
    with pytest.raises(RuleViolation):
        services.record_scores(period, unit, assessor=world["a1"], entries=entries(world, dict(GOOD, O1="10.5")))


def test_recusal_is_enforced_on_the_server(world):
    period, s1 = world["periods"][0], world["units"][0]
    scope = services.scope_of(period, world["a2"])
    assert s1.id in scope.recused and s1.id not in scope.indicators
    with pytest.raises(NotAllowed, match="recused"):
        services.record_scores(period, s1, assessor=world["a2"], entries=entries(world, GOOD, ["O1"]))
    with pytest.raises(NotAllowed):   # the chief assesses ORG only
        services.record_scores(period, s1, assessor=world["chief"], entries=entries(world, GOOD, ["P1"]))


def test_bonus_deduction_and_veto_need_source_document_and_reason(world):
    period, unit = world["periods"][0], world["units"][3]
    for data, message in [
        (services.AdjustmentData(unit.id, "deduction", "2", "", "监理通报〔2026〕5号"), "source"),
        (services.AdjustmentData(unit.id, "deduction", "2", "supervisor", "  "), "reference of its document"),
        (services.AdjustmentData(unit.id, "bonus", "0", "owner", "业主表扬信"), "above 0"),
    ]:
        with pytest.raises(RuleViolation, match=message):
            services.add_adjustment(period, data, actor=world["admin"])
    with pytest.raises(RuleViolation, match="reason"):
        services.add_veto(period, services.VetoData(unit.id, "safety_accident", "", "事故报告"), actor=world["admin"])
    with pytest.raises(RuleViolation, match="document"):
        services.add_veto(period, services.VetoData(unit.id, "fight", "Two crews fought", ""), actor=world["admin"])
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(LabourAdjustment)).scalar_one() == 0
    assert db.session.execute(select(func.count()).select_from(LabourVeto)).scalar_one() == 0

    assess_all(world, period)
    services.add_adjustment(period, services.AdjustmentData(unit.id, "bonus", "4", "owner", "业主表扬〔2026〕2号"),
                            actor=world["admin"])
    services.add_adjustment(period, services.AdjustmentData(unit.id, "bonus", "3", "authority", "市建委通报"),
                            actor=world["admin"])
    wrong = services.add_adjustment(period, services.AdjustmentData(unit.id, "deduction", "1.5", "supervisor",
                                                                    "监理通报〔2026〕5号", reason="围挡破损"),
                                    actor=world["admin"])
    veto = services.add_veto(period, services.VetoData(unit.id, "safety_accident", "高处坠落，一人重伤",
                                                       "安全事故快报〔2026〕1号"), actor=world["admin"])
    row = next(r for r in services.period_scores(period) if r.unit_id == unit.id)
    assert (row.bonus, row.deduction, row.total) == (D(5), D("1.5"), D("90.60"))   # bonus capped at 5
    assert row.vetoed and row.veto_reasons == ("高处坠落，一人重伤 (安全事故快报〔2026〕1号)",)
    services.void_adjustment(wrong, actor=world["admin"], reason="Notice withdrawn by the supervisor")
    services.void_veto(veto, actor=world["admin"], reason="Accident happened on another contractor's site")
    row = next(r for r in services.period_scores(period) if r.unit_id == unit.id)
    assert (row.deduction, row.total, row.vetoed) == (D(0), D("92.10"), False)
    assert audit_count("labour.veto") == 1 and audit_count("labour.veto_void") == 1


def test_sign_off_needs_the_chief_and_completeness_and_can_be_reopened(world):
    period = world["periods"][0]
    with pytest.raises(NotAllowed):
        services.close_assessment(period, actor=world["a1"])
    with pytest.raises(InvalidState, match="still missing"):
        services.close_assessment(period, actor=world["chief"])
    assess_all(world, period)
    state = services.completeness(period)
    assert state.ok and state.entered == state.expected == 4 * 10 + 3 * 10 + 4 * 2
    with pytest.raises(InvalidState, match="Close the assessment"):
        services.sign_off(period, actor=world["chief"])
    services.close_assessment(period, actor=world["chief"])
    with pytest.raises(InvalidState, match="no longer open"):
        services.record_scores(period, world["units"][0], assessor=world["a1"], reason="late",
                               entries=[services.ScoreInput(world["indicators"]["O1"].id, "1", version=1)])
    services.sign_off(period, actor=world["chief"])
    assert period.status == "signed_off"
    with pytest.raises(InvalidState, match="signed off"):
        services.add_adjustment(period, services.AdjustmentData(world["units"][0].id, "bonus", "1", "owner", "x"),
                                actor=world["admin"])
    with pytest.raises(RuleViolation, match="reason"):
        services.reopen(period, actor=world["chief"], reason=" ")
    services.reopen(period, actor=world["chief"], reason="Owner's notice arrived late")
    assert period.status == "open" and audit_count("labour.period_reopen") == 1


def test_uncovered_units_block_the_close(world):
    from competitions.labour.models import LabourAssessor

    period = world["periods"][1]
    db.session.execute(LabourAssessor.__table__.delete().where(LabourAssessor.user_id == world["a1"].id))
    state = services.completeness(period)
    # a2 is recused from S1 and the chief scores ORG only: S1's eight other indicators have nobody
    assert len(state.uncovered) == 8 and not state.ok


def test_the_scorecard_freezes_once_a_period_is_assessed(world):
    period = world["periods"][0]
    assess_all(world, period)
    indicator = world["indicators"]["P1"]
    data = services.IndicatorData(group_id=indicator.group_id, code="P1", name=indicator.name, kind="measured",
                                  max_points=D(25), unit_label="%", value_min=D(0), value_max=D(200),
                                  formula={"type": "above_target", "target": 100, "base": 18, "per_unit_above": 1,
                                           "per_unit_below": 2})
    services.save_indicator(world["competition"], data, actor=world["admin"], indicator=indicator)
    s1 = next(r for r in services.period_scores(period) if r.unit_code == "S1")
    assert s1.group("PROG") == D("25.5")    # 103.5 % now gives 21.5, + 4
    services.close_assessment(period, actor=world["chief"])
    with pytest.raises(InvalidState, match="can no longer change"):
        services.save_indicator(world["competition"], data, actor=world["admin"], indicator=indicator)


def test_units_and_periods_rules(world):
    comp = world["competition"]
    with pytest.raises(RuleViolation, match="is taken by the unit S1"):
        services.add_unit(comp, services.UnitData(code="S1", name="另一标段"), actor=None)
    with pytest.raises(InvalidState, match="already has periods"):
        services.generate_periods(comp, cadence="month", actor=None)
    with pytest.raises(RuleViolation, match="overlap"):
        services.add_period(comp, services.PeriodData("节点一", world["periods"][0].starts_on,
                                                      world["periods"][0].ends_on), actor=None)
    assert [p.number for p in services.periods_of(comp)] == [1, 2, 3, 4, 5, 6]


def test_same_parent_recusal_follows_the_competition_setting(world):
    from competitions.orgs.services import create_organization

    steel = create_organization(name="东区钢结构厂工会", kind="enterprise", parent_id=world["orgs"]["east"].id)
    unit = services.add_unit(world["competition"], services.UnitData(code="S5", name="5标段",
                                                                     organization_id=steel.id), actor=None)
    assert not services.is_recused(world["a2"], unit)   # the east plant's assessor, a sibling enterprise
    world["competition"].recuse_same_parent = True
    assert services.is_recused(world["a2"], unit) and not services.is_recused(world["a1"], unit)
    assert unit.id in services.scope_of(world["periods"][0], world["a2"]).recused


def test_participations_count_the_headcount_or_the_named_members_if_more(world):
    from tests.factories import worker

    s1, s2 = world["units"][:2]
    for name in ("李强", "王芳"):
        services.add_member(s1, worker_id=worker(world["orgs"]["plant"], name=name).id, role="班组长", actor=None)
    counts = services.participations(world["competition"])
    assert counts[s1.id] == 101 and counts[s2.id] == 102   # 2 named of 101 leave 101; S2 names nobody: 102
    s1.headcount = 1
    assert services.participations(world["competition"])[s1.id] == 2   # more named than declared


def test_a_racing_duplicate_entry_is_refused_by_the_unique_index(world, monkeypatch):
    """Two tablets of one assessor send the same new entry at once: both pass the check for an existing entry;
    the second insert hits the unique index and is answered as a conflict, never stored twice."""
    from competitions.labour import assessment

    period, unit = world["periods"][0], world["units"][1]
    services.record_scores(period, unit, assessor=world["a1"], entries=entries(world, GOOD, ["O1"]))
    db.session.commit()
    monkeypatch.setattr(assessment, "scores_by", lambda *args: {})   # the racing request saw nothing yet
    with pytest.raises(Conflict, match="already been assessed"):
        services.record_scores(period, unit, assessor=world["a1"], entries=entries(world, {"O1": "7", "O2": "8"}))
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(LabourScore)).scalar_one() == 1
    assert services.scores_by(period, unit, world["a1"].id)[world["indicators"]["O1"].id].value == D(9)
