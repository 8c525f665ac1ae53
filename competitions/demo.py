"""Demo data: a city federation, its districts and enterprises, people, and a city skills contest.

Everything is created through the same services the pages use, and looked up
by name first, so loading twice changes nothing. Names, trades and marking
schemes follow what a real city contest publishes: theory 30 / practical 70
for electricians, 20 / 80 for welders, three parts for robot operators.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from competitions.auth.models import User
from competitions.auth.services import create_user
from competitions.domain.errors import NotAllowed, ReadingTaken
from competitions.domain.identity import make_national_id
from competitions.domain.schemes import CriterionDraft, PartDraft, SchemeDraft
from competitions.extensions import db
from competitions.organize import services as organize
from competitions.organize.models import Competition, Event
from competitions.orgs.models import Organization, Worker
from competitions.orgs.services import create_organization

CITY = "海州市总工会"
DISTRICTS = [("东城区总工会", "东城区"), ("西湖区总工会", "西湖区"), ("高新区总工会", "高新区")]
ENTERPRISES = [
    ("海州电力有限公司工会", "东城区总工会", "电力、热力生产和供应业"),
    ("海州重型机械厂工会", "东城区总工会", "通用设备制造业"),
    ("海州汽车制造有限公司工会", "西湖区总工会", "汽车制造业"),
    ("海州轨道交通集团工会", "西湖区总工会", "城市轨道交通"),
    ("海州化工股份有限公司工会", "西湖区总工会", "化学原料和化学制品制造业"),
    ("海州建设工程集团工会", "高新区总工会", "建筑业"),
    ("海州智能装备有限公司工会", "高新区总工会", "专用设备制造业"),
    ("海州技师学院工会", "高新区总工会", "教育"),
]
REGION_CODES = {"东城区": "370202", "西湖区": "370203", "高新区": "370211"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "华",
         "建国", "建华", "志强", "海燕", "丽娟", "国庆", "红梅", "晓东", "文博", "思远", "宇航", "子涵", "浩然",
         "俊杰", "雪梅", "立新", "振华", "春生", "德胜", "卫东", "永刚", "桂兰", "玉兰"]
PASSWORD = "demo2026"

DEMO_USERS = [
    ("admin", "系统管理员", ("admin",), CITY),
    ("organizer", "市总工会 赵敏", ("organizer",), CITY),
    ("dongcheng", "东城区总工会 钱立", ("organizer",), "东城区总工会"),
    ("chief", "孙建国", ("judge",), "海州重型机械厂工会"),
    ("judge1", "李强", ("judge",), "海州电力有限公司工会"),
    ("judge2", "周红梅", ("judge",), "海州汽车制造有限公司工会"),
    ("judge3", "吴志强", ("judge",), "海州建设工程集团工会"),
    ("judge4", "郑海燕", ("judge",), "海州轨道交通集团工会"),
    ("judge5", "王振华", ("judge",), "海州智能装备有限公司工会"),
]

EVENTS = [
    {
        "trade_name": "电工", "trade_code": "ELEC", "capacity": 40, "target_level": 2, "required_level": 3,
        "parts": [("theory", "理论知识", 30), ("practical", "技能操作", 70)],
        "criteria": [
            ("theory", "T1", "理论知识笔试", 100, "1", "measurement", "mean", 1),
            ("practical", "P1", "电气控制线路安装与调试", 40, "0.5", "judgement", "trimmed", 5),
            ("practical", "P2", "PLC 编程与变频器应用", 35, "0.5", "judgement", "trimmed", 5),
            ("practical", "P3", "故障排查", 15, "0.5", "judgement", "mean", 3),
            ("practical", "P4", "安全文明生产", 10, "0.5", "judgement", "median", 3),
        ],
        "tie_break": ["part:practical", "time_used"],
    },
    {
        "trade_name": "焊工", "trade_code": "WELD", "capacity": 30, "target_level": 2, "required_level": 3,
        "parts": [("theory", "理论知识", 20), ("practical", "技能操作", 80)],
        "criteria": [
            ("theory", "T1", "理论知识笔试", 100, "1", "measurement", "mean", 1),
            ("practical", "P1", "板对接焊外观", 30, "0.5", "judgement", "trimmed", 5),
            ("practical", "P2", "管对接焊射线探伤", 40, "1", "measurement", "mean", 1),
            ("practical", "P3", "弯曲试验", 20, "1", "measurement", "mean", 1),
            ("practical", "P4", "安全文明生产", 10, "0.5", "judgement", "median", 3),
        ],
        "tie_break": ["part:practical", "part:theory"],
    },
    {
        "trade_name": "数控车工", "trade_code": "CNC", "capacity": 30, "target_level": 2, "required_level": 3,
        "parts": [("theory", "理论知识", 30), ("practical", "技能操作", 70)],
        "criteria": [
            ("theory", "T1", "理论知识笔试", 100, "1", "measurement", "mean", 1),
            ("practical", "P1", "尺寸精度", 50, "0.5", "measurement", "mean", 1),
            ("practical", "P2", "表面粗糙度与形位公差", 30, "0.5", "measurement", "mean", 1),
            ("practical", "P3", "工艺与编程", 20, "0.5", "judgement", "mean", 3),
        ],
        "tie_break": ["part:practical", "time_used"],
    },
    {
        "trade_name": "工业机器人系统操作员", "trade_code": "ROBOT", "capacity": 24, "target_level": 3,
        "required_level": 4,
        "parts": [("theory", "理论知识", 25), ("practical", "技能操作", 55), ("safety", "职业素养", 20)],
        "criteria": [
            ("theory", "T1", "理论知识笔试", 100, "1", "measurement", "mean", 1),
            ("practical", "P1", "机器人示教编程", 60, "0.5", "judgement", "trimmed", 5),
            ("practical", "P2", "视觉系统调试", 40, "0.5", "judgement", "trimmed", 5),
            ("safety", "S1", "安全操作规范", 50, "0.5", "judgement", "median", 3),
            ("safety", "S2", "现场 6S 管理", 50, "0.5", "judgement", "median", 3),
        ],
        "tie_break": ["part:practical", "part:safety", "time_used"],
    },
]


def _org(name: str) -> Organization | None:
    return db.session.execute(select(Organization).where(Organization.name == name)).scalar_one_or_none()


def _load_orgs() -> None:
    if _org(CITY) is None:
        create_organization(name=CITY, kind="federation", parent_id=None, region="海州市", industry="")
    city = _org(CITY)
    for name, region in DISTRICTS:
        if _org(name) is None:
            create_organization(name=name, kind="district", parent_id=city.id, region=region)
    for name, district, industry in ENTERPRISES:
        if _org(name) is None:
            parent = _org(district)
            create_organization(name=name, kind="enterprise", parent_id=parent.id, region=parent.region,
                                industry=industry)


def _load_users() -> list[tuple[str, str, str]]:
    logins = []
    for username, display, roles, org_name in DEMO_USERS:
        if db.session.execute(select(User).where(User.username == username)).scalar_one_or_none() is None:
            create_user(username=username, display_name=display, password=PASSWORD, roles=roles,
                        organization_id=_org(org_name).id)
        logins.append((username, PASSWORD, "/".join(roles)))
    return logins


def _load_workers(count: int = 64) -> list[tuple[str, str, str]]:
    """Workers with valid ID numbers spread over the enterprises; the first two get logins."""
    rng = random.Random(2026)
    enterprises = [_org(name) for name, _d, _i in ENTERPRISES]
    logins = []
    for i in range(count):
        employer = enterprises[i % len(enterprises)]
        is_student = employer.name == "海州技师学院工会"
        # Draw every random value before deciding to skip, so a second run sees the same people.
        gender = "male" if rng.random() < 0.78 else "female"
        born = date(2004 if is_student else rng.randint(1972, 2000), rng.randint(1, 12), rng.randint(1, 28))
        phone = f"13{rng.randint(100000000, 999999999)}"
        level = rng.choice((4, 3, 3, 3, 2))
        cert = rng.randint(10**9, 10**10 - 1)
        national_id = make_national_id(REGION_CODES[employer.region], born, 100 + i, gender)
        if db.session.execute(select(Worker.id).where(Worker.national_id == national_id)).first():
            continue
        worker = Worker(
            name=SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)], gender=gender, birth_date=born,
            national_id=national_id, phone=phone, employer_id=employer.id,
            skill_level=None if is_student else level,
            certificate_no="" if is_student else f"S{born.year % 100:02d}{cert}", is_student=is_student,
        )
        db.session.add(worker)
        if i < 2:
            user = create_user(username=f"worker{i + 1}", display_name=worker.name, password=PASSWORD,
                               roles=("competitor",), organization_id=employer.id)
            worker.user_id = user.id
    db.session.flush()
    for i in range(2):
        logins.append((f"worker{i + 1}", PASSWORD, "competitor"))
    return logins


def _scheme(spec: dict) -> tuple[SchemeDraft, organize.AwardRuleData]:
    draft = SchemeDraft(
        parts=tuple(PartDraft(code, name, Decimal(w)) for code, name, w in spec["parts"]),
        criteria=tuple(
            CriterionDraft(part, code, name, Decimal(mx), Decimal(step), kind, agg, judges)
            for part, code, name, mx, step, kind, agg, judges in spec["criteria"]
        ),
        tie_break=tuple(spec["tie_break"]),
    )
    return draft, organize.AwardRuleData("bands", Decimal(1), Decimal(2), Decimal(3))


def _load_competition(name: str, year: int, status: str, organizer: User) -> Competition:
    existing = db.session.execute(select(Competition).where(Competition.name == name)).scalar_one_or_none()
    if existing:
        return existing
    data = organize.CompetitionData(
        name=name, year=year, level="city", competition_class="I", kind="skills",
        organization_id=_org(CITY).id, starts_on=date(year, 12, 15), ends_on=date(year, 12, 17),
        registration_opens_at=datetime(year, 11, 1, 1, 0, tzinfo=UTC),
        registration_closes_at=datetime(year, 12, 10, 10, 0, tzinfo=UTC),
        description=f"{year}年海州市职工职业技能大赛由海州市总工会主办，设电工、焊工、数控车工、工业机器人系统操作员四个竞赛项目。"
                    "各项目决赛第一名且符合条件者，按规定晋升技师或高级技师职业资格。",
    )
    competition = organize.create_competition(data, created_by_id=organizer.id)
    for spec in EVENTS:
        event = organize.create_event(competition, organize.EventData(
            trade_name=spec["trade_name"], trade_code=spec["trade_code"], group="workers",
            capacity=spec["capacity"], target_level=spec["target_level"], required_level=spec["required_level"],
            min_age=18, max_age=60, starts_on=date(year, 12, 15), ends_on=date(year, 12, 16),
        ))
        organize.save_scheme(event, *_scheme(spec))
    students = organize.create_event(competition, organize.EventData(
        trade_name="电工", trade_code="ELEC", group="students", capacity=20, min_age=16, max_age=25,
        starts_on=date(year, 12, 17), ends_on=date(year, 12, 17)))
    organize.save_scheme(students, *_scheme(EVENTS[0]))
    if status != "draft":
        organize.change_status(competition, "open")
    if status == "archived":
        for step in ("closed", "in_progress", "results", "archived"):
            organize.change_status(competition, step)
    return competition


def _load_district_draft(organizer: User) -> None:
    name = "2026年东城区“安康杯”劳动竞赛"
    if db.session.execute(select(Competition.id).where(Competition.name == name)).first():
        return
    organize.create_competition(organize.CompetitionData(
        name=name, year=2026, level="district", competition_class="II", kind="labor",
        organization_id=_org("东城区总工会").id, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31),
        registration_opens_at=None, registration_closes_at=None,
        description="安全生产主题劳动竞赛，面向东城区各企业班组。",
    ), created_by_id=organizer.id)


# Two more contests, so every stage can be tried at once: one on contest day (judges mark on the tablet;
# judge1 has not started), one whose results are on public notice (public pages, venue board, exports).
CONTEST_DAY = "2026年海州市“振兴杯”青年职工技能竞赛"
ON_NOTICE = "2026年海州市电力行业职工技能竞赛（团体赛）"
DEMO_SCHEME = {
    "parts": [("theory", "理论知识", 30), ("practical", "技能操作", 70)],
    "criteria": [
        ("theory", "T1", "理论知识笔试", 100, "1", "measurement", "mean", 1),
        ("practical", "P1", "电气控制线路安装与调试", 50, "0.5", "judgement", "mean", 3),
        ("practical", "P2", "故障排查", 30, "0.5", "judgement", "median", 3),
        ("practical", "P3", "安全文明生产", 20, "0.5", "judgement", "mean", 3),
    ],
    "tie_break": ["part:practical"],
}
PANEL = ("judge1", "judge2", "judge3", "judge4", "judge5")


def _user(username: str) -> User:
    return db.session.execute(select(User).where(User.username == username)).scalar_one()


def _demo_contest(name: str, *, competitors: int, team_size: int | None, organizer: User) -> Event | None:
    """A city contest with one electricians' event, drawn and judged by the demo panel; None if it exists."""
    from competitions.judging import services as judging
    from competitions.registration import services as registration

    if db.session.execute(select(Competition.id).where(Competition.name == name)).first():
        return None
    competition = organize.create_competition(organize.CompetitionData(
        name=name, year=2026, level="city", competition_class="II", kind="skills",
        organization_id=_org(CITY).id, starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 30),
        registration_opens_at=datetime(2026, 10, 1, 1, 0, tzinfo=UTC),
        registration_closes_at=datetime(2026, 11, 10, 10, 0, tzinfo=UTC),
        description="海州市总工会主办，决赛在海州技师学院实训基地举行。",
    ), created_by_id=organizer.id)
    event = organize.create_event(competition, organize.EventData(
        trade_name="电工", trade_code="ELEC", group="workers", capacity=40, min_age=18, max_age=60,
        starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 20), is_team=team_size is not None,
        team_size=team_size or 1))
    organize.save_scheme(event, *_scheme(DEMO_SCHEME))
    organize.change_status(competition, "open")
    workers = db.session.execute(
        select(Worker).where(Worker.is_student.is_(False)).order_by(Worker.id)).scalars().all()
    if team_size is None:
        chosen = workers[:competitors]
    else:  # each enterprise sends one team
        by_employer: dict[int, list[Worker]] = {}
        for worker in workers:
            by_employer.setdefault(worker.employer_id, []).append(worker)
        chosen = [w for members in by_employer.values() for w in members[:team_size]][:competitors]
    entered = []
    for worker in chosen:
        reg = registration.enter(event, worker, waitlisted=False, source="roster", submitted_by_id=organizer.id)
        if team_size is not None:
            employer = db.session.get(Organization, worker.employer_id).name
            reg.team_name = employer.removeprefix("海州").removesuffix("工会") + "代表队"
        entered.append(reg)
    registration.decide(entered, "approve", "", organizer, datetime(2026, 11, 5, 2, 0, tzinfo=UTC))
    organize.change_status(competition, "closed")
    registration.draw_event(event, organizer, seed=f"{name}-stations", code_seed=f"{name}-codes")
    organize.change_status(competition, "in_progress")
    criteria = {c.code: c for part in event.parts for c in part.criteria}
    judging.assign_judge(event, actor=organizer, user_id=_user("chief").id, is_chief_judge=True)
    for username in PANEL[:2]:  # the written test is read by two judges (each is recused from their own people)
        judging.assign_judge(event, actor=organizer, user_id=_user(username).id, criterion_id=criteria["T1"].id)
    for username in PANEL:
        for code in ("P1", "P2", "P3"):
            judging.assign_judge(event, actor=organizer, user_id=_user(username).id, criterion_id=criteria[code].id)
    db.session.flush()
    return event


def _demo_marks(event: Event, judges: list[User], competitors: int | None = None) -> None:
    """Marks from ``judges`` for the first ``competitors`` (by station) on every criterion they cover."""
    from competitions.judging import services as judging

    rng = random.Random(event.id)
    people = judging.judging_competitors(event.id)[:competitors]
    ability = {r.id: rng.uniform(0.55, 0.95) for r in people}
    for judge in judges:
        strictness = rng.uniform(-0.04, 0.04)
        for criterion in judging.judge_criteria(event, judge.id):
            for reg in people:
                share = ability[reg.id]  # a measurement reads the same whoever records it
                if criterion.kind == "judgement":
                    share = min(1.0, max(0.0, share + strictness + rng.uniform(-0.05, 0.05)))
                steps = (criterion.max_mark * Decimal(str(share)) / criterion.step).quantize(Decimal(1))
                value = steps * criterion.step
                try:
                    judging.submit_mark(judge, judging.MarkInput(reg.id, criterion.id, str(value), None,
                                                                  str(uuid.uuid5(uuid.NAMESPACE_URL, f"demo/{event.id}/"
                                                                                 f"{judge.id}/{criterion.id}/{reg.id}"))))
                except NotAllowed:
                    continue  # recused (same employer): this judge never marks this competitor
                except ReadingTaken:
                    continue  # a measurement taken once: another judge already recorded its reading


def _load_contest_day(organizer: User) -> None:
    event = _demo_contest(CONTEST_DAY, competitors=12, team_size=None, organizer=organizer)
    if event is not None:
        _demo_marks(event, [_user(u) for u in PANEL[1:]], competitors=8)


def _load_results_on_notice(organizer: User) -> None:
    from competitions.judging import services as judging
    from competitions.results import services as results
    from competitions.timezone import local_zone

    event = _demo_contest(ON_NOTICE, competitors=12, team_size=2, organizer=organizer)
    if event is None:
        return
    panel = [_user(u) for u in PANEL]
    _demo_marks(event, panel)
    for judge in panel:
        judging.submit_sheet(event, judge=judge)
    judging.sign_off_event(event, actor=_user("chief"))
    results.compute_provisional_results(event.competition, actor_id=organizer.id)
    results.publish_results(event.competition, actor_id=organizer.id, now=datetime.now(UTC), zone=local_zone())


FINAL = "2026年海州市“工匠杯”职工技能竞赛"
CITY_RULES = {
    "schema": "competitions.promotion.rule-set", "schema_version": 1,
    "name": "海州市职工技能竞赛技能人才晋升办法（2026年）", "issuer": CITY,
    "description": "市级二类竞赛：前6名晋升一级（最高至技师）；前3名授予“海州市技术能手”称号，"
                   "35岁及以下的推荐“海州市五一劳动奖章”，均须经审核。每人每年只通过竞赛晋升一次。",
    "rules": [
        {"key": "H1", "name": "市级二类前6名", "scope": {"levels": ["city"], "classes": ["II"]},
         "selection": {"kind": "rank", "rank_from": 1, "rank_to": 6},
         "conditions": {"passed_every_part": True, "person": "workers", "once_per_year": True},
         "outcomes": [{"kind": "one_up", "cap": "technician"}]},
        {"key": "H2", "name": "市级二类前3名", "scope": {"levels": ["city"], "classes": ["II"]},
         "selection": {"kind": "rank", "rank_from": 1, "rank_to": 3},
         "conditions": {"passed_every_part": True, "person": "workers"},
         "outcomes": [{"kind": "honour", "title": "海州市技术能手", "review": True}]},
        {"key": "H3", "name": "青年职工第一名", "scope": {"levels": ["city"]},
         "selection": {"kind": "rank", "rank_from": 1, "rank_to": 1},
         "conditions": {"passed_every_part": True, "max_age": 35, "person": "workers"},
         "outcomes": [{"kind": "nomination", "title": "海州市五一劳动奖章", "review": True}]},
    ],
}


def _load_promotion(organizer: User) -> None:
    """The city's promotion rule set (active), the two national presets, and a contest whose final results
    were evaluated: automatic promotions approved, honours and nominations awaiting review."""
    from competitions.judging import services as judging
    from competitions.promotion import rules
    from competitions.promotion.models import PromotionRuleSet
    from competitions.results import services as results
    from competitions.timezone import local_zone

    if not db.session.execute(select(PromotionRuleSet.id).where(PromotionRuleSet.name == CITY_RULES["name"])).first():
        row = rules.import_rule_set(json.dumps(CITY_RULES, ensure_ascii=False), organization_id=_org(CITY).id,
                                    actor_id=organizer.id)
        rules.set_active(row, True, actor_id=organizer.id)
        for code in ("workers_contest", "skills_contest"):
            rules.load_preset(code, organization_id=None, actor_id=organizer.id)
    event = _demo_contest(FINAL, competitors=10, team_size=None, organizer=organizer)
    if event is None:
        return
    panel = [_user(u) for u in PANEL]
    _demo_marks(event, panel)
    for judge in panel:
        judging.submit_sheet(event, judge=judge)
    judging.sign_off_event(event, actor=_user("chief"))
    results.compute_provisional_results(event.competition, actor_id=organizer.id)
    published = results.publish_results(event.competition, actor_id=organizer.id,
                                        now=datetime.now(UTC) - timedelta(days=40), zone=local_zone())
    results.finalize_results(published, actor_id=organizer.id, now=datetime.now(UTC))  # promotion runs here


def load_demo_data() -> list[tuple[str, str, str]]:
    """Create whatever part of the demo is missing; return the demo logins."""
    _load_orgs()
    logins = _load_users()
    logins += _load_workers()
    organizer = db.session.execute(select(User).where(User.username == "organizer")).scalar_one()
    _load_competition("2025年海州市职工职业技能大赛", 2025, "archived", organizer)
    _load_competition("2026年海州市职工职业技能大赛", 2026, "open", organizer)
    _load_district_draft(organizer)
    _load_contest_day(organizer)
    _load_results_on_notice(organizer)
    _load_promotion(organizer)
    from competitions.innovation.demo import load_innovation_demo
    from competitions.labour.demo import load_labour_demo
    from competitions.stats.demo import load_statistics_history

    labour = load_labour_demo(organizer, _org, _user)
    from competitions.labour_results.demo import load_publication_demo

    load_publication_demo(labour, organizer)
    load_innovation_demo(organizer)
    load_statistics_history(organizer)  # last: it compiles the years, labour and innovation figures too
    db.session.flush()
    return logins


def demo_event(trade_code: str = "ELEC") -> Event | None:
    """The 2026 demo event with ``trade_code`` for workers (used by tests and benchmarks)."""
    return db.session.execute(
        select(Event).join(Competition).where(Competition.name == "2026年海州市职工职业技能大赛",
                                              Event.trade_code == trade_code, Event.group == "workers")
    ).scalar_one_or_none()
