"""Demo data: the city federation's 2026 innovation contest, under expert review.

Four entries: 海州电力's quick-change fixture (worker1 and a colleague; passed, partly scored — judge1 of
the same company is recused from it), 海州重型机械厂's rationalization proposal (worker2; adopted), a
returned one waiting for its entrants and a passed invention. Each has a PDF attached. Idempotent: a
second run finds the contest and leaves it as it is.
"""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from competitions.auth.models import User
from competitions.domain.schemes import CriterionDraft, PartDraft, SchemeDraft
from competitions.extensions import db
from competitions.innovation import services
from competitions.organize import services as organize
from competitions.organize.models import Competition
from competitions.orgs.models import Organization, Worker

NAME = "2026年海州市职工技术创新成果评选"
ENTRIES = [
    # (lead's login or employer, title, category, yuan, text, colleagues, unit decision)
    ("worker1", "变电站刀闸快速检修夹具", "technical", Decimal("260000"), "检修时间由4小时缩短到1.5小时", 1, "pass"),
    ("worker2", "关于重型机床导轨润滑周期优化的建议", "rationalization", Decimal("85000"), "减少润滑油消耗30%", 0,
     "adopt"),
    ("海州汽车制造有限公司工会", "焊装线夹具定位销防错装置", "invention", Decimal("150000"), "", 2, "pass"),
    ("海州轨道交通集团工会", "地铁屏蔽门故障快速诊断操作法", "method", None, "缩短故障处置时间，保障运营安全", 0,
     "return"),
]


def _pdf(title: str) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    from competitions.pdf_fonts import cjk_font

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.setFont(cjk_font(), 14)
    canvas.drawString(72, 760, title)
    canvas.drawString(72, 730, "成果简介、图纸与效益测算（演示文件）")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _scheme() -> SchemeDraft:
    return SchemeDraft(
        parts=(PartDraft("review", "专家评审", Decimal(100)),),
        criteria=(
            CriterionDraft("review", "N", "创新性", Decimal(40), Decimal(1), "judgement", "mean", 3),
            CriterionDraft("review", "P", "实用性与推广价值", Decimal(30), Decimal(1), "judgement", "mean", 3),
            CriterionDraft("review", "B", "经济与社会效益", Decimal(30), Decimal(1), "judgement", "mean", 3),
        ),
        tie_break=(),
    )


def _lead(key: str) -> Worker:
    user = db.session.execute(select(User).where(User.username == key)).scalar_one_or_none()
    if user is not None:
        return db.session.execute(select(Worker).where(Worker.user_id == user.id)).scalar_one()
    org = db.session.execute(select(Organization).where(Organization.name == key)).scalar_one()
    return db.session.execute(select(Worker).where(Worker.employer_id == org.id).order_by(Worker.id)).scalars().first()


def _colleagues(lead: Worker, count: int) -> tuple[str, ...]:
    names = list(db.session.execute(select(Worker.name).where(
        Worker.employer_id == lead.employer_id).order_by(Worker.id)).scalars())
    unique = [n for n in names if names.count(n) == 1 and n != lead.name]   # members are found by name
    return tuple(unique[:count])


def load_innovation_demo(organizer: User) -> None:
    """Create the innovation contest under review unless it exists."""
    if db.session.execute(select(Competition.id).where(Competition.name == NAME)).first():
        return
    from competitions.judging import services as judging

    now = datetime.now(UTC)
    competition = organize.create_competition(organize.CompetitionData(
        name=NAME, year=2026, level="city", competition_class="II", kind="innovation",
        organization_id=organizer.organization_id, starts_on=(now + timedelta(days=2)).date(),
        ends_on=(now + timedelta(days=40)).date(), registration_opens_at=now - timedelta(days=60),
        registration_closes_at=now - timedelta(days=1)), created_by_id=organizer.id)
    event = organize.create_event(competition, organize.EventData(trade_name="职工创新成果", trade_code="CX",
                                                                  group="workers", capacity=500))
    organize.save_scheme(event, _scheme(), organize.AwardRuleData("bands", Decimal(1), Decimal(2), Decimal(3)))
    organize.change_status(competition, "open")
    entries = []
    for key, title, category, yuan, text, colleagues, decision in ENTRIES:
        lead = _lead(key)
        entry = services.create_entry(competition, lead=lead, actor=organizer, data=services.EntryData(
            event_id=event.id, title=title, category=category, description=f"{title}：问题、改进内容与实施效果。",
            claimed_benefit_yuan=yuan, claimed_benefit_text=text, member_names=_colleagues(lead, colleagues)))
        services.add_attachment(entry, actor=organizer, upload=services.Upload(_pdf(title), f"{title}.pdf"))
        services.entrant_action(entry, "submit", actor=organizer, now=now - timedelta(days=5))
        entries.append((entry, decision))
    for entry, decision in entries:
        if decision == "return":
            services.unit_action(entry, "return", actor=organizer, reason="请补充实施前后故障处置时间的对比数据",
                                 now=now - timedelta(days=3))
        else:
            services.unit_action(entry, "pass", actor=organizer, now=now - timedelta(days=3))
    organize.change_status(competition, "closed")
    judges = [db.session.execute(select(User).where(User.username == u)).scalar_one()
              for u in ("judge1", "judge2", "judge3")]
    for judge in judges:
        judging.assign_judge(event, actor=organizer, user_id=judge.id)
    judging.assign_judge(event, actor=organizer, user_id=db.session.execute(
        select(User).where(User.username == "chief")).scalar_one().id, is_chief_judge=True)
    first = entries[0][0]
    for criterion, value in zip(judging.event_criteria(event), (36, 27, 26), strict=True):   # judge2 has begun
        judging.submit_mark(judges[1], judging.MarkInput(first.registration_id, criterion.id, value, None,
                                                         str(uuid.uuid4())))
    adopted = next(e for e, d in entries if d == "adopt")
    services.outcome_action(adopted, "adopt", actor=organizer, note="在全厂推广", now=now)
    db.session.flush()
