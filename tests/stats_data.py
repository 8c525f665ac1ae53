"""A small known year for the statistics tests, with its figures counted by hand.

Unions: 测试市总工会 (city) > 东区 (east) > 东区机床厂 (plant, 通用设备制造业);
city > 西区 (west) > 西区电力公司 (works, 电力).

Workers (age reached in 2026): A plant male 1990 (36), B plant female 2003 (23),
C works male 1968 (58), D works female 1995 (31), E plant male 1980 (46).

Competitions:
1. city, skills, class I, by the city, ends 2026-06-10, final results.
   电工 ELEC: A approved (scored, first prize), B approved (scored), C withdrawn,
   D approved (marked absent in the snapshot; her line carries a preliminary part's
   40 points, so only the absent flag tells she is no finalist). 焊工 WELD: A approved (scored, second prize:
   A is in three events this year), C approved (disqualified), E rejected.
2. district, labor, by east, ends 2026-09-01, results only published (E's third
   prize is not final, so not counted). ELEC: A, E approved.
3. enterprise, innovation, by plant, named 2025 but ends 2026-01-05 (counts in
   2026). 数控车工 CNC: B approved, E pending.
   Promotion flags: A's 电工 first prize an approved level promotion (counted), B's a level promotion
   still awaiting review, A's 焊工 second prize an approved honour title (neither counted).
4. enterprise, skills, by works, year 2026 but ends 2027-01-03 (counts in 2027). ELEC: D approved.
5. a draft of west in 2026 with one event (never held).
6. city, skills, by the city, ends 2025-05-01 (last year). ELEC: A, C approved.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from competitions.extensions import db
from competitions.innovation.models import InnovationEntry
from competitions.labour.models import (
    LabourIndicator,
    LabourIndicatorGroup,
    LabourPeriod,
    LabourScore,
    LabourUnit,
    LabourUnitMember,
    LabourVeto,
)
from competitions.registration.models import Registration
from competitions.results.models import ResultEntry, ResultSnapshot
from tests import factories as f

# Hand counts of 2026, city scope: (competitions, events, participations, workers, enterprises, finalists, awards)
CITY_2026 = (3, 4, 8, 5, 2, 4, 2)
BY_LEVEL = {"city": (1, 2, 5, 4, 2, 4, 2), "district": (1, 1, 2, 2, 1, 0, 0), "enterprise": (1, 1, 1, 1, 1, 0, 0)}
BY_TRADE = {"ELEC": (2, 2, 5, 4, 2, 2, 1), "WELD": (1, 1, 2, 2, 2, 2, 1), "CNC": (1, 1, 1, 1, 1, 0, 0)}
BY_GENDER = {"male": (None, None, 5, 3, 2, 3, 2), "female": (None, None, 3, 2, 2, 1, 0)}
BY_AGE = {"to25": (None, None, 2, 1, 1, 1, 0), "26_35": (None, None, 1, 1, 1, 0, 0),
          "36_45": (None, None, 3, 1, 1, 2, 2), "46_55": (None, None, 1, 1, 1, 0, 0),
          "56up": (None, None, 1, 1, 1, 1, 0)}
BY_INDUSTRY = {"通用设备制造业": (1, 1, 6, 3, 1, 3, 2), "电力": (0, 0, 2, 2, 1, 1, 0), "": (2, 3, 0, 0, 0, 0, 0)}
EAST_2026 = (2, 2, 6, 3, 1, 3, 2)
WEST_2026 = (0, 0, 2, 2, 1, 1, 0)
PLANT_2026 = (1, 1, 6, 3, 1, 3, 2)
CITY_2025 = (1, 1, 2, 2, 2, 0, 0)
CITY_2027 = (1, 1, 1, 1, 1, 0, 0)
# Promotions (approved skill-level flags): A's 电工 first prize only, in every scope and key it falls in.
PROMOTIONS_2026 = {("city", "total", ""): 1, ("east", "total", ""): 1, ("plant", "total", ""): 1,
                   ("west", "total", ""): 0, ("city", "trade", "ELEC"): 1, ("city", "trade", "WELD"): 0,
                   ("city", "gender", "male"): 1, ("city", "age_band", "36_45"): 1, ("city", "level", "city"): 1}


def _comp(org, name, *, year, level, kind, starts, ends, status="results", cls="I"):
    comp = f.competition(org, name=name, year=year, level=level, kind=kind, starts_on=starts, ends_on=ends)
    comp.competition_class = cls
    return comp, status


def _register(ev, worker, status):
    reg = Registration(event_id=ev.id, worker_id=worker.id, status=status)
    db.session.add(reg)
    db.session.flush()
    return reg


def _final(comp, lines, status="final", absent=()):
    """A results snapshot of ``comp`` in ``status`` with one line per (registration, total, disqualified, prize).

    ``absent``: the registrations whose lines are marked absent (缺考).
    """
    snapshot = ResultSnapshot(competition_id=comp.id, version=1, status=status,
                              computed_at=datetime(2026, 6, 11, tzinfo=UTC))
    db.session.add(snapshot)
    db.session.flush()
    for position, (reg, total, disqualified, prize) in enumerate(lines, start=1):
        db.session.add(ResultEntry(snapshot_id=snapshot.id, event_id=reg.event_id, registration_id=reg.id,
                                   position=position, rank=position if total is not None else None,
                                   disqualified=disqualified, prize=prize, absent=reg in absent,
                                   total=Decimal(total) if total is not None else None, worker_id=reg.worker_id))
    db.session.flush()


def _flag(comp, reg, kind, status):
    from competitions.promotion.models import PromotionFlag

    db.session.add(PromotionFlag(competition_id=comp.id, event_id=reg.event_id, registration_id=reg.id,
                                 worker_id=reg.worker_id, year=comp.year, kind=kind,
                                 target="technician" if kind == "level" else "技术能手", status=status))
    db.session.flush()


def known_year() -> dict:
    """Write the dataset above (flushes); returns the orgs and competitions by short name."""
    orgs = f.org_tree()
    plant, works = orgs["plant"], orgs["works"]
    a = f.worker(plant, name="甲", gender="male", born=date(1990, 3, 1))
    b = f.worker(plant, name="乙", gender="female", born=date(2003, 8, 1))
    c = f.worker(works, name="丙", gender="male", born=date(1968, 1, 1))
    d = f.worker(works, name="丁", gender="female", born=date(1995, 12, 31))
    e = f.worker(plant, name="戊", gender="male", born=date(1980, 6, 1))

    comps = {}
    comp1, _ = _comp(orgs["city"], "2026年测试市职工技能大赛", year=2026, level="city", kind="skills",
                     starts=date(2026, 6, 8), ends=date(2026, 6, 10))
    elec = f.event(comp1, trade_name="电工", trade_code="ELEC")
    weld = f.event(comp1, trade_name="焊工", trade_code="WELD")
    r_a1, r_b1 = _register(elec, a, "approved"), _register(elec, b, "approved")
    _register(elec, c, "withdrawn")
    r_d1 = _register(elec, d, "approved")
    r_a2, r_c2 = _register(weld, a, "approved"), _register(weld, c, "approved")
    _register(weld, e, "rejected")
    _final(comp1, [(r_a1, "95.5", False, "first"), (r_b1, "80", False, None), (r_d1, "40", False, None),
                   (r_a2, "90", False, "second"), (r_c2, None, True, None)], absent=(r_d1,))
    comps["city"] = comp1

    comp2, _ = _comp(orgs["east"], "2026年东区劳动竞赛", year=2026, level="district", kind="labor",
                     starts=date(2026, 8, 30), ends=date(2026, 9, 1), cls="II")
    ev2 = f.event(comp2, trade_name="电工", trade_code="ELEC")
    r_a3, r_e3 = _register(ev2, a, "approved"), _register(ev2, e, "approved")
    _final(comp2, [(r_a3, "70", False, None), (r_e3, "88", False, "third")], status="published")
    comps["district"] = comp2

    comp3, _ = _comp(plant, "2025年机床厂创新大赛", year=2025, level="enterprise", kind="innovation",
                     starts=date(2025, 12, 20), ends=date(2026, 1, 5), cls="II")
    ev3 = f.event(comp3, trade_name="数控车工", trade_code="CNC")
    _register(ev3, b, "approved")
    _register(ev3, e, "pending")
    comps["cross_in"] = comp3

    comp4, _ = _comp(works, "2026年电力公司岗位练兵", year=2026, level="enterprise", kind="skills",
                     starts=date(2026, 12, 28), ends=date(2027, 1, 3), cls="II")
    _register(f.event(comp4, trade_name="电工", trade_code="ELEC"), d, "approved")
    comps["cross_out"] = comp4

    comp5, _ = _comp(orgs["west"], "2026年西区草稿", year=2026, level="district", kind="skills",
                     starts=date(2026, 10, 1), ends=date(2026, 10, 2))
    f.event(comp5, trade_name="焊工", trade_code="WELD")
    comps["draft"] = comp5

    comp6, _ = _comp(orgs["city"], "2025年测试市职工技能大赛", year=2025, level="city", kind="skills",
                     starts=date(2025, 4, 28), ends=date(2025, 5, 1))
    ev6 = f.event(comp6, trade_name="电工", trade_code="ELEC")
    _register(ev6, a, "approved")
    _register(ev6, c, "approved")
    comps["last_year"] = comp6

    # A's first prize earned an approved promotion (counted), B's is awaiting review, A's second an honour title.
    _flag(comp1, r_a1, "level", "approved")
    _flag(comp1, r_b1, "level", "pending")
    _flag(comp1, r_a2, "honour", "approved")

    for key, comp in comps.items():
        comp.status = "draft" if key == "draft" else "results"
    db.session.flush()
    return {**orgs, **comps, "workers": {"A": a, "B": b, "C": c, "D": d, "E": e}}


# --- labour competitions and innovation contests (issue 15 §4); the hand count is in test_stats_labour_innovation


def labour_comp(org, name, *, kind, ends, status="in_progress"):
    comp = f.competition(org, name=name, year=ends.year, level="district", kind=kind,
                         starts_on=date(ends.year, 1, 10), ends_on=ends)
    comp.status = status
    return comp


def labour_unit(comp, code, org, members, *, withdrawn=False, headcount=0):
    unit = LabourUnit(competition_id=comp.id, code=code, name=f"{code} 标段", kind="section",
                      organization_id=org.id if org else None, headcount=headcount,
                      withdrawn_at=datetime(2026, 6, 1, tzinfo=UTC) if withdrawn else None)
    db.session.add(unit)
    db.session.flush()
    for worker in members:
        db.session.add(LabourUnitMember(unit_id=unit.id, worker_id=worker.id))
    return unit


def _labour_period(comp, number, status, month):
    period = LabourPeriod(competition_id=comp.id, number=number, name=f"{month}月", starts_on=date(2026, month, 1),
                          ends_on=date(2026, month, 28), status=status)
    db.session.add(period)
    db.session.flush()
    return period


def _innovation_entry(comp, event, number, employer, lead, status, *, submitted=True, realized=None, claimed=None):
    db.session.add(InnovationEntry(
        competition_id=comp.id, event_id=event.id, number=number, title=f"创新成果 {number}", category="technical",
        status=status, lead_worker_id=lead.id, employer_id=employer.id,
        submitted_at=datetime(2026, 10, 1, tzinfo=UTC) if submitted else None,
        realized_benefit_yuan=realized, claimed_benefit_yuan=claimed))


def labour_innovation_year() -> dict:
    """Write the labour and innovation year described in tests/web/test_stats_labour_innovation.py (flushes)."""
    orgs = f.org_tree()
    plant, works, east = orgs["plant"], orgs["works"], orgs["east"]
    people = {name: f.worker(plant if name in "ABCD" else works, name=f"工人{name}") for name in "ABCDEFG"}
    a, b, c, d, e, g = (people[n] for n in "ABCDEG")
    labour = labour_comp(east, "地铁7号线劳动竞赛", kind="labor", ends=date(2026, 9, 30))
    u1 = labour_unit(labour, "S1", plant, (a, b, c))
    labour_unit(labour, "S5", plant, (b,))
    labour_unit(labour, "S2", None, (d,), headcount=50)  # names one of 50: the headcount counts
    labour_unit(labour, "S7", works, (), headcount=30)    # no one named: its headcount counts
    labour_unit(labour, "S3", works, (e, people["F"]), withdrawn=True)
    u4 = labour_unit(labour, "S4", works, (a,), withdrawn=True)
    may, june = _labour_period(labour, 1, "signed_off", 5), _labour_period(labour, 2, "assessed", 6)
    _labour_period(labour, 3, "open", 7)
    group = LabourIndicatorGroup(competition_id=labour.id, code="ORG", name="组织", max_points=Decimal(20))
    db.session.add(group)
    db.session.flush()
    indicator = LabourIndicator(competition_id=labour.id, group_id=group.id, code="O1", name="组织领导",
                                max_points=Decimal(20))
    db.session.add(indicator)
    db.session.flush()
    assessor = f.user("assessor", "judge", org=east)
    db.session.add(LabourScore(period_id=may.id, unit_id=u4.id, indicator_id=indicator.id, assessor_id=assessor.id,
                               value=Decimal(15), points=Decimal(15)))
    db.session.add_all([
        LabourVeto(period_id=may.id, unit_id=u1.id, category="safety_accident", reason="高处坠落",
                   document_ref="安监〔2026〕5号"),
        LabourVeto(period_id=june.id, unit_id=u1.id, category="fight", reason="斗殴", document_ref="X-1",
                   voided_at=datetime(2026, 7, 2, tzinfo=UTC)),
        LabourVeto(period_id=may.id, unit_id=u4.id, category="quality_accident", reason="混凝土强度不足",
                   document_ref="质监〔2026〕9号"),
    ])
    draft = labour_comp(orgs["west"], "西区草稿劳动竞赛", kind="labor", ends=date(2026, 10, 1), status="draft")
    labour_unit(draft, "W1", works, (g,))
    last_year = labour_comp(east, "2025年劳动竞赛", kind="labor", ends=date(2025, 6, 30))
    labour_unit(last_year, "S1", plant, (a,))

    contest = labour_comp(orgs["city"], "2026年职工创新大赛", kind="innovation", ends=date(2026, 11, 30),
                          status="draft")
    event = f.event(contest, trade_name="创新成果", trade_code="INNO")
    contest.status = "in_progress"
    _innovation_entry(contest, event, "CX-1", plant, a, "implemented", realized=Decimal("12000.50"),
                      claimed=Decimal(90000))
    _innovation_entry(contest, event, "CX-2", plant, b, "adopted", claimed=Decimal(50000))
    _innovation_entry(contest, event, "CX-6", plant, c, "implemented")
    _innovation_entry(contest, event, "CX-3", works, e, "passed")
    _innovation_entry(contest, event, "CX-4", works, e, "draft", submitted=False)
    _innovation_entry(contest, event, "CX-5", works, g, "withdrawn")
    _innovation_entry(contest, event, "CX-7", works, g, "not_adopted")
    db.session.flush()
    return orgs


