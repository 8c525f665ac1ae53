"""Results from sign-off to final: compute, publish for public notice, appeals, finalize; and every bad input."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select

from competitions.audit.models import AuditEntry
from competitions.extensions import db
from competitions.judging.models import EventSignOff, JudgeAssignment, Mark
from competitions.organize.models import Competition
from competitions.results.jobs import finalize_due_results
from competitions.results.models import Appeal, ResultEntry, ResultSnapshot
from competitions.results.services import notice_end
from tests import factories as f

# (name, employer key, code, theory, P1, P2) -> totals 86.50, 87.70, 73.50, 67.00, 50.00
PEOPLE = [
    ("张伟", "plant", "A01", 90, 50, 35),
    ("李娜", "works", "A02", 80, 55, 36),
    ("王强", "plant", "A03", 70, 45, 30),
    ("赵敏", "works", "A04", 60, 40, 30),
    ("刘洋", "plant", "A05", 50, 30, 20),
]


@pytest.fixture
def world(app, client):
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    f.user("westorg", "organizer", org=orgs["west"])
    chief = f.user("chief", "judge", org=orgs["city"])
    other = f.user("otherjudge", "judge", org=orgs["city"])
    f.user("worker1", "competitor", org=orgs["plant"])
    judges = [chief, f.user("j2", "judge", org=orgs["city"]), f.user("j3", "judge", org=orgs["city"])]
    comp = f.competition(orgs["city"])
    ev = f.event(comp)
    comp.status = "in_progress"
    db.session.add(JudgeAssignment(event_id=ev.id, user_id=chief.id, is_chief=True))
    db.session.add(JudgeAssignment(event_id=ev.id, user_id=other.id, is_chief=False))
    regs = {}
    for station, (name, employer, code, theory, p1, p2) in enumerate(PEOPLE, start=1):
        regs[code] = f.results_competitor(ev, orgs[employer], name=name, code=code, station=station)
        f.results_marks(ev, regs[code], judges, theory=theory, p1=p1, p2=p2)
    db.session.commit()
    client.post("/lang", data={"lang": "en"})
    return {"orgs": orgs, "comp": comp, "event": ev, "regs": regs, "judges": judges, "chief": chief}



def _flashes(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _snapshot(comp_id):
    return db.session.execute(select(ResultSnapshot).where(ResultSnapshot.competition_id == comp_id)
                              .order_by(ResultSnapshot.version.desc())).scalars().first()


def _entries(snapshot):
    return {e.anonymous_code: e for e in db.session.execute(
        select(ResultEntry).where(ResultEntry.snapshot_id == snapshot.id)).scalars()}


def _row(registration, **fields) -> dict:
    """One row of the deductions and time table (the table is one form, saved in one action)."""
    prefix = f"row-{registration.id}-"
    return {f"{prefix}registration_id": str(registration.id), **{prefix + k: v for k, v in fields.items()}}


def _compute(client, comp):
    return client.post(f"/results/competitions/{comp.id}/compute", follow_redirects=True)


def _publish(client, comp, days=5):
    return client.post(f"/results/competitions/{comp.id}/publish", data={"notice_days": str(days)},
                       follow_redirects=True)


def test_whole_workflow_from_sign_off_to_final(world, client, auth):
    comp, ev = world["comp"], world["event"]
    auth.login_as("cityorg")

    # Before sign-off: refused, naming the event.
    page = _flashes(_compute(client, comp))
    assert "Results can be computed only when every event is signed off; not yet: 电工." in page
    assert _snapshot(comp.id) is None

    f.sign_off(ev, world["chief"])
    db.session.commit()
    page = _flashes(_compute(client, comp))
    assert "Provisional results computed." in page
    snapshot = _snapshot(comp.id)
    assert snapshot.status == "provisional"
    entries = _entries(snapshot)
    codes = ("A02", "A01", "A03", "A04", "A05")
    assert [(c, entries[c].rank, str(entries[c].total), entries[c].prize) for c in codes] == [
        ("A02", 1, "87.70", "first"), ("A01", 2, "86.50", "second"), ("A03", 3, "73.50", "second"),
        ("A04", 4, "67.00", "third"), ("A05", 5, "50.00", "third")]
    # Provisional: codes shown to the organizer, names and employers not yet; nothing public.
    assert "A02" in page and "李娜" not in page and "西区电力公司工会" not in page
    assert client.get(f"/results/public/competitions/{comp.id}").status_code == 404
    assert client.get(f"/api/v1/results/competitions/{comp.id}").status_code == 404
    auth.logout()
    assert client.get(f"/results/public/competitions/{comp.id}").status_code == 404

    auth.login_as("cityorg")
    page = _flashes(_publish(client, comp))
    assert "The results are published for public notice." in page
    db.session.expire_all()
    assert db.session.get(Competition, comp.id).status == "results"
    snapshot = _snapshot(comp.id)
    assert snapshot.status == "published" and snapshot.notice_days == 5
    assert "李娜" in page

    # Publishing twice is refused.
    assert "These results are already published." in _flashes(_publish(client, comp))

    # The public sees names and employers, never an ID number.
    auth.logout()
    public = client.get(f"/results/public/competitions/{comp.id}")
    text = public.get_data(as_text=True)
    assert public.status_code == 200 and "李娜" in text and "西区电力公司工会" in text and "First prize" in text
    for reg in world["regs"].values():
        assert reg.worker.national_id not in text
        assert reg.worker.national_id[-6:] not in text
    listing = client.get("/results/public").get_data(as_text=True)
    assert comp.name in listing and f"/results/public/competitions/{comp.id}" in listing
    event_page = client.get(f"/results/public/events/{ev.id}").get_data(as_text=True)
    assert "张伟" in event_page and "Second prize" in event_page
    feed = client.get(f"/api/v1/results/competitions/{comp.id}").get_json()
    assert feed["results"]["status"] == "published"
    first = feed["events"][0]["entries"][0]
    assert first == {**first, "rank": 1, "name": "李娜", "total": "87.70", "prize": "first", "code": "A02"}
    assert "national_id" not in str(feed) and world["regs"]["A02"].worker.national_id not in str(feed)
    board = client.get(f"/results/board/{comp.id}").get_data(as_text=True)
    assert "results-board.js" in board and "李娜" in board

    # An appeal during the notice period, upheld: the event reopens to the chief judge.
    auth.login_as("cityorg")
    page = _flashes(client.post(f"/results/competitions/{comp.id}/appeals", data={
        "event_id": str(ev.id), "appellant": "王强", "competitor_code": "A03",
        "subject": "P2 安全文明 mark of judge 3 was entered wrongly"}, follow_redirects=True))
    assert "The appeal has been recorded." in page
    appeal = db.session.execute(select(Appeal)).scalar_one()
    assert appeal.registration_id == world["regs"]["A03"].id and appeal.decision == "pending"
    page = _flashes(client.post(f"/results/competitions/{comp.id}/finalize", follow_redirects=True))
    assert "The notice period is still running" in page
    page = _flashes(client.post(f"/results/appeals/{appeal.id}/decide",
                                data={"decision": "upheld", "reason": "Judge 3 typed 20 for 40"},
                                follow_redirects=True))
    assert "Appeal upheld" in page
    db.session.expire_all()
    assert db.session.execute(select(EventSignOff.locked).where(EventSignOff.event_id == ev.id)).scalar_one() is False
    assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "appeal_decided")).scalar_one().reason \
        == "Judge 3 typed 20 for 40"
    # Deciding twice is refused.
    page = _flashes(client.post(f"/results/appeals/{appeal.id}/decide",
                                data={"decision": "dismissed", "reason": "again"}, follow_redirects=True))
    assert "This appeal has already been decided." in page

    # While the event is open again, recomputing is refused; the chief judge corrects and re-signs.
    assert "not yet: 电工" in _flashes(_compute(client, comp))
    a03 = world["regs"]["A03"]
    p2 = next(c.id for p in ev.parts for c in p.criteria if c.code == "P2")
    for mark in db.session.execute(select(Mark).where(Mark.registration_id == a03.id,
                                                      Mark.criterion_id == p2)).scalars():
        mark.value = Decimal(40)
    db.session.execute(select(EventSignOff).where(EventSignOff.event_id == ev.id)).scalar_one().locked = True
    db.session.commit()
    assert "Provisional results computed." in _flashes(_compute(client, comp))
    # The old results stay public until the corrected ones are published.
    assert _snapshot(comp.id).version == 2
    assert client.get(f"/api/v1/results/competitions/{comp.id}").get_json()["results"]["version"] == 1
    _publish(client, comp, days=3)
    db.session.expire_all()
    statuses = {s.version: s.status for s in db.session.execute(select(ResultSnapshot)).scalars()}
    assert statuses == {1: "superseded", 2: "published"}
    corrected = _entries(_snapshot(comp.id))["A03"]
    assert str(corrected.total) == "80.50" and corrected.rank == 3

    # The job finalizes once the notice period is over, and a second run changes nothing.
    snapshot = _snapshot(comp.id)
    assert finalize_due_results(now=snapshot.notice_ends_at - timedelta(minutes=1)) == {
        "finalized_competitions": [], "held_competitions": []}
    assert finalize_due_results(now=snapshot.notice_ends_at + timedelta(minutes=1)) == {
        "finalized_competitions": [comp.id], "held_competitions": []}
    db.session.commit()
    assert finalize_due_results(now=snapshot.notice_ends_at + timedelta(days=1))["finalized_competitions"] == []
    assert _snapshot(comp.id).status == "final"
    auth.logout()
    assert "Final results" in client.get(f"/results/public/competitions/{comp.id}").get_data(as_text=True)

    # After the notice period: an appeal is refused with a message; recomputing too.
    auth.login_as("cityorg")
    page = _flashes(client.post(f"/results/competitions/{comp.id}/appeals", data={
        "event_id": str(ev.id), "appellant": "刘洋", "subject": "late"}, follow_redirects=True))
    assert "The notice period is over; appeals can no longer be recorded." in page
    assert "The results are final; nothing can change any more." in _flashes(_compute(client, comp))


def test_organizer_finalizes_after_the_notice_period(world, client, auth):
    comp = world["comp"]
    f.sign_off(world["event"])
    db.session.commit()
    auth.login_as("cityorg")
    _compute(client, comp)
    _publish(client, comp)
    snapshot = _snapshot(comp.id)
    snapshot.notice_ends_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    page = _flashes(client.post(f"/results/competitions/{comp.id}/finalize", follow_redirects=True))
    assert "The results are final." in page
    assert _snapshot(comp.id).status == "final" and _snapshot(comp.id).finalized_by_id is not None


def test_pending_appeal_holds_results_back(world, client, auth):
    comp = world["comp"]
    f.sign_off(world["event"])
    db.session.commit()
    auth.login_as("cityorg")
    _compute(client, comp)
    _publish(client, comp)
    client.post(f"/results/competitions/{comp.id}/appeals",
                data={"event_id": str(world["event"].id), "appellant": "李娜", "subject": "theory"})
    snapshot = _snapshot(comp.id)
    later = snapshot.notice_ends_at + timedelta(hours=1)
    assert finalize_due_results(now=later) == {"finalized_competitions": [], "held_competitions": [comp.id]}
    appeal = db.session.execute(select(Appeal)).scalar_one()
    client.post(f"/results/appeals/{appeal.id}/decide", data={"decision": "dismissed", "reason": "marks checked"})
    assert finalize_due_results(now=later)["finalized_competitions"] == [comp.id]


@pytest.mark.parametrize("published_local, days, ends_local", [
    ("2026-12-21 10:00", 5, "2026-12-29 00:00"),   # Monday: Tue..Fri + Mon, ends at midnight after Monday 28th
    ("2026-12-18 16:00", 5, "2026-12-26 00:00"),   # Friday: Mon 21 .. Fri 25
    ("2026-12-19 09:00", 1, "2026-12-22 00:00"),   # Saturday: the next working day is Monday 21
])
def test_notice_period_counts_working_days(app, published_local, days, ends_local):
    zone = ZoneInfo("Asia/Shanghai")
    published = datetime.fromisoformat(published_local).replace(tzinfo=zone)
    assert notice_end(published, days, zone) == datetime.fromisoformat(ends_local).replace(tzinfo=zone)


def test_event_with_no_marks_is_refused(world, client, auth):
    comp = world["comp"]
    comp.status = "closed"
    empty = f.event(comp, trade_name="焊工", trade_code="WELD")
    # An entrant but no marks (an event nobody was approved for is left out instead: test_lifecycle_guards).
    f.results_competitor(empty, world["orgs"]["plant"], name="孙丽", code="W01", station=1)
    comp.status = "in_progress"
    f.sign_off(world["event"])
    f.sign_off(empty)
    db.session.commit()
    auth.login_as("cityorg")
    assert "The event 焊工 has no marks." in _flashes(_compute(client, comp))
    assert _snapshot(comp.id) is None


def test_criterion_left_with_too_few_judges_by_recusal_is_refused(world, client, auth):
    comp, ev = world["comp"], world["event"]
    p1 = next(c.id for p in ev.parts for c in p.criteria if c.code == "P1")
    # j3 was recused from A04 (same employer): their P1 mark is not there.
    db.session.execute(Mark.__table__.delete().where(Mark.registration_id == world["regs"]["A04"].id,
                                                     Mark.criterion_id == p1,
                                                     Mark.judge_id == world["judges"][2].id))
    f.sign_off(ev)
    db.session.commit()
    auth.login_as("cityorg")
    page = _flashes(_compute(client, comp))
    assert "Criterion P1 has marks from 2 judge(s) but needs 3; assign another judge or review the recusals." in page
    # The chief judge sees the same problem, naming the competitor by code.
    auth.login_as("chief")
    page = client.get(f"/results/events/{ev.id}/adjustments").get_data(as_text=True)
    assert "Cannot be ranked yet" in page and "Criterion P1 has marks from 2 judge(s)" in page


def test_proportion_that_does_not_fit_the_entrants_is_refused(app, client, auth):
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    judges = [f.user(f"j{i}", "judge", org=orgs["city"]) for i in range(3)]
    comp = f.competition(orgs["city"])
    ev = f.event(comp)
    ev.award_rule = {"mode": "proportions", "first": 10, "second": 20, "third": 30}
    comp.status = "in_progress"
    for i, code in enumerate(("B01", "B02")):
        reg = f.results_competitor(ev, orgs["plant"], name=f"工人{i}", code=code, station=i + 1)
        f.results_marks(ev, reg, judges, theory=80 - i, p1=50, p2=30)
    f.sign_off(ev)
    db.session.commit()
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    page = _flashes(_compute(client, comp))
    assert ("The award proportions of 电工 give 3 prizes but the event has only 2 entrants;"
            " change the award rule.") in page


def test_no_tied_places_goes_to_the_chief_judge(world, client, auth):
    comp, ev = world["comp"], world["event"]
    # A06 has exactly A05's figures: equal on total, practical and (unrecorded) time. Bands 1/2/2: the tie at
    # places 5-6 decides the last third prize (a tie that decides nothing shares its place, issue 10 §5).
    ev.award_rule = {"mode": "bands", "first": 1, "second": 2, "third": 2}
    reg = f.results_competitor(ev, world["orgs"]["works"], name="孙丽", code="A06", station=6)
    f.results_marks(ev, reg, world["judges"], theory=50, p1=30, p2=20)
    db.session.commit()
    auth.login_as("chief")
    client.post(f"/results/events/{ev.id}/tie-mode", data={"tie-tie_mode": "no_tied_places"})
    page = client.get(f"/results/events/{ev.id}/adjustments").get_data(as_text=True)
    assert "Ties for the chief judge" in page and "A05, A06" in page
    f.sign_off(ev)
    db.session.commit()
    auth.login_as("cityorg")
    assert "The chief judge must first decide the order of the tied competitors in 电工." in _flashes(
        _compute(client, comp))
    auth.login_as("chief")
    page = _flashes(client.post(f"/results/events/{ev.id}/tie-decision",
                                data={"order": "A01, A02", "reason": "x"}, follow_redirects=True))
    assert "These competitors are not one group still tied: A01, A02." in page
    page = _flashes(client.post(f"/results/events/{ev.id}/tie-decision",
                                data={"order": "A06, A05", "reason": "A06 finished the safety check first"},
                                follow_redirects=True))
    assert "The chief judge's decision has been recorded." in page
    auth.login_as("cityorg")
    assert "Provisional results computed." in _flashes(_compute(client, comp))
    entries = _entries(_snapshot(comp.id))
    assert (entries["A06"].rank, entries["A05"].rank) == (5, 6)
    assert entries["A06"].decided_by_chief_judge and not entries["A06"].tied


def test_shared_places_and_time_used_tie_break(world, client, auth):
    comp, ev = world["comp"], world["event"]
    ev.tie_break = ["part:practical", "time_used"]
    tied = [f.results_competitor(ev, world["orgs"]["works"], name=n, code=c, station=s)
            for n, c, s in (("孙丽", "A06", 6), ("周杰", "A07", 7))]
    for reg in tied:
        f.results_marks(ev, reg, world["judges"], theory=50, p1=30, p2=20)
    db.session.commit()
    auth.login_as("chief")
    # Only A07's time is recorded at first: less time used breaks A07 ahead; A05 and A06 then record equal times.
    response = client.post(f"/results/events/{ev.id}/adjustments", data=_row(tied[1], time_used="85:30"),
                           follow_redirects=True)
    assert "Saved 1 row(s)." in response.get_data(as_text=True)
    f.sign_off(ev)
    db.session.commit()
    auth.login_as("cityorg")
    # A05 and A06 have no time, and time decides their places against A07: flagged, not silently ranked last.
    page = _flashes(_compute(client, comp))
    assert "competitor A05 at station 5" in page and "No time used is recorded" in page
    assert _snapshot(comp.id) is None
    ev.competition.status = "in_progress"
    from competitions.judging.models import EventSignOff

    db.session.execute(delete(EventSignOff).where(EventSignOff.event_id == ev.id))
    db.session.commit()
    auth.login_as("chief")
    client.post(f"/results/events/{ev.id}/adjustments",
                data={**_row(world["regs"]["A05"], time_used="90:00"), **_row(tied[0], time_used="90:00")})
    f.sign_off(ev)
    db.session.commit()
    auth.login_as("cityorg")
    _compute(client, comp)
    entries = _entries(_snapshot(comp.id))
    assert entries["A07"].rank == 5 and entries["A07"].time_used_seconds == 5130
    assert (entries["A05"].rank, entries["A06"].rank) == (6, 6) and entries["A05"].tied


def test_deductions_and_disqualification_are_recorded_and_audited(world, client, auth):
    comp, ev, regs = world["comp"], world["event"], world["regs"]
    auth.login_as("chief")
    url = f"/results/events/{ev.id}/adjustments"
    page = client.post(url, data=_row(regs["A02"], deduction_points="2"),
                       follow_redirects=True).get_data(as_text=True)
    assert "Give the reason for the deduction." in page
    page = client.post(url, data=_row(regs["A01"], disqualified="y"),
                       follow_redirects=True).get_data(as_text=True)
    assert "Give the reason for the disqualification." in page
    page = client.post(url, data=_row(regs["A02"], time_used="1:2:3"),
                       follow_redirects=True).get_data(as_text=True)
    assert "Write the time used as minutes:seconds, e.g. 85:30." in page
    client.post(url, data=_row(regs["A02"], deduction_points="2", deduction_reason="工位未清理"))
    client.post(url, data=_row(regs["A01"], disqualified="y", disqualification_reason="未戴绝缘手套带电作业"))
    audit = db.session.execute(select(AuditEntry).where(AuditEntry.action == "result_adjustment")
                               .order_by(AuditEntry.id)).scalars().all()
    assert [a.reason for a in audit] == ["工位未清理", "未戴绝缘手套带电作业"]
    assert audit[1].new_value["disqualified"] is True and audit[1].actor.username == "chief"
    f.sign_off(ev)
    db.session.commit()
    auth.login_as("cityorg")
    _compute(client, comp)
    entries = _entries(_snapshot(comp.id))
    assert str(entries["A02"].total) == "85.70" and str(entries["A02"].deductions) == "2.00"
    assert entries["A01"].disqualified and entries["A01"].rank is None and entries["A01"].prize is None
    assert entries["A01"].position == 5 and entries["A02"].rank == 1


def test_deductions_and_times_of_every_row_save_in_one_action_or_not_at_all(world, client, auth):
    """Found: the deductions and time page saved one row per button press (issue 11 §6)."""
    ev, regs = world["event"], world["regs"]
    auth.login_as("chief")
    url = f"/results/events/{ev.id}/adjustments"
    page = client.get(url).get_data(as_text=True)
    assert page.count("Save all rows") == 1 and page.count('<form method="post" action="' + url) == 1
    bad = {**_row(regs["A01"], time_used="80:00"), **_row(regs["A02"], deduction_points="2")}
    page = html.unescape(client.post(url, data=bad).get_data(as_text=True))
    assert "A02: Give the reason for the deduction." in page and "Nothing was saved" in page
    assert 'value="80:00"' in page  # what was typed stays on the page
    assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "result_adjustment")).first() is None
    good = {**bad, **_row(regs["A02"], deduction_points="2", deduction_reason="工位未清理")}
    page = client.post(url, data=good, follow_redirects=True).get_data(as_text=True)
    assert "Saved 2 row(s)." in page
    assert len(db.session.execute(select(AuditEntry).where(AuditEntry.action == "result_adjustment")).all()) == 2


def test_adjustments_freeze_once_published(world, client, auth):
    comp, ev = world["comp"], world["event"]
    f.sign_off(ev)
    db.session.commit()
    auth.login_as("cityorg")
    _compute(client, comp)
    _publish(client, comp)
    auth.login_as("chief")
    page = client.post(f"/results/events/{ev.id}/adjustments", data=_row(world["regs"]["A01"], time_used="80:00"),
                       follow_redirects=True).get_data(as_text=True)
    assert "The results are published; only an upheld appeal can reopen this event." in page


def test_consistency_report_for_chief_judge(world, client, auth):
    ev = world["event"]
    generous = world["judges"][2]
    p1 = next(c.id for p in ev.parts for c in p.criteria if c.code == "P1")
    for mark in db.session.execute(select(Mark).where(Mark.judge_id == generous.id,
                                                      Mark.criterion_id == p1)).scalars():
        mark.value = mark.value + 3
    db.session.commit()
    auth.login_as("chief")
    page = client.get(f"/results/events/{ev.id}/consistency").get_data(as_text=True)
    # J3 marked P1 3 points above the others (+2 from the panel mean, the others -1) and agreed on P2.
    assert "<td>J3</td><td class=\"num\">10</td>" in page and "+1.00" in page and "-0.50" in page


def test_standardised_scores_on_the_public_page(world, client, auth):
    comp = world["comp"]
    f.sign_off(world["event"])
    db.session.commit()
    auth.login_as("cityorg")
    _compute(client, comp)
    _publish(client, comp)
    auth.logout()
    page = client.get(f"/results/public/competitions/{comp.id}?standardise=1&centre=500&spread=100")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "All events on one scale" in text
    # Mean 72.94, population SD 13.88: 李娜 is at 500 + 1.06 x 100, 刘洋 at 500 - 1.65 x 100.
    assert "606.32" in text and "334.75" in text


def test_exports_carry_the_results(world, client, auth):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    comp = world["comp"]
    f.sign_off(world["event"])
    db.session.commit()
    auth.login_as("cityorg")
    _compute(client, comp)
    book = load_workbook(BytesIO(client.get(f"/results/competitions/{comp.id}/export.xlsx").data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[3][:4] == ("1", "A02", None, None)  # provisional: no names
    _publish(client, comp)
    book = load_workbook(BytesIO(client.get(f"/results/competitions/{comp.id}/export.xlsx").data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[2][:4] == ("Place", "Code", "Name", "Employer")
    assert rows[3][:4] == ("1", "A02", "李娜", "西区电力公司工会") and rows[3][-2:] == (87.7, "First prize")
    response = client.get(f"/results/competitions/{comp.id}/export.pdf")
    assert response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)
    assert "李娜" in text and "87.70" in text and "First prize" in text
    for reg in world["regs"].values():
        assert reg.worker.national_id not in text
    _render_pdf(response.data, "results-pdf-en")


def _render_pdf(data: bytes, name: str) -> None:
    """Render the first page with pdftoppm into tests/artifacts (for a look) and check it is not blank."""
    import shutil
    import subprocess

    from tests.conftest import ARTIFACTS

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(ARTIFACTS / name)], check=True)
    source.unlink()
    png = (ARTIFACTS / f"{name}.png").read_bytes()
    # A blank landscape A4 page at 60 dpi compresses to about 1 KB; a page with the results table is far larger.
    assert png.startswith(b"\x89PNG") and len(png) > 8000


def test_cli_computes_and_publishes(world, runner):
    comp = world["comp"]
    result = runner.invoke(args=["results", "compute", str(comp.id)])
    assert result.exit_code == 1 and "not yet: 电工" in result.output
    f.sign_off(world["event"])
    db.session.commit()
    assert runner.invoke(args=["results", "compute", str(comp.id)]).exit_code == 0
    result = runner.invoke(args=["results", "publish", str(comp.id), "--notice-days", "3"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["results", "publish", str(comp.id)])
    assert result.exit_code == 1 and "already published" in result.output
    assert runner.invoke(args=["results", "finalize-due"]).output.startswith("0 result(s) made final")


def test_scheduler_lists_the_finalize_job(app):
    from competitions.scheduler import JOBS

    job = next(j for j in JOBS if j.name == "finalize_due_results")
    assert job.function() is finalize_due_results


@pytest.mark.parametrize("username, url, expected", [
    (None, "/results/competitions/{comp}", 302),
    ("worker1", "/results/competitions/{comp}", 403),
    ("westorg", "/results/competitions/{comp}", 404),
    ("cityorg", "/results/competitions/{comp}", 200),
    ("chief", "/results/competitions/{comp}", 403),
    ("chief", "/results/events/{event}/adjustments", 200),
    ("chief", "/results/events/{event}/consistency", 200),
    ("otherjudge", "/results/events/{event}/adjustments", 404),
    ("otherjudge", "/results/events/{event}/consistency", 404),
    ("westorg", "/results/events/{event}/adjustments", 404),
    ("cityorg", "/results/events/{event}/adjustments", 200),
    ("worker1", "/results/events/{event}/adjustments", 403),
    (None, "/results/events/{event}/adjustments", 302),
    ("westorg", "/results/competitions/{comp}/export.xlsx", 404),
    ("chief", "/results/competitions/{comp}/export.pdf", 403),
])
def test_route_roles(world, client, auth, username, url, expected):
    if username:
        auth.login(username)
    response = client.get(url.format(comp=world["comp"].id, event=world["event"].id))
    assert response.status_code == expected


def test_other_organizer_cannot_act_on_results(world, client, auth):
    comp = world["comp"]
    f.sign_off(world["event"])
    db.session.commit()
    auth.login("westorg")
    assert client.post(f"/results/competitions/{comp.id}/compute").status_code == 404
    assert _snapshot(comp.id) is None


@pytest.mark.parametrize("typed, seconds", [("85:30", 5130), ("85：30", 5130), ("90", 5400), ("", None), (" 0:05 ", 5)])
def test_time_used_is_read_as_minutes_and_seconds(typed, seconds):
    from competitions.results.forms import parse_time_used

    assert parse_time_used(typed) == seconds


def test_competition_not_in_progress_and_bad_notice_period_are_refused(world, client, auth):
    comp = world["comp"]
    f.sign_off(world["event"])
    comp.status = "open"  # a closed one moves on to "in progress" by itself (test_lifecycle_guards)
    db.session.commit()
    auth.login_as("cityorg")
    assert "Results can be computed once registration is closed and judging has begun." in _flashes(
        _compute(client, comp))
    comp.status = "in_progress"
    db.session.commit()
    assert "Compute the provisional results first." in _flashes(_publish(client, comp))
    _compute(client, comp)
    assert "The notice period must be 1 to 30 working days." in _flashes(_publish(client, comp, days=0))
    assert _snapshot(comp.id).status == "provisional"


def test_tie_decision_is_refused_when_places_are_shared(world, client, auth):
    ev = world["event"]
    auth.login_as("chief")
    page = _flashes(client.post(f"/results/events/{ev.id}/tie-decision",
                                data={"order": "A05, A04", "reason": "x"}, follow_redirects=True))
    assert "This event shares tied places; there is no tie for the chief judge to decide." in page


def _published(world, client, auth):
    f.sign_off(world["event"])
    db.session.commit()
    auth.login_as("cityorg")
    _compute(client, world["comp"])
    _publish(client, world["comp"])
    auth.logout()
    client.post("/lang", data={"lang": "en"})


def test_public_standing_rows_show_places_figures_and_prizes(world, client, auth):
    ev = world["event"]
    ev.tie_break = ["part:practical"]  # no time tie-break: nobody's time is recorded (issue 10 §8 flags that)
    tied = [f.results_competitor(ev, world["orgs"]["works"], name=n, code=c, station=s)
            for n, c, s in (("孙丽", "A06", 6), ("周<b>杰", "A07", 7))]
    for reg in tied:
        f.results_marks(ev, reg, world["judges"], theory=50, p1=30, p2=20)
    _published(world, client, auth)
    page = client.get(f"/results/public/events/{ev.id}").get_data(as_text=True)
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    rows = body.split("<tr ")[1:]
    assert [r[r.index('class="code">') + 13:r.index("</td>", r.index('class="code">'))] for r in rows] == [
        "A02", "A01", "A03", "A04", "A05", "A06", "A07"]
    assert rows[0].startswith('class="prize-first"') and "First prize" in rows[0] and "87.70" in rows[0]
    # A05, A06 and A07 are equal on everything: they share 5th place, marked as shared.
    assert all('rank">5<span class="tie" title="Shared place">=</span>' in r for r in rows[4:])
    # Names are escaped, never markup.
    assert "周&lt;b&gt;杰" in body and "周<b>杰" not in page


def test_a_visitor_without_a_cookie_gets_a_page_any_proxy_may_share(world, client, auth, app):
    comp, ev = world["comp"], world["event"]
    _published(world, client, auth)
    visitor = app.test_client()
    url = f"/results/public/events/{ev.id}"
    page = visitor.get(url, headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert "public" in page.headers["Cache-Control"] and "max-age=60" in page.headers["Cache-Control"]
    assert {"Accept-Language", "Cookie"} <= set(page.headers["Vary"].replace(" ", "").split(","))
    body = page.get_data(as_text=True)
    assert "csrf" not in body.lower()  # nothing of one visitor in it
    assert "First prize" in body
    # Switching language (a GET form for visitors) sets their own cookie; their pages are then private.
    switched = visitor.get("/lang?lang=zh", headers={"Referer": f"http://localhost{url}"})
    assert switched.status_code == 302 and "session=" in switched.headers["Set-Cookie"]
    page = visitor.get(url, headers={"Accept-Language": "en"})
    assert "一等奖" in page.get_data(as_text=True) and "private" in page.headers["Cache-Control"]
    assert visitor.get(f"/results/public/competitions/{comp.id}").headers["Cache-Control"].startswith("private")


def test_public_pages_are_revalidated_by_etag_and_change_with_the_snapshot(world, client, auth):
    comp, ev = world["comp"], world["event"]
    _published(world, client, auth)
    for url in (f"/results/public/events/{ev.id}", f"/results/public/competitions/{comp.id}"):
        first = client.get(url)
        assert first.status_code == 200 and first.headers["ETag"].startswith('W/"results-')
        # Private: the page carries the visitor's CSRF token, so no shared cache may keep it.
        assert "private" in first.headers["Cache-Control"] and "public" not in first.headers["Cache-Control"]
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.get_data() == b""
        assert client.get(url, headers={"If-None-Match": 'W/"something-else"'}).status_code == 200
        # Another language is another page.
        client.post("/lang", data={"lang": "zh"})
        assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
        client.post("/lang", data={"lang": "en"})
    # Final results are a different page: the old copy is not "not modified" any more.
    url = f"/results/public/events/{ev.id}"
    old_tag = client.get(url).headers["ETag"]
    snapshot = _snapshot(comp.id)
    finalize_due_results(now=snapshot.notice_ends_at + timedelta(minutes=1))
    db.session.commit()
    final = client.get(url, headers={"If-None-Match": old_tag})
    assert final.status_code == 200 and "Final results" in final.get_data(as_text=True)
    # A signed-in visitor's page shows their own menu: never cached.
    auth.login_as("cityorg")
    assert "ETag" not in client.get(url).headers
