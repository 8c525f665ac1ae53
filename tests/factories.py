"""Small factories for web tests: each builds real rows through the services and flushes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from competitions.auth.services import create_user
from competitions.domain.identity import make_national_id
from competitions.domain.schemes import CriterionDraft, PartDraft, SchemeDraft
from competitions.extensions import db
from competitions.organize import services as organize
from competitions.orgs.models import Worker
from competitions.orgs.services import create_organization

PASSWORD = "lathe-bench-2026"


def org_tree():
    """A city federation with two districts and an enterprise under each; returns a dict by short name."""
    city = create_organization(name="测试市总工会", kind="federation", parent_id=None, region="测试市")
    east = create_organization(name="东区总工会", kind="district", parent_id=city.id, region="东区")
    west = create_organization(name="西区总工会", kind="district", parent_id=city.id, region="西区")
    plant = create_organization(name="东区机床厂工会", kind="enterprise", parent_id=east.id, region="东区",
                                industry="通用设备制造业")
    works = create_organization(name="西区电力公司工会", kind="enterprise", parent_id=west.id, region="西区",
                                industry="电力")
    db.session.flush()
    return {"city": city, "east": east, "west": west, "plant": plant, "works": works}


def user(username: str, *roles: str, org=None, password: str = PASSWORD):
    """An account with ``roles`` in ``org``."""
    return create_user(username=username, display_name=username.title(), password=password,
                       roles=roles or ("competitor",), organization_id=org.id if org else None)


def competition(org, *, name="2026年测试市职工技能大赛", year=2026, status="draft", level="city", kind="skills",
                opens=None, closes=None, starts_on=date(2026, 12, 15), ends_on=date(2026, 12, 17)):
    """A competition of ``org``; moved to ``status`` through the life cycle when it has events."""
    closes = closes or datetime.combine(starts_on - timedelta(days=2), datetime.min.time(), UTC)
    opens = opens or min(datetime.now(UTC) - timedelta(days=1), closes - timedelta(days=30))
    data = organize.CompetitionData(
        name=name, year=year, level=level, competition_class="I", kind=kind, organization_id=org.id,
        starts_on=starts_on, ends_on=ends_on,
        registration_opens_at=opens, registration_closes_at=closes,
    )
    comp = organize.create_competition(data, created_by_id=None)
    return comp


def scheme_draft(theory=30, practical=70, judges=3, aggregation="mean") -> SchemeDraft:
    """A two-part scheme: one theory test and two practical criteria."""
    return SchemeDraft(
        parts=(
            PartDraft("theory", "理论知识", Decimal(theory)),
            PartDraft("practical", "技能操作", Decimal(practical)),
        ),
        criteria=(
            CriterionDraft("theory", "T1", "笔试", Decimal(100), Decimal(1), "measurement", "mean", 1),
            CriterionDraft("practical", "P1", "安装调试", Decimal(60), Decimal("0.5"), "judgement", aggregation,
                           judges),
            CriterionDraft("practical", "P2", "安全文明", Decimal(40), Decimal("0.5"), "judgement", aggregation,
                           judges),
        ),
        tie_break=("part:practical",),
    )


def event(comp, *, trade_name="电工", trade_code="ELEC", group="workers", capacity=40, with_scheme=True, **extra):
    """An event of ``comp``, with a valid marking scheme unless ``with_scheme`` is False."""
    ev = organize.create_event(comp, organize.EventData(trade_name=trade_name, trade_code=trade_code, group=group,
                                                        capacity=capacity, **extra))
    if with_scheme:
        organize.save_scheme(ev, scheme_draft(), organize.AwardRuleData("bands", Decimal(1), Decimal(2), Decimal(3)))
    return ev


_sequence = iter(range(1, 100000))


def worker(employer, *, name="张伟", gender="male", born=date(1990, 5, 17), skill_level=3, is_student=False,
           user_account=None):
    """A worker with a valid national ID number, employed by ``employer``."""
    w = Worker(name=name, gender=gender, birth_date=born,
               national_id=make_national_id("370102", born, next(_sequence) % 500, gender),
               phone="13800138000", employer_id=employer.id, skill_level=skill_level, is_student=is_student,
               user_id=user_account.id if user_account else None)
    db.session.add(w)
    db.session.flush()
    return w


def open_competition(org, *, capacity=40, opens=None, closes=None, **event_extra):
    """A competition of ``org`` with one event (电工, workers), moved to status "open"; returns (comp, event)."""
    comp = competition(org, opens=opens, closes=closes)
    ev = event(comp, capacity=capacity, **event_extra)
    organize.change_status(comp, "open")
    db.session.flush()
    return comp, ev


# ---- results (appended by the results helper) ------------------------------------------------------

def results_competitor(ev, employer, *, name, code, station):
    """An approved registration of a new worker for ``ev`` with an anonymous code and a station."""
    from competitions.registration.models import Registration

    reg = Registration(event_id=ev.id, worker_id=worker(employer, name=name).id, status="approved", station=station,
                       anonymous_code=code)
    db.session.add(reg)
    db.session.flush()
    return reg


def results_marks(ev, reg, judges, *, theory, p1, p2):
    """Marks for the scheme of ``scheme_draft``: T1 by the first judge, P1 and P2 by each judge (one value each).

    ``p1``/``p2`` are a single value for every judge or a sequence with one value per judge.
    """
    from competitions.judging.models import Mark

    crit = {c.code: c.id for p in ev.parts for c in p.criteria}

    def per_judge(value):
        return list(value) if isinstance(value, list | tuple) else [value] * len(judges)

    rows = [Mark(registration_id=reg.id, criterion_id=crit["T1"], judge_id=judges[0].id, event_id=ev.id,
                 value=Decimal(str(theory)))]
    for code, values in (("P1", per_judge(p1)), ("P2", per_judge(p2))):
        for judge, value in zip(judges, values, strict=True):
            rows.append(Mark(registration_id=reg.id, criterion_id=crit[code], judge_id=judge.id, event_id=ev.id,
                             value=Decimal(str(value))))
    db.session.add_all(rows)
    db.session.flush()


def sign_off(ev, chief=None, *, locked=True):
    """The chief judge's sign-off row of ``ev``."""
    from competitions.judging.models import EventSignOff

    row = EventSignOff(event_id=ev.id, signed_by_id=chief.id if chief else None, locked=locked)
    db.session.add(row)
    db.session.flush()
    return row


def judging_competitor(ev, employer, *, code, station, name="参赛者"):
    """An approved registration of a new worker of ``employer`` with a station and an anonymous code."""
    from competitions.registration.models import Registration

    reg = Registration(event_id=ev.id, worker_id=worker(employer, name=name).id, status="approved",
                       station=station, anonymous_code=code)
    db.session.add(reg)
    db.session.flush()
    return reg


def judging_panel(ev, judges, chief=None, *, criterion_codes=None):
    """Assign ``judges`` to ``ev`` (all criteria, or only ``criterion_codes``) and name ``chief``."""
    from competitions.judging.services import assign_judge

    crit = {c.code: c.id for p in ev.parts for c in p.criteria}
    for judge in judges:
        for code in criterion_codes or [None]:
            assign_judge(ev, actor=None, user_id=judge.id, criterion_id=crit[code] if code else None)
    if chief is not None:
        assign_judge(ev, actor=None, user_id=chief.id, is_chief_judge=True)


# ---- certificates ----------------------------------------------------------------------------------

def certificate(registration, *, award="first", key_id="B", key=b"test-certificate-key-0002"):
    """An active award certificate of ``registration`` as issuing would write it (signed with the test key)."""
    from competitions.certificates.models import Certificate
    from competitions.domain.certificate_numbers import new_number

    ev = registration.event
    row = Certificate(number=new_number(key_id, key).compact, kind="award", source=f"award:{registration.id}",
                      active_source=f"award:{registration.id}", competition_id=ev.competition_id, event_id=ev.id,
                      registration_id=registration.id, worker_id=registration.worker_id, snapshot_version=1,
                      name=registration.worker.name, employer=registration.worker.employer.name,
                      competition_name=ev.competition.name, event_name=ev.trade_name, event_group=ev.group,
                      award=award, issuer=ev.competition.organization.name, issue_date=date(2026, 12, 30))
    db.session.add(row)
    db.session.flush()
    return row


def certificate_batch(competition, requested_by, *, fmt="zip", language="zh"):
    """A queued certificate batch of ``competition`` asked for by ``requested_by``."""
    from competitions.certificates.models import CertificateBatch

    row = CertificateBatch(competition_id=competition.id, requested_by_id=requested_by.id, format=fmt,
                           language=language, status="queued", total=1)
    db.session.add(row)
    db.session.flush()
    return row


def seal_design(org, *, signatories=(("组委会主任", "王建国"),)):
    """A certificate design for ``org`` with a small red ring as its seal, through the service's checks."""
    import io

    from PIL import Image, ImageDraw

    from competitions.certificates.services import save_design

    image = Image.new("RGB", (200, 200), "white")
    ImageDraw.Draw(image).ellipse((8, 8, 192, 192), outline=(200, 20, 20), width=10)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return save_design(org, issuer="", signatories="\n".join(f"{r}：{n}" for r, n in signatories),
                       seal_upload=out.getvalue(), remove_seal=False, actor_id=None)


# ---- labour competitions (appended by the labour helper) -------------------------------------------

def labour_world(*, periods="month", organizer=False):
    """A metro-line labour competition of the city federation: the sample 100-point scorecard, four
    sections (S1 of the east machine plant, S2 of the west power company, S3 and S4 with no organization
    in the tree), monthly periods January to June 2026, and three assessors: ``a1`` (city federation,
    every unit and group), ``a2`` (employed by the east plant: recused from S1) and the chief ``chief``
    (city federation, scores the ORG group); with ``organizer``, also the city federation's organizer
    ``metro-org``. Returns a dict."""
    from competitions.labour import setup
    from competitions.labour.demo import build_metro_scorecard

    orgs = org_tree()
    admin = user("labour-admin", "admin")
    comp = competition(orgs["city"], name="地铁7号线建设劳动竞赛", kind="labor",
                       starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30))
    indicators = build_metro_scorecard(comp, actor=admin)
    units = [setup.add_unit(comp, setup.UnitData(code=f"S{n}", name=f"{n}标段", kind="section",
                                                 organization_id=org.id if org else None, headcount=100 + n),
                            actor=admin)
             for n, org in ((1, orgs["plant"]), (2, orgs["works"]), (3, None), (4, None))]
    period_rows = setup.generate_periods(comp, cadence=periods, actor=admin) if periods else []
    a1 = user("assessor-one", "judge", org=orgs["city"])
    a2 = user("assessor-two", "judge", org=orgs["plant"])
    chief = user("assessor-chief", "judge", org=orgs["city"])
    org_group = next(g for g in setup.groups_of(comp) if g.code == "ORG")
    setup.assign_assessor(comp, user_id=a1.id, group_id=None, unit_id=None, is_chief=False, actor=admin)
    setup.assign_assessor(comp, user_id=a2.id, group_id=None, unit_id=None, is_chief=False, actor=admin)
    setup.assign_assessor(comp, user_id=chief.id, group_id=org_group.id, unit_id=None, is_chief=True, actor=admin)
    world = {"orgs": orgs, "admin": admin, "competition": comp, "indicators": indicators, "units": units,
             "periods": period_rows, "a1": a1, "a2": a2, "chief": chief}
    if organizer:
        world["organizer"] = user("metro-org", "organizer", org=orgs["city"])
    db.session.flush()
    return world


def labour_signed_off_period(world, period, o1_by_unit: dict[str, str], *, vetoes=(), bonus=(), deductions=()):
    """Score ``period`` of ``labour_world()`` for every unit, differing only in indicator O1 (judged, 0-10 in
    halves: unit code -> points), add ``vetoes`` ((unit code, reason)), ``bonus``/``deductions`` ((unit code,
    points)), then close and sign it off. The other indicators take the metro scorecard's sample values
    (``GOOD`` in tests/web/test_labour_services.py): a unit's total is 78.10 + O1 (+ bonus − deductions)."""
    from competitions.labour import services

    good = {"O2": "8.5", "P1": "103.5", "P2": "2", "Q1": "98", "Q2": "7", "S1": "96", "S2": "6.5", "C1": "9",
            "I1": "4"}
    ind = world["indicators"]
    for unit in world["units"]:
        values = {**good, "O1": o1_by_unit[unit.code]}
        every = [services.ScoreInput(ind[c].id, v) for c, v in values.items()]
        services.record_scores(period, unit, assessor=world["a1"], entries=every)
        if unit.code != "S1":
            services.record_scores(period, unit, assessor=world["a2"], entries=every)
        services.record_scores(period, unit, assessor=world["chief"],
                               entries=[e for e in every if e.indicator_id in (ind["O1"].id, ind["O2"].id)])
    units = {u.code: u for u in world["units"]}
    for code, reason in vetoes:
        services.add_veto(period, services.VetoData(units[code].id, "safety_accident", reason, "事故快报〔2026〕1号"),
                          actor=world["admin"])
    for n, (code, points) in enumerate(bonus, start=1):
        services.add_adjustment(period, services.AdjustmentData(units[code].id, "bonus", points, "owner", f"业主{n}",
                                                                reason="提前完成节点"), actor=world["admin"])
    for n, (code, points) in enumerate(deductions, start=1):
        services.add_adjustment(period, services.AdjustmentData(units[code].id, "deduction", points, "supervisor",
                                                                f"监理通报第{n}项", reason="围挡破损未及时修复"),
                                actor=world["admin"])
    services.close_assessment(period, actor=world["chief"])
    services.sign_off(period, actor=world["chief"])
    db.session.flush()
    return period


def worker_name(i: int) -> str:
    """A person's name for row ``i`` of a test roster: 职工 and the digits spelt out (职工一二), as a name has no
    digits (``inputs.person_name``)."""
    return "职工" + "".join("零一二三四五六七八九"[int(d)] for d in str(i))
