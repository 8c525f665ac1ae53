"""An innovation contest to test against: a district federation's contest with one track and its scheme.

Used by the web, PostgreSQL and browser tests of ``competitions.innovation``.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from competitions.domain.schemes import CriterionDraft, PartDraft, SchemeDraft
from competitions.extensions import db
from competitions.organize import services as organize
from competitions.orgs.services import create_organization
from tests import factories as f


def scheme() -> SchemeDraft:
    """Novelty 40, practicality 30, benefit 30, each by two experts."""
    return SchemeDraft(
        parts=(PartDraft("review", "专家评审", Decimal(100)),),
        criteria=(
            CriterionDraft("review", "N", "创新性", Decimal(40), Decimal(1), "judgement", "mean", 2),
            CriterionDraft("review", "P", "实用性", Decimal(30), Decimal(1), "judgement", "mean", 2),
            CriterionDraft("review", "B", "效益", Decimal(30), Decimal(1), "judgement", "mean", 2),
        ),
        tie_break=(),
    )


def pdf_bytes(text: str = "innovation") -> bytes:
    """A small real PDF (reportlab)."""
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def build(*, status: str = "open") -> dict:
    """The east district's innovation contest (open for entries), with units, workers, accounts and experts.

    Units: 东区机床厂 (plant) and 东区纺织厂 (mill) under the east district; experts: one of the plant (recused
    from the plant's entries), one of the mill, one of the city federation; a chief expert of the city.
    """
    orgs = f.org_tree()
    orgs["mill"] = create_organization(name="东区纺织厂工会", kind="enterprise", parent_id=orgs["east"].id,
                                       region="东区", industry="纺织业")
    db.session.flush()
    users = {
        "lead": f.user("lead", "competitor", org=orgs["plant"]),
        "mate": f.user("mate", "competitor", org=orgs["plant"]),
        "weaver": f.user("weaver", "competitor", org=orgs["mill"]),
        "outsider": f.user("outsider", "competitor", org=orgs["works"]),
        "eastorg": f.user("eastorg", "organizer", org=orgs["east"]),
        "westorg": f.user("westorg", "organizer", org=orgs["west"]),
        "cityorg": f.user("cityorg", "organizer", org=orgs["city"]),
        "plantorg": f.user("plantorg", "organizer", org=orgs["plant"]),
        "millorg": f.user("millorg", "organizer", org=orgs["mill"]),
        "expert_plant": f.user("expert_plant", "judge", org=orgs["plant"]),
        "expert_mill": f.user("expert_mill", "judge", org=orgs["mill"]),
        "expert_city": f.user("expert_city", "judge", org=orgs["city"]),
        "chief": f.user("chief", "judge", org=orgs["city"]),
        "admin": f.user("admin", "admin"),
    }
    workers = {
        "lead": f.worker(orgs["plant"], name="张伟", user_account=users["lead"]),
        "mate": f.worker(orgs["plant"], name="李强", user_account=users["mate"]),
        "weaver": f.worker(orgs["mill"], name="王芳", gender="female", user_account=users["weaver"]),
        "outsider": f.worker(orgs["works"], name="赵敏", user_account=users["outsider"]),
    }
    now = datetime.now(UTC)
    comp = f.competition(orgs["east"], name="2026年东区职工技术创新成果评选", kind="innovation", level="district",
                         opens=now - timedelta(days=5), closes=now + timedelta(days=10))
    event = organize.create_event(comp, organize.EventData(trade_name="创新成果", trade_code="CX", group="workers",
                                                           capacity=200))
    organize.save_scheme(event, scheme(), organize.AwardRuleData("bands", Decimal(1), Decimal(1), Decimal(1)))
    if status != "draft":
        organize.change_status(comp, "open")
    db.session.commit()
    return {"orgs": orgs, "users": users, "workers": workers, "comp": comp, "event": event}


def panel(world: dict) -> None:
    """The three experts on every criterion, and the chief expert."""
    f.judging_panel(world["event"], [world["users"][k] for k in ("expert_plant", "expert_mill", "expert_city")],
                    world["users"]["chief"])
    db.session.commit()


def matrix_entry(app, orgs: dict, competitor_user) -> dict[str, int]:
    """For the access matrix: the west district's innovation contest with the competitor's submitted entry
    (a worker of 西区电力公司, so the west organizer is both its unit reviewer and the contest's organizer)
    and one PDF attached. Returns the URL parameters ``contest_id``, ``entry_id`` and ``attachment_id``."""
    import tempfile

    from sqlalchemy import select

    from competitions.innovation import services
    from competitions.orgs.models import Worker

    app.config["INNOVATION_FILES_DIR"] = tempfile.mkdtemp(prefix="innovation-matrix-")
    now = datetime.now(UTC)
    comp = f.competition(orgs["west"], name="2026年西区职工创新成果评选", kind="innovation", level="district",
                         opens=now - timedelta(days=5), closes=now + timedelta(days=10))
    event = organize.create_event(comp, organize.EventData(trade_name="创新成果", trade_code="CX", group="workers",
                                                           capacity=200))
    organize.save_scheme(event, scheme(), organize.AwardRuleData("bands", Decimal(1), Decimal(1), Decimal(1)))
    organize.change_status(comp, "open")
    lead = db.session.execute(select(Worker).where(Worker.user_id == competitor_user.id)).scalar_one()
    entry = services.create_entry(comp, lead=lead, actor=competitor_user, data=services.EntryData(
        event_id=event.id, title="变电站巡检记录仪", category="technical", claimed_benefit_yuan=Decimal(5000)))
    attachment = services.add_attachment(entry, actor=competitor_user,
                                         upload=services.Upload(pdf_bytes("matrix"), "方案.pdf"))
    services.entrant_action(entry, "submit", actor=competitor_user, now=now)
    db.session.flush()
    return {"contest_id": comp.id, "entry_id": entry.id, "attachment_id": attachment.id}
