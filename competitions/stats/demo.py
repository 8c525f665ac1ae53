"""Demo data for the statistics: two finished years of district and enterprise contests, compiled.

So that the dashboard's year-over-year view shows something, the demo city gets
for 2025 and 2026 the contests its unions ran earlier in the year: each
district federation a labour competition with two trades, each enterprise a
skills contest in its own trade, with the demo workers registered (a few
withdrawn or rejected, one absent from each final) and final results. The
results of these past contests are written as they stand after their notice
periods (final snapshots); the contests the other stages demonstrate
(registration, judging day, public notice) go through the services. Both
years are then compiled, as the nightly job would. Loading twice changes
nothing (contests are looked up by name; compiling again gives the same figures).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from competitions.auth.models import User
from competitions.extensions import db
from competitions.organize import services as organize
from competitions.organize.models import Competition, Event
from competitions.orgs.models import Organization, Worker
from competitions.registration.models import Registration
from competitions.results.models import ResultEntry, ResultSnapshot
from competitions.stats.services import compile_year

YEARS = (2025, 2026)
ENTERPRISE_TRADES = {
    "电力、热力生产和供应业": ("SUBS", "变电站运行值班员"), "通用设备制造业": ("FITT", "钳工"),
    "汽车制造业": ("AUTO", "汽车维修工"), "城市轨道交通": ("RAIL", "轨道列车司机"),
    "化学原料和化学制品制造业": ("CHEM", "化工总控工"), "建筑业": ("BRICK", "砌筑工"),
    "专用设备制造业": ("MILL", "数控铣工"), "教育": ("CNC", "数控车工"),
}
DISTRICT_TRADES = (("ELEC", "电工"), ("WELD", "焊工"))


def _scheme():
    from competitions.demo import EVENTS, _scheme

    return _scheme(EVENTS[0])


def _contest(name: str, org: Organization, *, year: int, level: str, kind: str, month: int,
             trades, organizer: User) -> Competition | None:
    """A finished contest of ``org`` (archived), or None when it already exists."""
    if db.session.execute(select(Competition.id).where(Competition.name == name)).first():
        return None
    day = date(year, month, 10)
    competition = organize.create_competition(organize.CompetitionData(
        name=name, year=year, level=level, competition_class="II", kind=kind, organization_id=org.id,
        starts_on=day, ends_on=date(year, month, 12),
        registration_opens_at=datetime(year, month - 1, 1, tzinfo=UTC),
        registration_closes_at=datetime(year, month - 1, 25, tzinfo=UTC),
        description=f"{org.name}{year}年职工{'劳动竞赛' if kind == 'labor' else '岗位技能比武'}。"),
        created_by_id=organizer.id)
    for code, trade in trades:
        event = organize.create_event(competition, organize.EventData(
            trade_name=trade, trade_code=code, group="workers", capacity=40, starts_on=day, ends_on=day))
        organize.save_scheme(event, *_scheme())
    for step in ("open", "closed", "in_progress", "results", "archived"):
        organize.change_status(competition, step)
    return competition


def _enter(event: Event, workers: list[Worker], *, year: int, seed: int) -> None:
    """Register ``workers``: one withdraws, one is turned away, the rest compete (one of them absent)."""
    registrations = []
    for n, worker in enumerate(workers):
        status = "withdrawn" if n == len(workers) - 1 else ("rejected" if n == len(workers) - 2 and year == 2025
                                                             else "approved")
        registration = Registration(event_id=event.id, worker_id=worker.id, status=status, source="import")
        db.session.add(registration)
        registrations.append(registration)
    db.session.flush()
    competing = [r for r in registrations if r.status == "approved"]
    snapshot = ResultSnapshot(competition_id=event.competition_id, version=1, status="final",
                              computed_at=datetime(year, 6, 1, tzinfo=UTC), notice_days=5,
                              published_at=datetime(year, 6, 1, tzinfo=UTC),
                              notice_ends_at=datetime(year, 6, 8, tzinfo=UTC),
                              finalized_at=datetime(year, 6, 8, tzinfo=UTC))
    existing = db.session.execute(select(ResultSnapshot).where(
        ResultSnapshot.competition_id == event.competition_id)).scalar_one_or_none()
    if existing is not None:
        snapshot = existing
    else:
        db.session.add(snapshot)
        db.session.flush()
    scored = sorted(competing[:-1], key=lambda r: (-((r.worker_id * 37 + seed) % 41), r.id))
    prizes = ("first", "second", "third")
    for place, registration in enumerate(scored, start=1):
        theory = Decimal(60 + (registration.worker_id * 37 + seed) % 41) * Decimal("0.3")
        practical = Decimal(55 + (registration.worker_id * 13 + seed) % 44) * Decimal("0.7")
        total = (theory + practical).quantize(Decimal("0.01"))
        db.session.add(ResultEntry(
            snapshot_id=snapshot.id, event_id=event.id, registration_id=registration.id, position=place, rank=place,
            total=total, part_scores={"theory": f"{theory:.2f}", "practical": f"{practical:.2f}"},
            prize=prizes[place - 1] if place <= len(prizes) else None, anonymous_code=f"D{place:03d}",
            station=place, name=registration.worker.name, employer=registration.worker.employer.name,
            worker_id=registration.worker_id))
    if competing:
        absent = competing[-1]
        db.session.add(ResultEntry(
            snapshot_id=snapshot.id, event_id=event.id, registration_id=absent.id, position=len(competing),
            rank=None, total=None, part_scores={}, anonymous_code=f"D{len(competing):03d}",
            station=len(competing), name=absent.worker.name, employer=absent.worker.employer.name,
            worker_id=absent.worker_id))
    db.session.flush()


def _workers_of(org: Organization) -> list[Worker]:
    return list(db.session.execute(select(Worker).join(Organization, Organization.id == Worker.employer_id).where(
        Organization.path.startswith(org.path), Worker.is_student.is_(False)).order_by(Worker.id)).scalars())


def load_statistics_history(organizer: User) -> None:
    """The 2025 and 2026 contests of the districts and enterprises (missing ones only), then compile both years."""
    districts = db.session.execute(select(Organization).where(Organization.kind == "district")
                                   .order_by(Organization.id)).scalars().all()
    enterprises = db.session.execute(select(Organization).where(Organization.kind == "enterprise")
                                     .order_by(Organization.id)).scalars().all()
    for year in YEARS:
        for d_index, district in enumerate(districts):
            competition = _contest(f"{year}年{district.name.removesuffix('总工会')}职工劳动竞赛", district, year=year,
                                   level="district", kind="labor", month=5 + d_index, trades=DISTRICT_TRADES,
                                   organizer=organizer)
            if competition is not None:
                people = _workers_of(district)
                share = 4 if year == 2025 else 6
                for e_index, event in enumerate(competition.events):
                    chosen = people[e_index::2][:share]
                    _enter(event, chosen, year=year, seed=d_index * 7 + e_index)
        for e_index, enterprise in enumerate(enterprises):
            code, trade = ENTERPRISE_TRADES.get(enterprise.industry, ("QC", "质检员"))
            competition = _contest(f"{year}年{enterprise.name.removesuffix('工会')}岗位技能比武", enterprise,
                                   year=year, level="enterprise", kind="skills" if e_index % 3 else "innovation",
                                   month=3 + e_index % 6, trades=[(code, trade)], organizer=organizer)
            if competition is not None:
                people = db.session.execute(select(Worker).where(Worker.employer_id == enterprise.id)
                                            .order_by(Worker.id)).scalars().all()
                _enter(competition.events[0], list(people)[: (5 if year == 2025 else 8)], year=year, seed=e_index)
    for year in YEARS:
        compile_year(year, final=year < max(YEARS))
