"""No state the interface cannot leave (issue 11 §1).

Each test walks a transition through the pages and checks that an action that would make a later stage
impossible is refused with its reason, and that the way forward is offered instead: withdrawal once judging
has begun, reopening registration after marks, removing an event after the draft, cancelling an event after
results, removing an assignment that has marks; a cancelled or empty event never blocks the others; the
competition moves on to "in progress" by itself where judging begins; the chief judge moves or ends an
assignment, keeping or voiding marks, audited.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from competitions.audit.models import AuditEntry
from competitions.extensions import db
from competitions.judging.models import JudgeAssignment, Mark
from competitions.organize.models import Competition, Event
from competitions.registration.models import Registration
from competitions.results.models import ResultSnapshot
from tests import factories as f


@pytest.fixture
def world(app, client):
    """A closed competition whose judges have marked five competitors of 电工 (not yet signed off).

    j1 marks every criterion, j2 the practical ones; j3 was assigned "all criteria" by mistake and, like j2,
    marked only the practical ones, so five theory marks are "missing".
    """
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    chief = f.user("chief", "judge", org=orgs["city"])
    judges = [f.user("j1", "judge", org=orgs["city"]), f.user("j2", "judge", org=orgs["city"]),
              f.user("j3", "judge", org=orgs["city"])]
    account = f.user("worker1", "competitor", org=orgs["plant"])
    comp = f.competition(orgs["city"])
    ev = f.event(comp)
    empty = f.event(comp, trade_name="焊工", trade_code="WELD")
    comp.status = "closed"
    f.judging_panel(ev, [judges[0], judges[2]], chief)
    f.judging_panel(ev, [judges[1]], criterion_codes=["P1", "P2"])
    regs = []
    for station in range(1, 6):
        reg = f.judging_competitor(ev, orgs["works"], code=f"A0{station}", station=station, name=f"选手{station}")
        f.results_marks(ev, reg, judges, theory=60 + station, p1=40 + station, p2=30)
        regs.append(reg)
    mine = regs[0]
    mine.worker.user_id = account.id
    db.session.commit()
    client.post("/lang", data={"lang": "en"})
    return {"orgs": orgs, "comp": comp, "event": ev, "empty": empty, "chief": chief, "judges": judges,
            "regs": regs, "mine": mine}


def _as(client, auth, username):
    auth.logout()
    auth.login(username)
    client.post("/lang", data={"lang": "en"})


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _actions(comp_id) -> list[str]:
    return list(db.session.execute(select(AuditEntry.action).where(AuditEntry.competition_id == comp_id)
                                   .order_by(AuditEntry.id)).scalars())


def _narrow_j3(client, auth, world):
    crit = _crit(world["event"])
    _as(client, auth, "chief")
    return _text(client.post(f"/judging/events/{world['event'].id}/chief/panel", data={
        "judge_id": world["judges"][2].id, "scope": "some", "criterion_ids": [crit["P1"], crit["P2"]],
        "marks": "keep", "reason": "只评技能操作"}, follow_redirects=True))


def _submit_all_sheets_and_sign_off(client, auth, world):
    _narrow_j3(client, auth, world)
    for judge in world["judges"]:
        _as(client, auth, judge.username)
        client.post(f"/judging/events/{world['event'].id}/my-sheet/submit", data={})
    _as(client, auth, "chief")
    return _text(client.post(f"/judging/events/{world['event'].id}/chief/sign-off", data={}, follow_redirects=True))


# ---- withdrawal -----------------------------------------------------------------------------------

def test_withdrawal_is_refused_once_judges_have_marked_even_before_the_deadline(world, client, auth):
    """Found: a worker withdrew after results were published, and results could never be computed again."""
    comp, mine = world["comp"], world["mine"]
    comp.registration_closes_at = None  # no deadline to stop it: only the marks do
    db.session.commit()
    _as(client, auth, "worker1")
    page = _text(client.get("/registration/mine"))
    assert f"/registration/{mine.id}/withdraw" not in page
    page = _text(client.post(f"/registration/{mine.id}/withdraw", follow_redirects=True))
    assert "Judging has begun; a registration can no longer be withdrawn." in page
    db.session.expire_all()
    assert db.session.get(Registration, mine.id).status == "approved"


@pytest.mark.parametrize("status", ["in_progress", "results"])
def test_withdrawal_is_refused_at_every_status_after_judging_began(world, client, auth, status):
    comp, mine = world["comp"], world["mine"]
    db.session.execute(db.delete(Mark))
    comp.status, comp.registration_closes_at = status, None
    db.session.commit()
    _as(client, auth, "worker1")
    page = _text(client.post(f"/registration/{mine.id}/withdraw", follow_redirects=True))
    assert "Judging has begun" in page
    db.session.expire_all()
    assert db.session.get(Registration, mine.id).status == "approved"


# ---- statuses follow the real flow --------------------------------------------------------------------

def test_closed_competition_offers_the_next_step_first_not_reopening(world, client, auth):
    """Found: the most prominent button on a closed competition re-opened registration."""
    _as(client, auth, "cityorg")
    page = _text(client.get(f"/organize/competitions/{world['comp'].id}"))
    buttons = re.findall(r'<button name="target" value="(\w+)" class="([^"]+)"', page)
    assert buttons[0] == ("in_progress", "button primary")
    assert ("open", "button") in buttons


def test_reopening_registration_after_marks_is_refused_with_the_reason(world, client, auth):
    _as(client, auth, "cityorg")
    page = _text(client.post(f"/organize/competitions/{world['comp'].id}/status", data={"target": "open"},
                             follow_redirects=True))
    assert "Judges have already entered marks; registration cannot be reopened." in page
    db.session.expire_all()
    assert db.session.get(Competition, world["comp"].id).status == "closed"


def test_judging_moves_a_closed_competition_on_and_results_can_be_computed(world, client, auth):
    """Found: judges marked and the chief signed off under "registration closed"; computing then refused."""
    comp = world["comp"]
    page = _submit_all_sheets_and_sign_off(client, auth, world)
    assert "The event has been signed off" in page
    db.session.expire_all()
    assert db.session.get(Competition, comp.id).status == "in_progress"
    assert "competition.advance" in _actions(comp.id)
    _as(client, auth, "cityorg")
    page = _text(client.get(f"/organize/competitions/{comp.id}"))
    assert "Next step: Every event is signed off: compute the results." in page
    page = _text(client.post(f"/results/competitions/{comp.id}/compute", follow_redirects=True))
    assert "Provisional results computed." in page


def test_computing_moves_a_closed_competition_on_by_itself(world, client, auth):
    comp, ev = world["comp"], world["event"]
    f.sign_off(ev, world["chief"])
    db.session.commit()
    _as(client, auth, "cityorg")
    page = _text(client.post(f"/results/competitions/{comp.id}/compute", follow_redirects=True))
    assert "Provisional results computed." in page
    db.session.expire_all()
    assert db.session.get(Competition, comp.id).status == "in_progress"


# ---- empty and cancelled events ----------------------------------------------------------------------

def test_an_event_nobody_was_approved_for_does_not_block_results(world, client, auth):
    """Found: an event with no approved entrants blocked results ("not signed off", then "no marks")."""
    comp = world["comp"]
    f.sign_off(world["event"], world["chief"])
    comp.status = "in_progress"
    db.session.commit()
    _as(client, auth, "cityorg")
    page = _text(client.post(f"/results/competitions/{comp.id}/compute", follow_redirects=True))
    assert "Provisional results computed." in page and "焊工" not in page.split("Provisional results")[0]


def test_an_event_is_cancelled_with_a_reason_audited_and_left_out(world, client, auth):
    comp, ev, empty = world["comp"], world["event"], world["empty"]
    f.judging_competitor(empty, world["orgs"]["works"], code="W01", station=1)  # an entrant: it would block
    comp.status = "in_progress"
    f.sign_off(ev, world["chief"])
    db.session.commit()
    _as(client, auth, "cityorg")
    page = _text(client.post(f"/results/competitions/{comp.id}/compute", follow_redirects=True))
    assert "not yet: 焊工" in page

    page = _text(client.post(f"/organize/events/{empty.id}/cancel", data={"reason": " "}, follow_redirects=True))
    assert "Give the reason for cancelling the event." in page
    page = _text(client.post(f"/organize/events/{empty.id}/cancel", data={"reason": "报名人数不足，取消本项目"},
                             follow_redirects=True))
    assert "The event has been cancelled." in page and "报名人数不足，取消本项目" in page
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "event.cancel")).scalar_one()
    assert entry.event_id == empty.id and entry.reason == "报名人数不足，取消本项目"
    page = _text(client.post(f"/organize/events/{empty.id}/cancel", data={"reason": "again"}, follow_redirects=True))
    assert "This event has already been cancelled." in page

    page = _text(client.post(f"/results/competitions/{comp.id}/compute", follow_redirects=True))
    assert "Provisional results computed." in page
    # Nobody registers for a cancelled event, and its public page says why.
    auth.logout()
    client.post("/lang", data={"lang": "en"})
    public = _text(client.get(f"/registration/competitions/{comp.id}"))
    assert "Cancelled" in public and "报名人数不足" in public
    assert f"/registration/events/{empty.id}/register" not in public


def test_cancelling_after_results_are_published_is_refused(world, client, auth):
    comp, ev, empty = world["comp"], world["event"], world["empty"]
    comp.status = "in_progress"
    f.sign_off(ev, world["chief"])
    db.session.commit()
    _as(client, auth, "cityorg")
    client.post(f"/results/competitions/{comp.id}/compute")
    client.post(f"/results/competitions/{comp.id}/publish", data={"notice_days": "5"})
    db.session.expire_all()
    assert db.session.get(ResultSnapshot, db.session.execute(select(func.max(ResultSnapshot.id))).scalar()
                          ).status == "published"
    page = _text(client.post(f"/organize/events/{empty.id}/cancel", data={"reason": "太晚了"},
                             follow_redirects=True))
    assert "Results have been published; an event can no longer be cancelled." in page
    assert db.session.get(Event, empty.id).cancelled_at is None


def test_removing_an_event_after_the_draft_points_to_cancelling(world, client, auth):
    _as(client, auth, "cityorg")
    page = _text(client.post(f"/organize/events/{world['empty'].id}/delete", follow_redirects=True))
    assert "Events can only be removed while the competition is a draft; cancel the event instead" in page
    page = _text(client.get(f"/organize/competitions/{world['comp'].id}"))
    assert f"/organize/events/{world['empty'].id}/cancel" in page


# ---- assignments ---------------------------------------------------------------------------------------

def _crit(ev):
    return {c.code: c.id for p in ev.parts for c in p.criteria}


def test_removing_an_assignment_with_marks_says_who_can_change_it(world, client, auth):
    ev, judge = world["event"], world["judges"][0]
    assignment = db.session.execute(select(JudgeAssignment).where(JudgeAssignment.user_id == judge.id)).scalar_one()
    _as(client, auth, "cityorg")
    page = _text(client.post(f"/judging/assignments/{assignment.id}/delete", follow_redirects=True))
    assert "The chief judge can move or end it with a reason" in page
    assert db.session.get(JudgeAssignment, assignment.id) is not None and ev


def test_chief_narrows_a_mistaken_all_criteria_assignment_keeping_marks(world, client, auth):
    """Found: an "all criteria" assignment could not be narrowed once the judge had entered any mark."""
    ev, j1, j3 = world["event"], world["judges"][0], world["judges"][2]
    crit = _crit(ev)
    _as(client, auth, "chief")
    page = _text(client.get(f"/judging/events/{ev.id}/chief"))
    assert "Move or end an assignment" in page
    sign_off_refused = _text(client.post(f"/judging/events/{ev.id}/chief/sign-off", data={}, follow_redirects=True))
    assert "cannot be signed off" in sign_off_refused
    page = _narrow_j3(client, auth, world)
    assert "The assignment has been changed." in page
    rows = db.session.execute(select(JudgeAssignment.criterion_id).where(
        JudgeAssignment.user_id == j3.id, JudgeAssignment.event_id == ev.id)).scalars().all()
    assert sorted(rows) == sorted([crit["P1"], crit["P2"]])
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "judging.reassign")).scalar_one()
    assert entry.reason == "只评技能操作" and entry.new_value["kept"] == 0
    from competitions.judging.services import dashboard
    assert dashboard(db.session.get(Event, ev.id)).completeness.missing_count == 0

    # Ending j1's assignment and voiding their marks leaves none of them; each voided mark is audited.
    assert db.session.execute(select(func.count(Mark.id)).where(Mark.judge_id == j1.id)).scalar() == 15
    page = _text(client.post(f"/judging/events/{ev.id}/chief/panel", data={
        "judge_id": j1.id, "scope": "end", "marks": "void", "reason": "裁判员回避"}, follow_redirects=True))
    assert "The assignment has been changed." in page
    assert db.session.execute(select(func.count(Mark.id)).where(Mark.judge_id == j1.id)).scalar() == 0
    voided = db.session.execute(select(AuditEntry).where(AuditEntry.action == "mark.void")).scalars().all()
    assert len(voided) == 15 and all(v.reason == "裁判员回避" for v in voided)
    assert {v.old_value["value"] for v in voided} >= {"61", "41"}


def test_changing_an_assignment_needs_a_reason_the_chief_and_an_unlocked_event(world, client, auth):
    ev, j1 = world["event"], world["judges"][0]
    data = {"judge_id": j1.id, "scope": "all", "marks": "keep", "reason": ""}
    _as(client, auth, "chief")
    page = _text(client.post(f"/judging/events/{ev.id}/chief/panel", data=data, follow_redirects=True))
    assert "This field is required." in page
    _as(client, auth, "j2")  # not the chief of this event
    assert client.post(f"/judging/events/{ev.id}/chief/panel", data={**data, "reason": "x"}).status_code == 404
    f.sign_off(ev, world["chief"])
    db.session.commit()
    _as(client, auth, "chief")
    page = _text(client.post(f"/judging/events/{ev.id}/chief/panel", data={**data, "reason": "x"},
                             follow_redirects=True))
    assert "The event has been signed off; reopen it before changing assignments." in page
    assert Decimal(1)
