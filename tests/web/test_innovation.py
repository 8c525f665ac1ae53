"""An innovation entry from a worker's draft to its implementation, through the real pages and engines.

The worker (phone pages) drafts an entry with a colleague, attaches a PDF and submits it; the unit's
organizer returns it with a reason, the worker revises and resubmits, the unit passes it. The experts
score it on the existing judging engine (the expert of the entrants' own unit is refused by the server),
the chief expert signs off, results are computed, published and made final, the certificates module
issues the award certificate naming the entry's title and team (PDF text extracted and rendered); the
contest's organizer adopts the entry, records its implementation with the realized benefit and an
evidence file, and recommends it to the city federation, whose organizer finds it listed.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from competitions.audit.models import AuditEntry
from competitions.certificates import services as certificates
from competitions.certificates.models import Certificate
from competitions.domain.errors import NotAllowed
from competitions.extensions import db
from competitions.innovation.models import InnovationEntry
from competitions.judging import services as judging
from competitions.organize import services as organize
from competitions.orgs.models import Worker
from competitions.registration.models import Registration
from competitions.results import services as results
from tests.conftest import ARTIFACTS
from tests.support import innovation_world as iw
from tests.support import require

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(app, tmp_path):
    app.config["INNOVATION_FILES_DIR"] = str(tmp_path / "files")
    return iw.build()



def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _entry(number="CX-0001") -> InnovationEntry:
    db.session.expire_all()
    return db.session.execute(select(InnovationEntry).where(InnovationEntry.number == number)).scalar_one()


ENTRY_FORM = {"event_id": None, "title": "数控车床快速换刀夹具", "category": "technical",
              "description": "把换刀时间从15分钟缩短到3分钟。", "claimed_benefit_yuan": "120000.50",
              "claimed_benefit_text": "减少停机", "team_name": "张伟创新工作室", "member_names": "李强"}


def _draft(client, world, **changes) -> InnovationEntry:
    data = {**ENTRY_FORM, "event_id": world["event"].id, **changes}
    response = client.post(f"/innovation/contests/{world['comp'].id}/new", data=data)
    assert response.status_code == 302, _text(response)
    return _entry()


def _mark_all(world, registration_ids, values):
    """Every expert not recused marks every criterion of every entry through the judging service."""
    event = world["event"]
    for key in ("expert_plant", "expert_mill", "expert_city"):
        judge = world["users"][key]
        for registration_id in registration_ids:
            registration = db.session.get(Registration, registration_id)
            recused = judging.recusal_reason(event, judge, registration) is not None
            for criterion in judging.event_criteria(event):
                incoming = judging.MarkInput(registration_id, criterion.id, values[registration_id][criterion.code],
                                             None, str(uuid.uuid4()))
                if recused:
                    with pytest.raises(NotAllowed):
                        judging.submit_mark(judge, incoming)
                    db.session.rollback()
                else:
                    judging.submit_mark(judge, incoming)
                    db.session.commit()
        judging.submit_sheet(event, judge=judge)
        db.session.commit()


def test_an_entry_from_submission_to_implementation(client, auth, world, tmp_path):
    users, comp, event = world["users"], world["comp"], world["event"]

    # The worker drafts the entry with a colleague, attaches a PDF and submits it.
    auth.login_as("lead")
    assert "2026年东区职工技术创新成果评选" in _text(client.get("/innovation/"))
    entry = _draft(client, world)
    assert entry.status == "draft" and [m.worker.name for m in entry.members] == ["张伟", "李强"]
    assert entry.claimed_benefit_yuan == Decimal("120000.50")
    response = client.post(f"/innovation/entries/{entry.id}/files",
                           data={"file": (BytesIO(iw.pdf_bytes("drawing")), "图纸.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert [a.kind for a in _entry().attachments] == ["pdf"]
    client.post(f"/innovation/entries/{entry.id}/entrant", data={"action": "submit"})
    assert _entry().status == "submitted" and _entry().employer_id == world["orgs"]["plant"].id

    # The colleague sees it and its file, but may not act on it.
    auth.login_as("mate")
    page = _text(client.get(f"/innovation/entries/{entry.id}"))
    assert "数控车床快速换刀夹具" in page and "图纸.pdf" in page
    assert client.post(f"/innovation/entries/{entry.id}/entrant", data={"action": "withdraw"}).status_code == 404

    # The unit (east district's organizer) returns it with a reason; a return without one is refused.
    auth.login_as("eastorg")
    assert "数控车床快速换刀夹具" in _text(client.get("/innovation/review"))
    response = client.post(f"/innovation/entries/{entry.id}/unit", data={"action": "return", "reason": ""},
                           follow_redirects=True)
    assert "Give a reason" in _text(response) and _entry().status == "submitted"
    client.post(f"/innovation/entries/{entry.id}/unit", data={"action": "return", "reason": "请补充效益测算依据"})
    assert _entry().status == "returned"

    # The worker sees the reason, revises and resubmits.
    auth.login_as("lead")
    assert "请补充效益测算依据" in _text(client.get(f"/innovation/entries/{entry.id}"))
    response = client.post(f"/innovation/entries/{entry.id}/edit",
                           data={**ENTRY_FORM, "event_id": event.id, "claimed_benefit_yuan": "98000"})
    assert response.status_code == 302
    client.post(f"/innovation/entries/{entry.id}/entrant", data={"action": "submit"})
    assert _entry().status == "submitted" and _entry().claimed_benefit_yuan == Decimal("98000.00")

    # A second entry from the mill, so the experts have two to rank.
    auth.login_as("weaver")
    second = _draft(client, world, title="织机断纱自停装置", category="invention", member_names="",
                    team_name="")
    second = db.session.execute(select(InnovationEntry).where(InnovationEntry.title == "织机断纱自停装置")
                                ).scalar_one()
    client.post(f"/innovation/entries/{second.id}/entrant", data={"action": "submit"})

    # The plant's own organizer (the unit) passes the first; the mill's organizer cannot see it.
    auth.login_as("millorg")
    assert client.get(f"/innovation/entries/{entry.id}").status_code == 404
    assert client.post(f"/innovation/entries/{entry.id}/unit", data={"action": "pass"}).status_code == 404
    client.post(f"/innovation/entries/{second.id}/unit", data={"action": "pass"})
    auth.login_as("plantorg")
    client.post(f"/innovation/entries/{entry.id}/unit", data={"action": "pass"})
    entry = _entry()
    assert entry.status == "passed" and entry.registration_id is not None
    registration = db.session.get(Registration, entry.registration_id)
    assert (registration.status, registration.anonymous_code, registration.employer_id) == \
        ("approved", "CX-0001", world["orgs"]["plant"].id)

    # Entries close; experts score; the plant's expert is recused from the plant's entry by the server.
    organize.change_status(comp, "closed")
    db.session.commit()
    iw.panel(world)
    auth.login_as("expert_plant")
    page = _text(client.get("/innovation/expert"))
    assert "Recused" in page and "数控车床快速换刀夹具" not in page and "织机断纱自停装置" in page
    assert client.get(f"/innovation/entries/{entry.id}").status_code == 404
    attachment_id = entry.attachments[0].id
    assert client.get(f"/innovation/files/{attachment_id}").status_code == 404
    auth.login_as("expert_mill")
    page = _text(client.get(f"/innovation/entries/{entry.id}"))
    assert "数控车床快速换刀夹具" in page and "张伟" not in page and "李强" not in page   # blind review
    download = client.get(f"/innovation/files/{attachment_id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    second = db.session.get(InnovationEntry, second.id)
    values = {entry.registration_id: {"N": 38, "P": 28, "B": 27}, second.registration_id: {"N": 30, "P": 25, "B": 20}}
    _mark_all(world, [entry.registration_id, second.registration_id], values)
    judging.sign_off_event(event, actor=users["chief"])
    db.session.commit()

    # Results through the existing engine: the plant's entry first, the mill's second.
    organizer = users["eastorg"].id
    results.compute_provisional_results(comp, actor_id=organizer)
    snapshot = results.publish_results(comp, actor_id=organizer, now=datetime.now(UTC) - timedelta(days=20),
                                       zone=ZONE)
    results.finalize_results(snapshot, actor_id=organizer, now=datetime.now(UTC))
    db.session.commit()

    # The certificate names the entry's title and its team, and verifies.
    auth.login_as("eastorg")
    page = _text(client.get(f"/innovation/entries/{entry.id}"))
    assert "Rank 1" in page and "First prize" in page
    assert f"/innovation/contests/{comp.id}" in _text(client.get("/innovation/review"))
    response = client.post(f"/certificates/competitions/{comp.id}/issue", follow_redirects=True)
    assert response.status_code == 200
    issued = list(db.session.execute(select(Certificate).where(
        Certificate.source.startswith(f"innovation:{entry.id}:")).order_by(Certificate.id)).scalars())
    assert [(c.name, c.title, c.award) for c in issued] == [("张伟、李强", "数控车床快速换刀夹具", "first")] * 2
    mate = db.session.execute(select(Worker).where(Worker.user_id == users["mate"].id)).scalar_one()
    issued = next(c for c in issued if c.worker_id == mate.id)   # each member holds their own
    auth.login_as("mate")   # a member who is not the lead finds it in "My certificates" and on the entry
    assert certificates.display_number(issued.number) in _text(client.get("/certificates/mine"))
    for language in ("zh", "en"):
        pdf = client.get(f"/innovation/entries/{entry.id}/certificate.pdf?lang={language}")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        text = _pdftotext(pdf.data, tmp_path)
        squeezed = "".join(text.split())
        assert "数控车床快速换刀夹具" in squeezed and "张伟、李强" in squeezed
        assert certificates.display_number(issued.number).replace(" ", "") in squeezed
        _render(pdf.data, f"innovation-certificate-{language}")
    auth.login_as("outsider")
    assert client.get(f"/innovation/entries/{entry.id}/certificate.pdf?lang=zh").status_code == 404

    # Adoption, implementation with evidence, recommendation to the city federation.
    auth.login_as("eastorg")
    client.post(f"/innovation/entries/{entry.id}/outcome", data={"action": "adopt", "note": "车间推广"})
    assert _entry().status == "adopted"
    today = datetime.now(ZONE).date()
    response = client.post(f"/innovation/entries/{entry.id}/implement", data={
        "implemented_on": (today + timedelta(days=3)).isoformat(), "realized_benefit_yuan": "86000"},
        content_type="multipart/form-data")
    assert response.status_code == 422 and "future" in _text(response) and _entry().status == "adopted"
    response = client.post(f"/innovation/entries/{entry.id}/implement", data={
        "implemented_on": today.isoformat(), "realized_benefit_yuan": "86000.00",
        "realized_benefit_note": "财务部确认", "evidence": (BytesIO(iw.pdf_bytes("finance")), "财务确认.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302, _text(response)
    entry = _entry()
    assert (entry.status, entry.realized_benefit_yuan, entry.implemented_on) == \
        ("implemented", Decimal("86000.00"), today)
    assert [a.purpose for a in entry.attachments] == ["entry", "evidence"]
    # The real benefit became known: the record is corrected on the entry's page (prefilled), audited; a date
    # before the submission is fine (achievements are mostly entered once in use).
    page = _text(client.get(f"/innovation/entries/{entry.id}"))
    assert "Correct the implementation record" in page and 'value="86000.00"' in page
    earlier = today - timedelta(days=400)
    response = client.post(f"/innovation/entries/{entry.id}/implement", data={
        "implemented_on": earlier.isoformat(), "realized_benefit_yuan": "91500",
        "realized_benefit_note": "财务部年度确认"}, content_type="multipart/form-data")
    assert response.status_code == 302, _text(response)
    assert (_entry().realized_benefit_yuan, _entry().implemented_on) == (Decimal("91500.00"), earlier)
    corrected = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "innovation.implementation_corrected")).scalar_one()
    assert corrected.old_value["realized_benefit_yuan"] == "86000.00"
    assert corrected.new_value["realized_benefit_yuan"] == "91500.00"
    client.post(f"/innovation/entries/{entry.id}/recommend",
                data={"to_organization_id": world["orgs"]["city"].id, "note": "推荐参加市级评选"})
    assert _entry().recommended and _entry().recommended_to_id == world["orgs"]["city"].id
    page = _text(client.get(f"/innovation/contests/{comp.id}"))
    assert "91,500.00" in page
    auth.login_as("cityorg")
    assert "数控车床快速换刀夹具" in _text(client.get("/innovation/review"))
    auth.login_as("westorg")
    assert "数控车床快速换刀夹具" not in _text(client.get("/innovation/review"))

    actions = set(db.session.execute(select(AuditEntry.action).where(
        AuditEntry.object_type == "innovation_entry", AuditEntry.object_id == entry.id)).scalars())
    assert {"innovation.create", "innovation.attach", "innovation.submit", "innovation.return",
            "innovation.update", "innovation.pass", "innovation.adopt", "innovation.implement",
            "innovation.recommend"} <= actions


def _pdftotext(data: bytes, tmp_path) -> str:
    require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "run scripts/system-deps.sh")
    path = tmp_path / "cert.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def _render(data: bytes, name: str) -> None:
    require("pdftoppm (poppler-utils)", shutil.which("pdftoppm") is not None, "run scripts/system-deps.sh")
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(source), str(ARTIFACTS / name)], check=True)
    source.unlink()


# ---- smaller rules through the pages, the API and the command line -----------------------------------

def _submitted(world, *, lead="lead", title="快速换刀夹具", members=("李强",)) -> InnovationEntry:
    from competitions.innovation import services
    from competitions.orgs.models import Worker

    user = world["users"][lead]
    worker = db.session.execute(select(Worker).where(Worker.user_id == user.id)).scalar_one()
    entry = services.create_entry(world["comp"], lead=worker, actor=user, data=services.EntryData(
        event_id=world["event"].id, title=title, category="rationalization", claimed_benefit_yuan=Decimal(5000),
        member_names=members))
    services.entrant_action(entry, "submit", actor=user, now=datetime.now(UTC))
    db.session.commit()
    return entry


def test_deadline_withdraw_and_reopen(client, auth, world):
    auth.login_as("lead")
    entry = _draft(client, world)
    client.post(f"/innovation/entries/{entry.id}/entrant", data={"action": "withdraw"})
    assert _entry().status == "withdrawn"
    client.post(f"/innovation/entries/{entry.id}/entrant", data={"action": "reopen"})
    assert _entry().status == "draft"
    world["comp"].registration_closes_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    response = client.post(f"/innovation/entries/{entry.id}/entrant", data={"action": "submit"},
                           follow_redirects=True)
    assert "deadline for entries has passed" in _text(response) and _entry().status == "draft"
    auth.login_as("lead", lang="zh")
    response = client.post(f"/innovation/entries/{entry.id}/entrant", data={"action": "submit"},
                           follow_redirects=True)
    assert "成果申报已截止" in _text(response)


def test_bad_entry_input_is_refused_and_nothing_saved(client, auth, world):
    auth.login_as("lead")
    url = f"/innovation/contests/{world['comp'].id}/new"
    base = {**ENTRY_FORM, "event_id": world["event"].id}
    for changes, message in (({"member_names": "不存在的人"}, "No worker named 不存在的人"),
                             ({"claimed_benefit_yuan": "1e400"}, "must be a number"),
                             ({"claimed_benefit_yuan": "0.001"}, "decimal"),
                             ({"claimed_benefit_yuan": "-5"}, "at least 0"),
                             ({"title": "标题\x1b"}, "control character"),
                             ({"member_names": "李强\n李强"}, "named twice")):
        response = client.post(url, data={**base, **changes})
        assert response.status_code == 200 and message in _text(response), (changes, _text(response)[-3000:])
    assert db.session.execute(select(InnovationEntry)).first() is None


def test_a_lead_heads_one_live_entry_per_track(world):
    from competitions.innovation import services

    first = _submitted(world)
    with pytest.raises(Exception, match="already leads entry CX-0001"):
        _submitted(world, title="第二项")
    db.session.rollback()
    services.entrant_action(db.session.get(InnovationEntry, first.id), "withdraw", actor=None, now=datetime.now(UTC))
    db.session.commit()
    assert _submitted(world, title="第二项").status == "submitted"


def test_recusal_follows_the_facts_frozen_on_the_entry(client, auth, world):
    """The expert of the entrants' unit is recused; moving the lead to another unit afterwards changes nothing;
    with 'recuse the same parent' the expert of a sister unit is recused too."""
    from competitions.orgs.models import Worker

    entry = _submitted(world)
    auth.login_as("plantorg")
    client.post(f"/innovation/entries/{entry.id}/unit", data={"action": "pass"})
    iw.panel(world)
    lead = db.session.execute(select(Worker).where(Worker.user_id == world["users"]["lead"].id)).scalar_one()
    lead.employer_id = world["orgs"]["works"].id      # moved after submission: the frozen unit still counts
    db.session.commit()
    auth.login_as("expert_plant")
    assert client.get(f"/innovation/entries/{entry.id}").status_code == 404
    registration = db.session.get(Registration, _entry().registration_id)
    crit = judging.event_criteria(world["event"])[0]
    with pytest.raises(NotAllowed):
        judging.submit_mark(world["users"]["expert_plant"],
                            judging.MarkInput(registration.id, crit.id, 30, None, str(uuid.uuid4())))
    db.session.rollback()
    auth.login_as("expert_mill")
    assert client.get(f"/innovation/entries/{entry.id}").status_code == 200
    world["comp"].recuse_same_parent = True
    db.session.commit()
    assert client.get(f"/innovation/entries/{entry.id}").status_code == 404
    assert "Recused" in _text(client.get("/innovation/expert"))


def test_a_pass_is_taken_back_only_before_any_mark(client, auth, world):
    entry = _submitted(world)
    auth.login_as("plantorg")
    client.post(f"/innovation/entries/{entry.id}/unit", data={"action": "pass"})
    client.post(f"/innovation/entries/{entry.id}/unit", data={"action": "unpass", "reason": "材料不全"})
    entry = _entry()
    assert entry.status == "returned" and db.session.get(Registration, entry.registration_id).status == "withdrawn"
    auth.login_as("lead")
    client.post(f"/innovation/entries/{entry.id}/entrant", data={"action": "submit"})
    auth.login_as("plantorg")
    client.post(f"/innovation/entries/{entry.id}/unit", data={"action": "pass"})
    entry = _entry()
    assert entry.status == "passed" and db.session.get(Registration, entry.registration_id).status == "approved"
    iw.panel(world)
    crit = judging.event_criteria(world["event"])[0]
    judging.submit_mark(world["users"]["expert_city"],
                        judging.MarkInput(entry.registration_id, crit.id, 30, None, str(uuid.uuid4())))
    db.session.commit()
    response = client.post(f"/innovation/entries/{entry.id}/unit", data={"action": "unpass", "reason": "x"},
                           follow_redirects=True)
    assert "already marked" in _text(response) and _entry().status == "passed"


def test_the_json_api_and_the_command_line_drive_the_flow(client, auth, world, app):
    entry = _submitted(world)
    auth.login_as("plantorg")
    api = f"/api/v1/innovation/entries/{entry.id}/actions"
    refused = client.post(api, json={"action": "return"})
    assert refused.status_code == 422 and refused.get_json()["field"] == "reason"
    assert client.post(api, json=["pass"]).status_code == 422
    assert client.post(api, json={"action": "adopt"}).status_code == 404     # the unit does not adopt
    assert client.post(api, json={"action": "pass"}).get_json()["status"] == "passed"
    auth.login_as("eastorg")
    listing = client.get(f"/api/v1/innovation/contests/{world['comp'].id}/entries").get_json()
    assert listing["totals"]["submitted"] == 1 and listing["entries"][0]["members"][1]["name"] == "李强"
    assert client.post(api, json={"action": "adopt", "note": "推广"}).get_json()["status"] == "adopted"
    bad = client.post(api, json={"action": "implement", "implemented_on": "2026-13-01", "realized_benefit_yuan": "1"})
    assert bad.status_code == 422 and _entry().status == "adopted"
    bad = client.post(api, json={"action": "implement", "implemented_on": datetime.now(ZONE).date().isoformat(),
                                 "realized_benefit_yuan": "1e400"})
    assert bad.status_code == 422 and _entry().status == "adopted"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["innovation", "act", str(entry.id), "implement", "--by", "eastorg",
                                 "--implemented-on", datetime.now(ZONE).date().isoformat(), "--yuan", "4200.5"])
    assert result.exit_code == 0, result.output
    assert _entry().realized_benefit_yuan == Decimal("4200.50")
    result = runner.invoke(args=["innovation", "act", str(entry.id), "revert", "--by", "eastorg"])
    assert result.exit_code != 0 and "reason" in result.output
    bad = client.post(api, json={"action": "recommend", "to_organization_id": "abc"})
    assert bad.status_code == 422 and not _entry().recommended
    bad = client.post(api, json={"action": "recommend", "to_organization_id": world["orgs"]["west"].id})
    assert bad.status_code == 422 and not _entry().recommended   # not above the east district
    result = runner.invoke(args=["innovation", "act", str(entry.id), "recommend", "--by", "eastorg"])
    assert result.exit_code == 0 and _entry().recommended_to_id == world["orgs"]["city"].id
    result = runner.invoke(args=["innovation", "list", str(world["comp"].id)])
    assert "CX-0001\timplemented" in result.output and "realized 4200.50 yuan" in result.output
    assert "/api/v1/innovation/entries/{entry_id}/actions" in client.get("/api/v1/openapi.json").get_json()["paths"]


def test_demo_contest_under_review(app, tmp_path):
    """The demo's innovation contest: four entries, one returned, one adopted, one partly scored; idempotent."""
    from competitions import demo
    from competitions.auth.models import User
    from competitions.innovation.demo import NAME, load_innovation_demo
    from competitions.organize.models import Competition

    app.config["INNOVATION_FILES_DIR"] = str(tmp_path / "files")
    demo._load_orgs()
    demo._load_users()
    demo._load_workers()
    organizer = db.session.execute(select(User).where(User.username == "organizer")).scalar_one()
    load_innovation_demo(organizer)
    load_innovation_demo(organizer)
    db.session.commit()
    comp = db.session.execute(select(Competition).where(Competition.name == NAME)).scalar_one()
    statuses = sorted(e.status for e in db.session.execute(select(InnovationEntry).where(
        InnovationEntry.competition_id == comp.id)).scalars())
    assert comp.status == "closed" and statuses == ["adopted", "passed", "passed", "returned"]
    assert all(len(e.attachments) == 1 for e in db.session.execute(select(InnovationEntry)).scalars())
    judge1 = db.session.execute(select(User).where(User.username == "judge1")).scalar_one()
    from competitions.innovation.services import expert_entries

    recused = [e.title for e, is_recused in expert_entries(judge1) if is_recused]
    assert recused == ["变电站刀闸快速检修夹具"]


def test_an_innovation_contest_has_no_station_draw(world):
    from competitions.domain.errors import InvalidState
    from competitions.registration.services import draw_event

    organize.change_status(world["comp"], "closed")
    with pytest.raises(InvalidState, match="no station draw"):
        draw_event(world["event"], world["users"]["eastorg"])


def test_namesakes_are_told_apart_by_the_id_number_end(client, auth, world):
    from tests import factories as f

    other = f.worker(world["orgs"]["plant"], name="李强")
    db.session.commit()
    auth.login_as("lead")
    url = f"/innovation/contests/{world['comp'].id}/new"
    response = client.post(url, data={**ENTRY_FORM, "event_id": world["event"].id, "member_names": "李强"})
    assert "add the last four characters" in _text(response)
    response = client.post(url, data={**ENTRY_FORM, "event_id": world["event"].id,
                                      "member_names": f"李强 {other.national_id[-4:]}"})
    assert response.status_code == 302
    assert [m.worker_id for m in _entry().members][1] == other.id
    form = _text(client.get(f"/innovation/entries/{_entry().id}/edit"))
    assert f"李强 {other.national_id[-4:]}" in form
