"""Synthetic data for the benchmarks: a whole city's year of contests, written straight into the app's tables.

The shape follows a city federation of trade unions (市总工会): 16 district
federations, about 2,000 enterprise unions (each with a region and an
industry, a few of them technician colleges whose members are students), and
in one year about 10,000 competitions -- most of them enterprise labour
competitions, some district contests, a few city-wide skills contests -- with
about three events (trades) each, a small marking scheme per event, and a
million registrations by some 600,000 distinct workers (a worker enters two
or three events in a year, and people enter contests of their own enterprise
or district, with city contests drawing from everywhere).

Writes go through SQLAlchemy Core: ``executemany`` of plain dicts, in chunks,
one transaction per chunk -- not the ORM one object at a time, which would
measure the unit of work instead of the database. Primary keys are assigned
here (continuing after the highest existing id), so rows can reference each
other without reading anything back; on PostgreSQL the id sequences are moved
past them afterwards. Everything is drawn from one ``random.Random(seed)``, and
every timestamp is derived from the year, so the same seed writes the same
rows.

The engine comes from a real application (``create_app("testing", ...)``), so
SQLite gets the app's pragmas (WAL, foreign keys, busy timeout).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Table, func, select, text
from sqlalchemy.engine import Engine

from competitions import create_app
from competitions.db import write_intent
from competitions.demo import GIVEN, SURNAMES
from competitions.domain.identity import CHECK_CHARACTERS, CHECK_WEIGHTS
from competitions.extensions import db

CHUNK_SIZE = 20_000
PASSWORD = "password123"  # noqa: S105 - the synthetic judges' password, as in tests/factories.py

DISTRICTS = ("市南区", "市北区", "李沧区", "崂山区", "城阳区", "黄岛区", "即墨区", "胶州市", "平度市", "莱西市",
             "高新区", "保税区", "东城区", "西城区", "北湖区", "南港区", "临港区", "经开区", "滨海区", "山前区")
INDUSTRIES = ("通用设备制造业", "汽车制造业", "电力、热力生产和供应业", "建筑业", "化学原料和化学制品制造业",
              "城市轨道交通", "铁路运输业", "专用设备制造业", "电气机械和器材制造业", "食品制造业", "纺织业",
              "医药制造业", "批发和零售业", "住宿和餐饮业", "信息传输、软件和信息技术服务业", "燃气生产和供应业",
              "水的生产和供应业", "道路运输业", "港口", "金属制品业")
SCHOOL_INDUSTRY = "教育"
SCHOOL_SHARE = 0.03
TRADES = (("ELEC", "电工"), ("WELD", "焊工"), ("CNC", "数控车工"), ("MILL", "数控铣工"), ("FITT", "钳工"),
          ("ROBOT", "工业机器人系统操作员"), ("PLC", "可编程控制系统设计师"), ("AUTO", "汽车维修工"),
          ("CHEM", "化工总控工"), ("INST", "仪器仪表维修工"), ("HVAC", "制冷空调系统安装维修工"),
          ("BOIL", "锅炉操作工"), ("CRANE", "起重装卸机械操作工"), ("TURN", "车工"), ("GRIND", "磨工"),
          ("ELEV", "电梯安装维修工"), ("NET", "网络与信息安全管理员"), ("COOK", "中式烹调师"), ("PAST", "中式面点师"),
          ("NURS", "养老护理员"), ("BEAU", "美容师"), ("HAIR", "美发师"), ("LOGI", "物流服务师"), ("BRICK", "砌筑工"),
          ("CARP", "木工"), ("PAINT", "油漆工"), ("PIPE", "管工"), ("SURV", "工程测量员"), ("QC", "质检员"),
          ("DRIVE", "汽车驾驶员"), ("RAIL", "轨道列车司机"), ("SUBS", "变电站运行值班员"), ("LINE", "送配电线路工"),
          ("WATER", "水生产处理工"), ("GAS", "燃气输送工"), ("BAKE", "西式面点师"), ("TAIL", "服装制版师"),
          ("3DP", "增材制造设备操作员"), ("DRONE", "无人机驾驶员"), ("AI", "人工智能训练师"))
LEVEL_SHARES = (("city", 0.02), ("district", 0.18), ("enterprise", 0.80))
KIND_SHARES = (("skills", 0.6), ("labor", 0.3), ("innovation", 0.1))
KIND_WORDS = {"skills": "职业技能竞赛", "labor": "劳动竞赛", "innovation": "创新大赛"}
STATUS_SHARES = (("approved", 0.85), ("pending", 0.05), ("rejected", 0.04), ("waitlisted", 0.03),
                 ("withdrawn", 0.03))
STUDENT_EVENT_SHARE = 0.05
# At most this many workers of one enterprise in one district or city event: such contests draw from many.
PIECE = 4
WORKER_SHARE = 0.6  # ~600,000 distinct people for 1,000,000 registrations


# -- engine, schema, bulk writes -----------------------------------------------------------------------------


def app_for(url: str):
    """An application on ``url`` (testing config), so the engine carries the app's SQLite pragmas."""
    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})


def engine_for(url: str) -> Engine:
    """The application's engine for ``url`` (usable outside an app context)."""
    with app_for(url).app_context():
        return db.engine


def create_schema(url: str) -> Engine:
    """Create every table of the application on ``url`` and return the engine."""
    with app_for(url).app_context():
        db.create_all()
        return db.engine


def table(name: str) -> Table:
    """The application's table called ``name``."""
    return db.metadata.tables[name]


def batched(rows: Iterable, size: int) -> Iterator[list]:
    """Consecutive lists of at most ``size`` items."""
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class Clock:
    """Seconds spent inside database writes, per table (generation time excluded)."""

    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, seconds: float, rows: int) -> None:
        """Count ``rows`` written to ``name`` in ``seconds``."""
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        self.rows[name] = self.rows.get(name, 0) + rows


def insert_rows(engine: Engine, name: str, rows: Iterable[dict], *, chunk_size: int = CHUNK_SIZE,
                clock: Clock | None = None) -> int:
    """Insert dict rows into table ``name``: executemany per chunk, one transaction per chunk; the row count."""
    statement = table(name).insert()
    total = 0
    for chunk in batched(rows, chunk_size):
        began = time.perf_counter()
        with write_intent(), engine.begin() as connection:
            connection.execute(statement, chunk)
        if clock is not None:
            clock.add(name, time.perf_counter() - began, len(chunk))
        total += len(chunk)
    return total


def next_id(engine: Engine, name: str) -> int:
    """The first free primary key of table ``name`` (ids are assigned here, not by the database)."""
    with engine.connect() as connection:
        return (connection.execute(select(func.max(table(name).c.id))).scalar() or 0) + 1


def sync_sequences(engine: Engine, names: Iterable[str]) -> None:
    """On PostgreSQL, move each table's id sequence past the ids written explicitly (no-op on SQLite)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for name in names:
            quoted = connection.dialect.identifier_preparer.quote(name)
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence(:table, 'id'), max(id)) FROM {quoted} HAVING max(id) IS NOT NULL"
            ), {"table": quoted})


# -- people ----------------------------------------------------------------------------------------------------


class NationalIds:
    """Distinct valid identity numbers, fast: the check character from precomputed partial sums.

    Gives the same number as ``identity.make_national_id(region, born, sequence, gender)``
    (where ``sequence`` counts the people of that region, birthday and gender
    handed out so far) at a fraction of its cost: the weighted digit sum of the
    region, of the date and of the order code are each looked up once.
    """

    def __init__(self) -> None:
        self._region_sums: dict[str, int] = {}
        self._date_sums: dict[date, tuple[str, int]] = {}
        self._order = [(f"{n:03d}", _weighted(f"{n:03d}", 14)) for n in range(1000)]
        self._used: dict[tuple[str, int, int], int] = {}

    def make(self, region: str, born: date, gender: str) -> str | None:
        """The next free number for this region, birth date and gender; None when all 500 are taken."""
        male = gender == "male"
        key = (region, born.toordinal(), male)
        sequence = self._used.get(key, 0)
        if sequence > 499:
            return None
        self._used[key] = sequence + 1
        region_sum = self._region_sums.get(region)
        if region_sum is None:
            region_sum = self._region_sums[region] = _weighted(region, 0)
        dated = self._date_sums.get(born)
        if dated is None:
            digits = f"{born:%Y%m%d}"
            dated = self._date_sums[born] = (digits, _weighted(digits, 6))
        order, order_sum = self._order[2 * sequence + male]
        return f"{region}{dated[0]}{order}{CHECK_CHARACTERS[(region_sum + dated[1] + order_sum) % 11]}"


def _weighted(digits: str, offset: int) -> int:
    return sum(int(d) * w for d, w in zip(digits, CHECK_WEIGHTS[offset:offset + len(digits)], strict=False))


def region_code(district_index: int) -> str:
    """The 6-digit administrative code of the ``district_index``-th district (3702xx, like Qingdao's)."""
    return f"3702{2 + district_index:02d}"


def person(rng: random.Random, ids: NationalIds, region: str, *, student: bool, year: int) -> dict:
    """One synthetic person: name, gender, birth date, valid unique ID number, phone, skill level, certificate."""
    while True:
        gender = "male" if rng.random() < 0.72 else "female"
        age = rng.randint(16, 22) if student else rng.randint(18, 59)
        born = date.fromordinal(date(year - age, 1, 1).toordinal() + rng.randrange(365))
        number = ids.make(region, born, gender)
        if number is not None:
            break
    level = None if student else rng.choice((5, 4, 4, 3, 3, 3, 2, 1))
    return {
        "name": SURNAMES[rng.randrange(len(SURNAMES))] + GIVEN[rng.randrange(len(GIVEN))],
        "gender": gender, "birth_date": born, "national_id": number,
        "phone": f"13{rng.randrange(10**9):09d}", "skill_level": level,
        "certificate_no": "" if student else f"S{born.year % 100:02d}{rng.randrange(10**10):010d}",
        "is_student": student,
    }


def make_people(count: int, *, seed: int = 1, region: str = "370202", year: int = 2026,
                students: bool = False) -> list[dict]:
    """``count`` people with distinct valid ID numbers (for rosters and imports); no database involved."""
    rng, ids = random.Random(seed), NationalIds()
    return [person(rng, ids, region, student=students, year=year) for _ in range(count)]


# -- the union tree ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Enterprise:
    """An enterprise union of the synthetic city."""

    id: int
    district: int  # index into City.district_ids
    region: str  # 6-digit region code
    is_school: bool


@dataclass(frozen=True)
class City:
    """The synthetic union tree: ids of the federation, the districts and the enterprises."""

    federation_id: int
    district_ids: tuple[int, ...]
    enterprises: tuple[Enterprise, ...]


def make_city(engine: Engine, *, districts: int = 16, enterprises: int = 2000, seed: int = 1,
              name: str = "海州市", year: int = 2026, clock: Clock | None = None) -> City:
    """Write a federation, ``districts`` district federations and ``enterprises`` enterprise unions."""
    if not 1 <= districts <= len(DISTRICTS):
        raise ValueError(f"districts must be between 1 and {len(DISTRICTS)}")
    rng = random.Random(seed)
    created = datetime(year - 1, 12, 1, tzinfo=UTC)
    first = next_id(engine, "organization")
    fed_id, district_ids = first, tuple(range(first + 1, first + 1 + districts))
    rows = [_org_row(fed_id, f"{name}总工会", "federation", None, f"/{fed_id}/", name, "", created)]
    for i, d_id in enumerate(district_ids):
        rows.append(_org_row(d_id, f"{name}{DISTRICTS[i]}总工会", "district", fed_id, f"/{fed_id}/{d_id}/",
                             DISTRICTS[i], "", created))
    made = []
    for n in range(enterprises):
        e_id, d = district_ids[-1] + 1 + n, rng.randrange(districts)
        school = rng.random() < SCHOOL_SHARE
        industry = SCHOOL_INDUSTRY if school else INDUSTRIES[rng.randrange(len(INDUSTRIES))]
        label = "技师学院" if school else industry.split("、")[0].removesuffix("业")
        rows.append(_org_row(e_id, f"{name}{DISTRICTS[d]}第{n + 1:04d}号{label}单位工会", "enterprise",
                             district_ids[d], f"/{fed_id}/{district_ids[d]}/{e_id}/", DISTRICTS[d], industry, created))
        made.append(Enterprise(e_id, d, region_code(d), school))
    insert_rows(engine, "organization", rows, clock=clock)
    return City(fed_id, district_ids, tuple(made))


def _org_row(id_, name, kind, parent_id, path, region, industry, created) -> dict:
    return {"id": id_, "name": name, "kind": kind, "parent_id": parent_id, "path": path, "region": region,
            "industry": industry, "created_at": created}


def worker_rows(rng: random.Random, ids: NationalIds, first_id: int, employers: Iterable[tuple[Enterprise, int]],
                year: int) -> Iterator[dict]:
    """Worker rows with consecutive ids from ``first_id``: ``count`` people for each (enterprise, count)."""
    created = datetime(year - 1, 12, 1, tzinfo=UTC)
    next_worker = first_id
    for enterprise, count in employers:
        for _ in range(count):
            row = person(rng, ids, enterprise.region, student=enterprise.is_school, year=year)
            row.update(id=next_worker, employer_id=enterprise.id, user_id=None, created_at=created,
                       updated_at=created)
            next_worker += 1
            yield row


# -- one year --------------------------------------------------------------------------------------------------


@dataclass
class _Event:
    id: int
    competition: int
    trade: tuple[str, str]
    group: str
    size: int = 0
    pieces: list[tuple[int, int]] = field(default_factory=list)  # (enterprise index, how many of its workers)


@dataclass
class _Competition:
    id: int
    level: str
    organizer: int  # organization id
    district: int | None  # district index for district contests
    enterprise: int | None  # enterprise index for enterprise contests
    kind: str
    starts_on: date
    events: list[_Event] = field(default_factory=list)


def generate_year(url: str, *, competitions: int = 10_000, events: int | None = None,
                  registrations: int = 1_000_000, workers: int | None = None, districts: int = 16,
                  enterprises: int = 2000, seed: int = 2026, year: int = 2026, chunk_size: int = CHUNK_SIZE,
                  clock: Clock | None = None, progress: Callable[[str], None] | None = None) -> dict:
    """Write one year of a city into the (existing) schema at ``url``; return the row counts.

    ``events`` defaults to three per competition and ``workers`` to 60% of the
    registrations (or more, when a small year's events need more distinct
    people); every worker of an enterprise that has registrations enters at
    least one event. Raises ValueError when the numbers cannot fit together.
    One year per database: a second call would repeat the city's organization
    names and the people's ID numbers (``make_event_with_marks`` can be added).
    """
    events = 3 * competitions if events is None else events
    if not competitions <= events <= competitions * len(TRADES):
        raise ValueError(f"need at least one and at most {len(TRADES)} events per competition")
    say = progress or (lambda _message: None)
    engine = engine_for(url)
    rng = random.Random(seed)
    city = make_city(engine, districts=districts, enterprises=enterprises, seed=rng.randrange(2**32), year=year,
                     clock=clock)
    say(f"organizations: 1 + {districts} + {enterprises}")
    plan = _plan_competitions(rng, city, competitions, events, next_id(engine, "competition"),
                              next_id(engine, "event"), year)
    all_events = [ev for comp in plan for ev in comp.events]
    _plan_entries(rng, city, plan, registrations)
    staff = _staff(city, all_events, workers)
    first_worker = next_id(engine, "worker")
    people = worker_rows(rng, NationalIds(), first_worker, ((city.enterprises[x], n) for x, n in enumerate(staff)),
                         year)
    counts = {"organizations": 1 + districts + enterprises}
    counts["workers"] = insert_rows(engine, "worker", people, chunk_size=chunk_size, clock=clock)
    say(f"workers: {counts['workers']}")
    counts.update(_write_competitions(engine, rng, plan, year, chunk_size, clock))
    say(f"competitions: {counts['competitions']}, events: {counts['events']}")
    starts = _worker_starts(first_worker, staff)
    rows = _registration_rows(rng, plan, starts, staff, next_id(engine, "registration"), year, city)
    counts["registrations"] = insert_rows(engine, "registration", rows, chunk_size=chunk_size, clock=clock)
    counts["workers_registered"] = sum(min(n, d) for n, d in zip(staff, _demand(city, all_events), strict=True))
    say(f"registrations: {counts['registrations']}")
    sync_sequences(engine, ("organization", "worker", "competition", "event", "scheme_part", "criterion",
                            "registration"))
    engine.dispose()
    return counts


def _weighted_choice(rng: random.Random, shares) -> str:
    roll, total = rng.random(), 0.0
    for value, share in shares:
        total += share
        if roll < total:
            return value
    return shares[-1][0]


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into whole parts proportional to ``weights`` (largest remainder; sums exactly)."""
    scale = sum(weights)
    if total == 0 or scale == 0:
        return [0] * len(weights)
    exact = [total * w / scale for w in weights]
    parts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _plan_competitions(rng, city: City, count: int, events: int, first_comp: int, first_event: int,
                       year: int) -> list[_Competition]:
    """Organizers, kinds, dates and events (trade + group) of every competition."""
    schools = [i for i, e in enumerate(city.enterprises) if e.is_school]
    plan = []
    for n in range(count):
        level = _weighted_choice(rng, LEVEL_SHARES)
        district = enterprise = None
        if level == "city":
            organizer = city.federation_id
        elif level == "district":
            district = rng.randrange(len(city.district_ids))
            organizer = city.district_ids[district]
        else:
            enterprise = rng.randrange(len(city.enterprises))
            organizer = city.enterprises[enterprise].id
        starts = date(year, 1, 10) + timedelta(days=rng.randrange(340))
        plan.append(_Competition(first_comp + n, level, organizer, district, enterprise,
                                 _weighted_choice(rng, KIND_SHARES), starts))
    per_comp = [1] * count
    for _ in range(events - count):
        i = rng.randrange(count)
        while per_comp[i] >= len(TRADES):
            i = (i + 1) % count
        per_comp[i] += 1
    event_id = first_event
    for comp, k in zip(plan, per_comp, strict=True):
        for trade in rng.sample(TRADES, k):
            comp.events.append(_Event(event_id, comp.id, trade, _group(rng, comp, city, bool(schools))))
            event_id += 1
    return plan


def _group(rng, comp: _Competition, city: City, has_schools: bool) -> str:
    if comp.enterprise is not None:
        return "students" if city.enterprises[comp.enterprise].is_school else "workers"
    return "students" if has_schools and rng.random() < STUDENT_EVENT_SHARE else "workers"


def _plan_entries(rng, city: City, plan: list[_Competition], registrations: int) -> None:
    """Size every event (skewed: many small, a few large) and split it over the enterprises it draws from."""
    all_events = [ev for comp in plan for ev in comp.events]
    level_of = {comp.id: comp for comp in plan}
    weights = [rng.lognormvariate(0, 0.9) * (6 if level_of[ev.competition].level == "city" else 1)
               for ev in all_events]
    by_kind = {flag: [i for i, e in enumerate(city.enterprises) if e.is_school == flag] for flag in (True, False)}
    by_district = {(d, flag): [i for i in by_kind[flag] if city.enterprises[i].district == d]
                   for d in range(len(city.district_ids)) for flag in (True, False)}
    for ev, size in zip(all_events, apportion(registrations, weights), strict=True):
        comp = level_of[ev.competition]
        ev.size = size
        if size == 0:
            continue
        if comp.enterprise is not None:
            ev.pieces = [(comp.enterprise, size)]
            continue
        students = ev.group == "students"
        pool = by_district.get((comp.district, students)) or by_kind[students]
        chosen = rng.sample(pool, min(len(pool), math.ceil(size / PIECE)))
        ev.pieces = list(zip(chosen, apportion(size, [1.0] * len(chosen)), strict=True))


def _demand(city: City, all_events: list[_Event]) -> list[int]:
    demand = [0] * len(city.enterprises)
    for ev in all_events:
        for x, n in ev.pieces:
            demand[x] += n
    return demand


def _staff(city: City, all_events: list[_Event], workers: int | None) -> list[int]:
    """How many workers each enterprise employs: at least its largest piece, at most its demand where possible."""
    demand = _demand(city, all_events)
    largest = [0] * len(city.enterprises)
    for ev in all_events:
        for x, n in ev.pieces:
            largest[x] = max(largest[x], n)
    if workers is None:
        workers = max(round(WORKER_SHARE * sum(demand)), sum(largest))
    spare = workers - sum(largest)
    if spare < 0:
        raise ValueError(f"{workers} workers are too few: the events need at least {sum(largest)} distinct people")
    room = [d - m for d, m in zip(demand, largest, strict=True)]
    extra = apportion(min(spare, sum(room)), [float(r) for r in room])
    staff = [m + e for m, e in zip(largest, extra, strict=True)]
    idle = apportion(spare - sum(extra), [1.0] * len(staff))  # people who enter nothing this year
    return [s + i for s, i in zip(staff, idle, strict=True)]


def _worker_starts(first_worker: int, staff: list[int]) -> list[int]:
    starts, at = [], first_worker
    for n in staff:
        starts.append(at)
        at += n
    return starts


def _write_competitions(engine, rng, plan: list[_Competition], year: int, chunk_size: int,
                        clock: Clock | None) -> dict:
    """Competition, event, scheme part and criterion rows for the plan."""
    created = datetime(year - 1, 12, 1, tzinfo=UTC)
    counts = {"competitions": insert_rows(engine, "competition", (
        _competition_row(comp, created) for comp in plan), chunk_size=chunk_size, clock=clock)}
    counts["events"] = insert_rows(engine, "event", (
        _event_row(ev, comp, created) for comp in plan for ev in comp.events), chunk_size=chunk_size, clock=clock)
    part_id, crit_id = next_id(engine, "scheme_part"), next_id(engine, "criterion")
    parts, criteria = [], []
    for comp in plan:
        for ev in comp.events:
            theory = rng.choice((20, 30, 40))
            parts += [_part_row(part_id, ev.id, "theory", "理论知识", theory, 0),
                      _part_row(part_id + 1, ev.id, "practical", "技能操作", 100 - theory, 1)]
            criteria += [
                _criterion_row(crit_id, part_id, "T1", "理论知识笔试", 100, "1", "measurement", "mean", 1, 0),
                _criterion_row(crit_id + 1, part_id + 1, "P1", "实际操作", 70, "0.5", "judgement", "trimmed", 5, 0),
                _criterion_row(crit_id + 2, part_id + 1, "P2", "安全文明生产", 30, "0.5", "judgement", "mean", 3, 1),
            ]
            part_id, crit_id = part_id + 2, crit_id + 3
    counts["scheme_parts"] = insert_rows(engine, "scheme_part", parts, chunk_size=chunk_size, clock=clock)
    counts["criteria"] = insert_rows(engine, "criterion", criteria, chunk_size=chunk_size, clock=clock)
    return counts


def _status(comp: _Competition) -> str:
    if comp.starts_on.month <= 9:
        return "archived"
    return ("open", "closed", "in_progress", "results")[comp.starts_on.day % 4]


def _competition_row(comp: _Competition, created: datetime) -> dict:
    opens = datetime.combine(comp.starts_on - timedelta(days=40), datetime.min.time(), UTC)
    serial = comp.id % 100_000
    return {
        "id": comp.id, "name": f"{comp.starts_on.year}年职工{KIND_WORDS[comp.kind]}（第{serial}号）",
        "year": comp.starts_on.year, "level": comp.level, "competition_class": "I" if comp.level == "city" else "II",
        "kind": comp.kind, "organization_id": comp.organizer, "starts_on": comp.starts_on,
        "ends_on": comp.starts_on + timedelta(days=comp.id % 3), "registration_opens_at": opens,
        "registration_closes_at": opens + timedelta(days=35), "description": "", "status": _status(comp),
        "recuse_same_parent": comp.level != "enterprise", "copied_from_id": None, "created_by_id": None,
        "created_at": created, "updated_at": created,
    }


AWARD_RULE = {"mode": "bands", "first": 1, "second": 2, "third": 3}


def _event_row(ev: _Event, comp: _Competition, created: datetime) -> dict:
    students = ev.group == "students"
    return {
        "id": ev.id, "competition_id": comp.id, "trade_name": ev.trade[1], "trade_code": ev.trade[0],
        "group": ev.group, "target_level": None if students else 3, "required_level": None if students else 4,
        "min_age": 16 if students else 18, "max_age": 25 if students else 60,
        "capacity": max(10, math.ceil(ev.size * 1.1 / 10) * 10), "is_team": False, "team_size": 1,
        "starts_on": comp.starts_on, "ends_on": comp.starts_on, "tie_break": ["part:practical"],
        "award_rule": AWARD_RULE, "trim_min_judges": 5, "scheme_valid": True, "created_at": created,
    }


def _part_row(id_, event_id, code, name, weight, position, pass_mark=None) -> dict:
    return {"id": id_, "event_id": event_id, "code": code, "name": name, "weight": Decimal(weight),
            "position": position, "pass_mark": None if pass_mark is None else Decimal(pass_mark)}


def _criterion_row(id_, part_id, code, name, max_mark, step, kind, aggregation, judges, position) -> dict:
    return {"id": id_, "part_id": part_id, "code": code, "name": name, "max_mark": Decimal(max_mark),
            "step": Decimal(step), "kind": kind, "aggregation": aggregation, "judges_required": judges,
            "position": position}


def _registration_rows(rng, plan: list[_Competition], starts: list[int], staff: list[int], first_id: int,
                       year: int, city: City) -> Iterator[dict]:
    """Registration rows, event by event; each enterprise's workers are taken in turn (round robin).

    Each carries the facts judging reads as approved: the employer and its district.

    Taking them in turn makes every employee of an enterprise with enough
    entries register at least once, and no piece repeats a person (a piece
    never exceeds the enterprise's staff).
    """
    cursor = [0] * len(staff)
    reg_id = first_id
    for comp in plan:
        opens = datetime.combine(comp.starts_on - timedelta(days=40), datetime.min.time(), UTC)
        for ev in comp.events:
            waiting = 0
            for x, n in ev.pieces:
                enterprise = city.enterprises[x]
                facts = {"employer_id": enterprise.id, "employer_parent_id": city.district_ids[enterprise.district],
                         "is_student": enterprise.is_school, "skill_level": None}
                for j in range(n):
                    worker_id = starts[x] + (cursor[x] + j) % staff[x]
                    status = _weighted_choice(rng, STATUS_SHARES)
                    created = opens + timedelta(seconds=rng.randrange(35 * 86400))
                    waiting += status == "waitlisted"
                    yield {
                        "id": reg_id, "event_id": ev.id, "worker_id": worker_id, "status": status,
                        "source": "import" if rng.random() < 0.7 else "self",
                        "waitlist_position": waiting if status == "waitlisted" else None, "decision_reason": "",
                        "submitted_by_id": None, "decided_by_id": None,
                        "decided_at": None if status == "pending" else created + timedelta(days=2),
                        "station": None, "anonymous_code": None, "checked_in": False,
                        "created_at": created, "updated_at": created, **facts,
                    }
                    reg_id += 1
                cursor[x] = (cursor[x] + n) % staff[x]


# -- one event with judges and marks -------------------------------------------------------------------------


@dataclass(frozen=True)
class EventFixture:
    """Ids of one synthetic event ready for judging (see ``make_event_with_marks``)."""

    organization_id: int
    competition_id: int
    event_id: int
    criterion_ids: tuple[int, ...]
    judge_ids: tuple[int, ...]  # user ids; the first is the chief judge
    registration_ids: tuple[int, ...]
    worker_ids: tuple[int, ...]
    marks: int
    judge_password: str = PASSWORD


_password_hash: str | None = None


def _judge_password_hash() -> str:
    """One scrypt hash of PASSWORD shared by all synthetic judges (hashing per user would dominate)."""
    global _password_hash
    if _password_hash is None:
        from werkzeug.security import generate_password_hash

        _password_hash = generate_password_hash(PASSWORD)
    return _password_hash


def make_event_with_marks(engine: Engine, competitors: int = 40, judges: int = 5, criteria: int = 4, *,
                          marks: bool = True, seed: int = 1, year: int = 2026,
                          status: str = "in_progress") -> EventFixture:
    """One event in progress: its own enterprise, ``competitors`` drawn competitors, ``judges`` judges.

    Pass an engine (``db.engine`` inside an app context works; commit the
    session first, the rows are written on their own connection).

    The scheme has one practical part of ``criteria`` judgement criteria (max
    10, step 0.5, mean of ``judges`` judges). Every judge is assigned to the
    event (the first as chief) and can log in as ``bench_<event id>_judge<n>``
    with PASSWORD. With ``marks`` every judge has marked every competitor on
    every criterion (version 1); without, the sheets are empty.
    """
    rng = random.Random(seed)
    ids = {name: next_id(engine, name) for name in ("organization", "user", "competition", "event", "scheme_part",
                                                    "criterion", "worker", "registration", "mark")}
    ids["user_role"], ids["judge_assignment"] = next_id(engine, "user_role"), next_id(engine, "judge_assignment")
    created = datetime(year, 1, 5, tzinfo=UTC)
    org_id, event_id = ids["organization"], ids["event"]
    tag = f"评分基准{org_id}"
    insert_rows(engine, "organization", [_org_row(org_id, f"{tag}单位工会", "enterprise", None, f"/{org_id}/", "基准区",
                                                  "通用设备制造业", created)])
    judge_ids = tuple(range(ids["user"], ids["user"] + judges))
    insert_rows(engine, "user", [{
        "id": uid, "username": f"bench_{event_id}_judge{n + 1}", "display_name": f"裁判员{n + 1}",
        "password_hash": _judge_password_hash(), "organization_id": org_id, "locale": None, "active": True,
        "last_login_at": None, "created_at": created,
    } for n, uid in enumerate(judge_ids)])
    insert_rows(engine, "user_role", [{"id": ids["user_role"] + n, "user_id": uid, "role": "judge"}
                                      for n, uid in enumerate(judge_ids)])
    comp = _Competition(ids["competition"], "enterprise", org_id, None, None, "skills", date(year, 6, 1))
    row = _competition_row(comp, created) | {"name": f"{tag}竞赛", "status": status}
    insert_rows(engine, "competition", [row])
    ev = _Event(event_id, comp.id, ("ELEC", "电工"), "workers", size=competitors)
    # Pass marks in play (issue 10): a part pass mark and a minimum total, as many contest rules set them.
    insert_rows(engine, "event", [_event_row(ev, comp, created) | {"tie_break": [], "capacity": competitors,
                                                                   "pass_total": Decimal(60)}])
    insert_rows(engine, "scheme_part", [_part_row(ids["scheme_part"], event_id, "practical", "技能操作", 100, 0,
                                                  pass_mark=60)])
    criterion_ids = tuple(range(ids["criterion"], ids["criterion"] + criteria))
    insert_rows(engine, "criterion", [
        _criterion_row(cid, ids["scheme_part"], f"P{n + 1}", f"评分项{n + 1}", 10, "0.5", "judgement", "mean",
                       judges, n) for n, cid in enumerate(criterion_ids)])
    insert_rows(engine, "judge_assignment", [
        {"id": ids["judge_assignment"] + n, "event_id": event_id, "user_id": uid, "criterion_id": None,
         "is_chief": n == 0, "created_at": created} for n, uid in enumerate(judge_ids)])
    worker_ids = tuple(range(ids["worker"], ids["worker"] + competitors))
    # A region code of another province: never clashes with generate_year's 3702xx people.
    fake_city = Enterprise(org_id, 0, f"41{org_id % 10_000:04d}", False)
    insert_rows(engine, "worker", worker_rows(rng, NationalIds(), ids["worker"], [(fake_city, competitors)], year))
    stations = rng.sample(range(1, competitors + 1), competitors)
    registration_ids = tuple(range(ids["registration"], ids["registration"] + competitors))
    insert_rows(engine, "registration", [{
        "id": rid, "event_id": event_id, "worker_id": wid, "status": "approved", "source": "import",
        "waitlist_position": None, "decision_reason": "", "submitted_by_id": None, "decided_by_id": None,
        "decided_at": created, "station": station, "anonymous_code": f"A{station:04d}", "checked_in": True,
        "created_at": created, "updated_at": created, "employer_id": org_id, "employer_parent_id": None,
        "is_student": False, "skill_level": None,
    } for rid, wid, station in zip(registration_ids, worker_ids, stations, strict=True)])
    count = 0
    if marks:
        count = insert_rows(engine, "mark", _mark_rows(rng, ids["mark"], event_id, registration_ids, criterion_ids,
                                                       judge_ids, created))
    sync_sequences(engine, ("organization", "user", "user_role", "competition", "event", "scheme_part", "criterion",
                            "judge_assignment", "worker", "registration", "mark"))
    return EventFixture(org_id, comp.id, event_id, criterion_ids, judge_ids, registration_ids, worker_ids, count)


def _mark_rows(rng, first_id, event_id, registration_ids, criterion_ids, judge_ids, created) -> Iterator[dict]:
    mark_id = first_id
    for rid in registration_ids:
        skill = rng.uniform(5, 9.5)
        for cid in criterion_ids:
            for jid in judge_ids:
                value = min(10.0, max(0.0, rng.gauss(skill, 0.6)))
                yield {"id": mark_id, "registration_id": rid, "criterion_id": cid, "judge_id": jid,
                       "event_id": event_id, "value": Decimal(round(value * 2)) / 2, "version": 1,
                       "created_at": created, "updated_at": created}
                mark_id += 1
