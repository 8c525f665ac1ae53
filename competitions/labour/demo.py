"""A key project's assessment rules, as sample data: the demo's metro line and the tests build it.

The scorecard follows the shape of published rules for metro and road construction labour competitions
(a 100-point card: organization 20, progress 30, quality 20, safety 15, civilized construction 10,
technical innovation 5; progress measured against the monthly plan, quality by the acceptance rate,
safety by hidden dangers rectified on time), with a bonus cap of 5 and a deduction cap of 10 a period.
"""

from __future__ import annotations

from decimal import Decimal

from competitions.labour import setup
from competitions.organize.models import Competition

D = Decimal

GROUPS = (
    ("ORG", "组织管理", D(20)),
    ("PROG", "施工进度", D(30)),
    ("QUAL", "工程质量", D(20)),
    ("SAFE", "安全生产", D(15)),
    ("CIVIL", "文明施工", D(10)),
    ("INNOV", "技术创新", D(5)),
)

# (group, code, name, kind, max points, unit label, value range, formula)
INDICATORS = (
    ("ORG", "O1", "竞赛组织与宣传发动", "judged", D(10), "", None, None),
    ("ORG", "O2", "班组建设与劳动保护", "judged", D(10), "", None, None),
    ("PROG", "P1", "月度施工计划完成率", "measured", D(25), "%", (D(0), D(200)),
     {"type": "above_target", "target": 100, "base": 20, "per_unit_above": 1, "per_unit_below": 2}),
    ("PROG", "P2", "关键节点滞后天数", "measured", D(5), "天", (D(0), D(90)),
     {"type": "linear", "from_value": 0, "from_points": 5, "to_value": 10, "to_points": 0}),
    ("QUAL", "Q1", "分项工程验收合格率", "measured", D(12), "%", (D(0), D(100)),
     {"type": "linear", "from_value": 90, "from_points": 0, "to_value": 100, "to_points": 12}),
    ("QUAL", "Q2", "质量管理体系运行", "judged", D(8), "", None, None),
    ("SAFE", "S1", "安全隐患按时整改率", "measured", D(8), "%", (D(0), D(100)),
     {"type": "bands", "bands": [{"at_least": 100, "points": 8}, {"at_least": 95, "points": 6},
                                 {"at_least": 90, "points": 3}], "otherwise": 0}),
    ("SAFE", "S2", "安全管理与教育培训", "judged", D(7), "", None, None),
    ("CIVIL", "C1", "文明施工与环境保护", "judged", D(10), "", None, None),
    ("INNOV", "I1", "技术创新与合理化建议", "judged", D(5), "", None, None),
)


def build_metro_scorecard(competition: Competition, *, actor=None) -> dict:
    """Give ``competition`` the sample 100-point scorecard; returns the indicators by code."""
    setup.save_settings(competition, setup.ScorecardSettings(
        title="地铁3号线建设劳动竞赛考评办法", document_ref="市重点办〔2026〕3号", cadence="month",
        bonus_cap=D(5), deduction_cap=D(10), aggregation="mean"), actor=actor)
    groups = {code: setup.save_group(competition, setup.GroupData(code, name, points), actor=actor)
              for code, name, points in GROUPS}
    indicators = {}
    for group, code, name, kind, points, label, span, formula in INDICATORS:
        indicators[code] = setup.save_indicator(competition, setup.IndicatorData(
            group_id=groups[group].id, code=code, name=name, kind=kind, max_points=points, step=D("0.5"),
            unit_label=label, value_min=span[0] if span else None, value_max=span[1] if span else None,
            formula=formula), actor=actor)
    return indicators


# ---- the demo: a metro line's labour competition in its third month ---------------------------------

DEMO_NAME = "海州地铁3号线建设“比学赶超”劳动竞赛"
# (code, name, organization in the demo tree or None for a contractor outside it, workers)
DEMO_UNITS = (
    ("S1", "土建1标段（海州建设工程集团）", "海州建设工程集团工会", 420),
    ("S2", "机电设备安装标段（海州轨道交通集团）", "海州轨道交通集团工会", 260),
    ("S3", "供电系统标段（海州电力）", "海州电力有限公司工会", 180),
    ("S4", "土建2标段（中铁十局海州项目部）", None, 510),
    ("S5", "土建3标段（中建三局海州项目部）", None, 470),
    ("S6", "盾构区间4标段（中交一公局）", None, 390),
    ("S7", "车辆段标段（海州智能装备）", "海州智能装备有限公司工会", 150),
)


def _demo_value(rng, indicator) -> str:
    """A plausible entry: judged points near the top of the range, measured values around the target."""
    if indicator.kind == "judged":
        top = float(indicator.max_points)
        steps = round(rng.uniform(top * 0.7, top) / float(indicator.step))
        return str(Decimal(steps) * indicator.step)
    low = {"P1": 92, "P2": 0, "Q1": 95, "S1": 92}[indicator.code]
    high = {"P1": 108, "P2": 6, "Q1": 100, "S1": 100}[indicator.code]
    return str(round(Decimal(str(rng.uniform(low, high))), 1))


def _demo_scores(period, users, rng, *, share: float = 1.0) -> None:
    from competitions.labour import assessment

    for user in users:
        scope = assessment.scope_of(period, user)
        for unit in scope.units:
            indicators = scope.indicators.get(unit.id, [])
            if not indicators or rng.random() > share:
                continue
            assessment.record_scores(period, unit, assessor=user, entries=[
                assessment.ScoreInput(i.id, _demo_value(rng, i)) for i in indicators])


def load_labour_demo(organizer, org_by_name, user_by_name):
    """Create the demo labour competition (once): seven sections of metro line 3, monthly periods from
    September 2026; September and October assessed and signed off, November (the third month) being
    assessed; a commendation, a notice of criticism and a veto among the entries. Returns it."""
    import random
    from datetime import date as day

    from sqlalchemy import select

    from competitions.extensions import db
    from competitions.labour import assessment
    from competitions.organize import services as organize

    existing = db.session.execute(select(Competition).where(Competition.name == DEMO_NAME)).scalar_one_or_none()
    if existing is not None:
        return existing
    competition = organize.create_competition(organize.CompetitionData(
        name=DEMO_NAME, year=2026, level="city", competition_class="I", kind="labor",
        organization_id=organizer.organization_id, starts_on=day(2026, 9, 1), ends_on=day(2027, 6, 30),
        registration_opens_at=None, registration_closes_at=None,
        description="市重点工程劳动竞赛：地铁3号线一期工程各标段按月考评，月度排名第一的标段授予流动红旗。"),
        created_by_id=organizer.id)
    competition.status = "in_progress"
    build_metro_scorecard(competition, actor=organizer)
    for code, name, org_name, workers in DEMO_UNITS:
        org = org_by_name(org_name) if org_name else None
        setup.add_unit(competition, setup.UnitData(code=code, name=name, kind="section",
                                                   organization_id=org.id if org else None, headcount=workers),
                       actor=organizer)
    periods = setup.generate_periods(competition, cadence="month", actor=organizer)
    for period in periods:
        if period.name.endswith("-06") or period.name.endswith("-12"):
            period.weight = Decimal("1.5")   # the half-year assessments weigh more in the standings
    groups = {g.code: g for g in setup.groups_of(competition)}
    chief, judge1, judge3, judge5 = (user_by_name(n) for n in ("chief", "judge1", "judge3", "judge5"))
    for group in ("ORG", "CIVIL"):
        setup.assign_assessor(competition, user_id=chief.id, group_id=groups[group].id, unit_id=None,
                              is_chief=True, actor=organizer)
    for user in (judge1, judge3, judge5):
        setup.assign_assessor(competition, user_id=user.id, group_id=None, unit_id=None, is_chief=False,
                              actor=organizer)
    units = {u.code: u for u in setup.units_of(competition)}
    rng = random.Random(20260901)
    september, october, november = periods[:3]
    assessors = (chief, judge1, judge3, judge5)
    _demo_scores(september, assessors, rng)
    assessment.add_veto(september, assessment.VetoData(
        unit_id=units["S6"].id, category="safety_accident", occurred_on=day(2026, 9, 17),
        reason="9月17日盾构始发井基坑支护局部失稳，一名作业人员受伤送医。",
        document_ref="海州市住建局安全生产事故通报〔2026〕9号"), actor=organizer)
    assessment.add_adjustment(september, assessment.AdjustmentData(
        unit_id=units["S1"].id, kind="bonus", points="2", source="owner", issuer="海州地铁集团建设分公司",
        document_ref="海地铁建〔2026〕112号", reason="车站主体结构提前10天封顶，业主通报表扬。"), actor=organizer)
    _demo_scores(october, assessors, rng)
    assessment.add_adjustment(october, assessment.AdjustmentData(
        unit_id=units["S2"].id, kind="bonus", points="3", source="authority", issuer="海州市重点工程建设办公室",
        document_ref="市重点办通报〔2026〕27号", reason="机电安装“首件样板”被全市推广。"), actor=organizer)
    assessment.add_adjustment(october, assessment.AdjustmentData(
        unit_id=units["S5"].id, kind="deduction", points="2", source="supervisor", issuer="海州建科监理3号线总监办",
        document_ref="监理通报〔2026〕41号", reason="施工围挡破损未及时修复，扬尘控制不到位。"), actor=organizer)
    for period in (september, october):
        assessment.close_assessment(period, actor=chief)
        assessment.sign_off(period, actor=chief)
    _demo_scores(november, (judge1, judge5), rng)
    _demo_scores(november, (judge3,), rng, share=0.5)
    assessment.add_adjustment(november, assessment.AdjustmentData(
        unit_id=units["S3"].id, kind="bonus", points="1.5", source="owner", issuer="海州地铁集团建设分公司",
        document_ref="海地铁建〔2026〕139号", reason="主变电所提前受电。"), actor=organizer)
    db.session.flush()
    return competition
