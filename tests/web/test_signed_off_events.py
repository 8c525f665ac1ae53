# ruff: noqa: F811 - the imported fixture ``w`` is a parameter of every test and helper here
"""review2's judging findings around sign-off: a short panel blocks it (M6), a signed-off event's panel is
frozen (M7), the chief judge or the organizer reopens it with a reason before results are published (M5),
and the chief judge takes back a recusal override (L14)."""

from __future__ import annotations

from sqlalchemy import select

from competitions.audit.models import AuditEntry
from competitions.extensions import db
from competitions.judging import services
from competitions.judging.models import JudgeAssignment, Mark, RecusalOverride
from competitions.results.models import ResultSnapshot
from tests.web.test_judging import _count, _fill, _post, _submit_all, w  # noqa: F401 - the judging world


def _needs_three_judges(w):
    """P1 and P2 marked by all three panel judges: K01 (plant) and K02 (works) lose one each to recusal."""
    for code in ("P1", "P2"):
        w.crit[code].judges_required = 3
    db.session.commit()


def _signed_off(w):
    _fill(w)
    _submit_all(w)
    services.sign_off_event(w.ev, actor=w.chief)
    db.session.commit()


def _page(client, url, **data):
    return client.post(url, data=data, follow_redirects=True).get_data(as_text=True)


def _lang(client, lang):
    client.post("/lang", data={"lang": lang})


# ---- M6: a short panel blocks sign-off ---------------------------------------------------------

def test_sign_off_is_refused_while_recusal_leaves_a_panel_short(w, client, auth, runner):
    _needs_three_judges(w)
    _fill(w)
    _submit_all(w)
    auth.login("chief")
    _lang(client, "en")
    board = client.get(f"/judging/events/{w.ev.id}/chief").get_data(as_text=True)
    assert "Station 1 (K01), P1: 2 of 3 judges" in board
    page = _page(client, f"/judging/events/{w.ev.id}/chief/sign-off")
    assert ("after recusal, 4 competitor/criterion pair(s) have fewer judges than the marking scheme requires. "
            "First: competitor K01 at station 1, criterion P1, 2 of 3 judges.") in page
    _lang(client, "zh")
    page = _page(client, f"/judging/events/{w.ev.id}/chief/sign-off")
    assert "回避后有 4 个选手/评分项的裁判人数少于评分标准的要求" in page and "2 / 3 名裁判" in page
    refused = runner.invoke(args=["judging", "sign-off", str(w.ev.id), "--as", "chief"])
    assert refused.exit_code == 1 and "fewer judges than the marking scheme requires" in refused.output
    assert not services.is_locked(w.ev.id) and _count(AuditEntry, AuditEntry.action == "event.lock") == 0


def test_a_panel_made_whole_by_lifting_the_recusals_signs_off(w):
    _needs_three_judges(w)
    for judge, reg in ((w.j_plant, w.a), (w.j_works, w.b)):
        services.override_recusal(w.ev, actor=w.chief, judge_id=judge.id, registration_id=reg.id,
                                  reason="裁判不足，经裁判长批准")
    db.session.commit()
    _signed_off(w)
    assert services.is_locked(w.ev.id)


def test_an_absent_competitor_short_of_judges_does_not_block(w):
    from competitions.results.models import ResultAdjustment

    w.crit["P1"].judges_required = 3
    w.crit["P2"].judges_required = 3
    for reg in (w.a, w.b):
        db.session.add(ResultAdjustment(event_id=w.ev.id, registration_id=reg.id, absent=True))
    db.session.commit()
    _signed_off(w)
    assert services.is_locked(w.ev.id)


# ---- M7: the panel of a signed-off event is frozen ---------------------------------------------

def test_no_judge_is_assigned_to_or_removed_from_a_signed_off_event(w, client, auth, runner):
    _signed_off(w)
    auth.login("cityorg")
    _lang(client, "en")
    before = _count(JudgeAssignment)
    page = _page(client, f"/judging/events/{w.ev.id}/assignments", user_id=w.j_other.id, criterion_id="")
    assert "The event has been signed off: its judges and recusals can no longer change. Reopen the event first" in page
    assert 'id="reopen-event"' in page
    row = db.session.execute(select(JudgeAssignment).where(JudgeAssignment.user_id == w.j_city.id)).scalars().first()
    page = _page(client, f"/judging/assignments/{row.id}/delete")
    assert "its judges and recusals can no longer change" in page
    cli = runner.invoke(args=["judging", "assign", str(w.ev.id), "j_other"])
    assert cli.exit_code == 1 and "Reopen the event first" in cli.output
    assert _count(JudgeAssignment) == before
    dashboard = services.dashboard(w.ev)
    assert dashboard.completeness.missing_count == 0 and dashboard.percent_complete == 100
    _lang(client, "zh")
    page = _page(client, f"/judging/events/{w.ev.id}/assignments", user_id=w.j_other.id, criterion_id="")
    assert "本项目已签字确认：裁判和回避不能再更改" in page


def test_the_chief_judge_can_still_be_replaced_after_sign_off(w):
    _signed_off(w)
    services.assign_judge(w.ev, actor=None, user_id=w.j_other.id, is_chief_judge=True)
    db.session.commit()
    assert services.chief_of(w.ev.id).id == w.j_other.id and services.is_locked(w.ev.id)


# ---- M5: reopening from the pages ---------------------------------------------------------------

def test_chief_judge_reopens_with_a_reason_audited(w, client, auth, runner):
    _signed_off(w)
    auth.login("chief")
    _lang(client, "en")
    board = client.get(f"/judging/events/{w.ev.id}/chief").get_data(as_text=True)
    assert f'action="/judging/events/{w.ev.id}/chief/reopen"' in board
    page = _page(client, f"/judging/events/{w.ev.id}/chief/reopen", reason="  ")
    assert "Give the reason for reopening the event." in page and services.is_locked(w.ev.id)
    cli = runner.invoke(args=["judging", "reopen", str(w.ev.id), "--reason", "签字\x1b过早"])
    assert cli.exit_code == 1 and "control character" in cli.output and services.is_locked(w.ev.id)
    page = _page(client, f"/judging/events/{w.ev.id}/chief/reopen", reason="签字过早，需增派裁判")
    assert "The event has been reopened" in page and not services.is_locked(w.ev.id)
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "event.unlock")).scalar_one()
    assert entry.actor_id == w.chief.id and entry.reason == "签字过早，需增派裁判"
    assert 'id="sign-off"' in page
    # Reopened: the organizer can add the judge now.
    services.assign_judge(w.ev, actor=None, user_id=w.j_other.id)


def test_organizer_reopens_from_the_assignments_page_other_judges_cannot(w, client, auth):
    _signed_off(w)
    auth.login("j_city")  # a panel judge, not the chief
    assert client.post(f"/judging/events/{w.ev.id}/chief/reopen", data={"reason": "x"}).status_code == 404
    auth.login("westorg")  # an organizer of another branch of the union tree
    assert client.post(f"/judging/events/{w.ev.id}/reopen", data={"reason": "x"}).status_code == 404
    assert services.is_locked(w.ev.id)
    auth.login("cityorg")
    _lang(client, "zh")
    page = _page(client, f"/judging/events/{w.ev.id}/reopen", reason="需增派裁判")
    assert "项目已重新打开" in page and not services.is_locked(w.ev.id)


def test_after_publication_only_an_upheld_appeal_reopens(w, client, auth, runner):
    _signed_off(w)
    db.session.add(ResultSnapshot(competition_id=w.comp.id, status="published"))
    db.session.commit()
    auth.login("chief")
    _lang(client, "en")
    board = client.get(f"/judging/events/{w.ev.id}/chief").get_data(as_text=True)
    assert 'id="reopen-by-appeal"' in board and 'id="reopen-event"' not in board  # no button that always fails
    page = _page(client, f"/judging/events/{w.ev.id}/chief/reopen", reason="想改分")
    assert "The results of this competition are published: the event is reopened only by upholding an appeal" in page
    cli = runner.invoke(args=["judging", "reopen", str(w.ev.id), "--reason", "想改分"])
    assert cli.exit_code == 1 and "upholding an appeal" in cli.output
    assert services.is_locked(w.ev.id) and _count(AuditEntry, AuditEntry.action == "event.unlock") == 0
    # The appeal's own way stays open.
    services.reopen_event(w.ev, actor=None, reason="申诉成立")
    assert not services.is_locked(w.ev.id)


# ---- L14: restoring a recusal -------------------------------------------------------------------

def test_chief_judge_restores_a_recusal_withdrawing_the_marks_given_meanwhile(w, client, auth):
    override = services.override_recusal(w.ev, actor=w.chief, judge_id=w.j_plant.id, registration_id=w.a.id,
                                         reason="裁判不足")
    db.session.commit()
    auth.login("j_plant")
    assert _post(client, w.a, w.crit["P1"], "30").status_code == 201
    auth.login("chief")
    _lang(client, "en")
    board = client.get(f"/judging/events/{w.ev.id}/chief").get_data(as_text=True)
    assert f"/chief/overrides/{override.id}/restore" in board
    page = _page(client, f"/judging/events/{w.ev.id}/chief/overrides/{override.id}/restore", reason="")
    assert "Give the reason for restoring the recusal." in page and _count(RecusalOverride) == 1
    page = _page(client, f"/judging/events/{w.ev.id}/chief/overrides/{override.id}/restore", reason="误操作")
    assert "The recusal is in force again" in page
    assert _count(RecusalOverride) == 0 and _count(Mark, Mark.judge_id == w.j_plant.id) == 0
    assert services.recusal_reason(w.ev, w.j_plant, w.a) is not None
    actions = db.session.execute(select(AuditEntry.action, AuditEntry.reason).where(
        AuditEntry.action.in_(("recusal.restore", "mark.withdraw")))).all()
    assert sorted(actions) == [("mark.withdraw", "误操作"), ("recusal.restore", "误操作")]
    auth.login("j_plant")
    assert _post(client, w.a, w.crit["P2"], "30").status_code == 403


def test_restoring_is_the_chief_judges_and_not_after_sign_off(w, client, auth):
    override = services.override_recusal(w.ev, actor=w.chief, judge_id=w.j_plant.id, registration_id=w.a.id,
                                         reason="裁判不足")
    db.session.commit()
    auth.login("j_city")
    url = f"/judging/events/{w.ev.id}/chief/overrides/{override.id}/restore"
    assert client.post(url, data={"reason": "x"}).status_code == 404
    _signed_off(w)
    auth.login("chief")
    _lang(client, "en")
    page = _page(client, url, reason="误操作")
    assert "its judges and recusals can no longer change" in page and _count(RecusalOverride) == 1
    other = f"/judging/events/{w.ev2.id}/chief/overrides/{override.id}/restore"
    assert client.post(other, data={"reason": "x"}).status_code == 404  # not the chief of that event


def test_override_and_restore_by_command(w, runner):
    args = [str(w.ev.id), "j_plant", "K01", "--as", "chief", "--reason", "裁判不足"]
    done = runner.invoke(args=["judging", "override-recusal", *args])
    assert done.exit_code == 0, done.output
    assert services.recusal_reason(w.ev, w.j_plant, w.a) is None
    not_chief = runner.invoke(args=["judging", "restore-recusal", *args[:3], "--as", "j_city", "--reason", "误操作"])
    assert not_chief.exit_code == 1 and _count(RecusalOverride) == 1
    done = runner.invoke(args=["judging", "restore-recusal", *args[:3], "--as", "chief", "--reason", "误操作"])
    assert done.exit_code == 0, done.output
    assert services.recusal_reason(w.ev, w.j_plant, w.a) is not None and _count(RecusalOverride) == 0
    again = runner.invoke(args=["judging", "restore-recusal", *args[:3], "--as", "chief", "--reason", "误操作"])
    assert again.exit_code == 1 and "No override" in again.output
