"""Each role starts where its work is (issue 11 §6).

Found: after login everyone landed on the public home page; a worker could not see their own place or prize,
nor appeal online; the Register button showed for judges and organizers; the register page showed the form
again to someone already registered; organizers could not create judge accounts; no favicon.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from competitions.auth.models import User
from competitions.extensions import db
from competitions.judging.models import JudgeAssignment
from competitions.results.models import Appeal, ResultSnapshot
from tests import factories as f

PEOPLE = [("张伟", "A01", 90, 50, 35), ("李娜", "A02", 80, 55, 36), ("王强", "A03", 70, 45, 30)]


@pytest.fixture
def world(app, client):
    """A contest whose one event is signed off; worker1 competes as 张伟 (A01, second place)."""
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    f.user("westorg", "organizer", org=orgs["west"])
    chief = f.user("chief", "judge", org=orgs["city"])
    judges = [chief, f.user("j2", "judge", org=orgs["city"]), f.user("j3", "judge", org=orgs["city"])]
    account = f.user("worker1", "competitor", org=orgs["plant"])
    comp = f.competition(orgs["city"])
    comp.online_appeals = True
    ev = f.event(comp)
    comp.status = "in_progress"
    db.session.add(JudgeAssignment(event_id=ev.id, user_id=chief.id, is_chief=True))
    regs = {}
    for station, (name, code, theory, p1, p2) in enumerate(PEOPLE, start=1):
        regs[code] = f.results_competitor(ev, orgs["plant"], name=name, code=code, station=station)
        f.results_marks(ev, regs[code], judges, theory=theory, p1=p1, p2=p2)
    regs["A01"].worker.user_id = account.id
    db.session.commit()
    client.post("/lang", data={"lang": "en"})
    return {"orgs": orgs, "comp": comp, "event": ev, "regs": regs, "chief": chief}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _as(client, auth, username):
    auth.logout()
    response = auth.login(username)
    client.post("/lang", data={"lang": "en"})
    return response


@pytest.mark.parametrize(("username", "start"), [
    ("cityorg", "/organize/"),
    ("j2", "/judging/"),
    ("worker1", "/registration/mine"),
])
def test_each_role_lands_on_its_own_start_page(world, client, auth, username, start):
    response = _as(client, auth, username)
    assert response.status_code == 302 and response.headers["Location"].endswith(start)


def test_a_chief_judge_of_one_event_lands_on_its_completeness(world, client, auth):
    response = _as(client, auth, "chief")
    assert response.headers["Location"].endswith(f"/judging/events/{world['event'].id}/chief")
    page = _text(client.get("/judging/"))
    assert "Marks complete: 0%" in page  # no panel judge assigned in this world: nothing is complete


def test_a_next_link_still_wins(world, client, auth):
    auth.logout()
    response = client.post("/auth/login?next=/results/", data={"username": "cityorg", "password": f.PASSWORD})
    assert response.headers["Location"].endswith("/results/")


def test_the_organizer_desk_says_what_needs_them(world, client, auth):
    comp = world["comp"]
    _as(client, auth, "cityorg")
    page = _text(client.get("/organize/"))
    assert "What needs you" in page and "Not signed off yet: 电工." in page
    f.sign_off(world["event"], world["chief"])
    db.session.commit()
    page = _text(client.get("/organize/"))
    assert "Every event is signed off: compute the results." in page
    assert f"/results/competitions/{comp.id}" in page
    client.post(f"/results/competitions/{comp.id}/compute")
    assert "Provisional results await publication." in _text(client.get("/organize/"))


def _publish(client, auth, world):
    f.sign_off(world["event"], world["chief"])
    db.session.commit()
    _as(client, auth, "cityorg")
    client.post(f"/results/competitions/{world['comp'].id}/compute")
    client.post(f"/results/competitions/{world['comp'].id}/publish", data={"notice_days": "5"})


def test_a_worker_sees_their_result_and_appeals_online(world, client, auth):
    reg = world["regs"]["A01"]
    _as(client, auth, "worker1")
    assert "My result" not in _text(client.get("/registration/mine"))  # nothing before results are public
    _publish(client, auth, world)
    _as(client, auth, "worker1")
    page = _text(client.get("/registration/mine"))
    assert "My result" in page and "results version 1" in page
    block = page.split('data-testid="own-result"')[1].split("</dl>")[0]
    assert ">2<" in block and "86.50" in block and "Second prize" in block
    assert "Lodge an appeal" in page
    page = _text(client.post(f"/results/registrations/{reg.id}/appeal", data={"subject": "  "},
                             follow_redirects=True))
    assert "Say what you appeal and why." in page
    page = _text(client.post(f"/results/registrations/{reg.id}/appeal", data={"subject": "安全文明一项评分有误"},
                             follow_redirects=True))
    assert "Your appeal has been lodged" in page and "安全文明一项评分有误" in page
    appeal = db.session.execute(select(Appeal)).scalar_one()
    assert appeal.registration_id == reg.id and appeal.appellant == "张伟"
    # The organizer and the chief judge read the text.
    _as(client, auth, "cityorg")
    assert "安全文明一项评分有误" in _text(client.get(f"/results/competitions/{world['comp'].id}"))
    _as(client, auth, "chief")
    assert "安全文明一项评分有误" in _text(client.get(f"/judging/events/{world['event'].id}/chief"))
    # Another worker cannot appeal on this registration.
    f.user("worker2", "competitor", org=world["orgs"]["plant"])
    db.session.commit()
    _as(client, auth, "worker2")
    assert client.post(f"/results/registrations/{reg.id}/appeal", data={"subject": "x"}).status_code == 404


def test_no_online_appeal_where_not_allowed_or_after_the_notice_period(world, client, auth):
    reg = world["regs"]["A01"]
    world["comp"].online_appeals = False
    db.session.commit()
    _publish(client, auth, world)
    _as(client, auth, "worker1")
    page = _text(client.get("/registration/mine"))
    assert "My result" in page and "Lodge an appeal" not in page
    page = _text(client.post(f"/results/registrations/{reg.id}/appeal", data={"subject": "复核"},
                             follow_redirects=True))
    assert "This competition takes appeals through the organizer, not online." in page
    world["comp"].online_appeals = True
    snapshot = db.session.execute(select(ResultSnapshot)).scalar_one()
    snapshot.notice_ends_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    page = _text(client.post(f"/results/registrations/{reg.id}/appeal", data={"subject": "复核"},
                             follow_redirects=True))
    assert "The notice period is over" in page
    assert db.session.execute(select(Appeal)).first() is None


def test_register_button_only_for_those_who_may_register(app, client, auth):
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    f.user("judge", "judge", org=orgs["city"])
    f.user("wang", "competitor", org=orgs["plant"])
    comp, ev = f.open_competition(orgs["city"])
    db.session.commit()
    client.post("/lang", data={"lang": "en"})
    register = f"/registration/events/{ev.id}/register"
    assert register in _text(client.get(f"/registration/competitions/{comp.id}"))  # visitors: log in, register
    for username in ("cityorg", "judge"):
        _as(client, auth, username)
        assert register not in _text(client.get(f"/registration/competitions/{comp.id}"))
    _as(client, auth, "wang")
    assert register in _text(client.get(f"/registration/competitions/{comp.id}"))


def test_already_registered_shows_the_status_on_the_competition_page(app, client, auth):
    orgs = f.org_tree()
    account = f.user("wang", "competitor", org=orgs["plant"])
    comp, ev = f.open_competition(orgs["city"])
    from competitions.registration.models import Registration
    db.session.add(Registration(event_id=ev.id, worker_id=f.worker(orgs["plant"], user_account=account).id,
                                status="pending"))
    db.session.commit()
    _as(client, auth, "wang")
    page = _text(client.get(f"/registration/competitions/{comp.id}"))
    assert "Already registered: Pending" in page
    page = _text(client.get(f"/registration/events/{ev.id}/register"))
    assert "You are already registered for this event." in page and 'name="national_id"' not in page


def test_organizer_creates_a_judge_account_in_their_own_organization(world, client, auth):
    orgs = world["orgs"]
    _as(client, auth, "westorg")
    page = _text(client.get("/auth/judges/new"))
    assert "西区总工会" in page and "东区总工会" not in page
    data = {"username": "wjudge", "display_name": "西区裁判", "password": "Judge-pass-2026",
            "organization_id": orgs["works"].id}
    page = _text(client.post("/auth/judges/new", data=data, follow_redirects=True))
    assert "The judge's account has been created" in page
    made = db.session.execute(select(User).where(User.username == "wjudge")).scalar_one()
    assert made.roles == {"judge"} and made.organization_id == orgs["works"].id
    page = _text(client.post("/auth/judges/new", data={**data, "username": "ejudge",
                                                         "organization_id": orgs["east"].id}))
    assert "Not a valid choice" in page or "Choose your own organization" in page
    assert db.session.execute(select(User).where(User.username == "ejudge")).first() is None


def test_every_page_has_a_favicon(client):
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon"' in page and "/static/favicon.svg" in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and b"<svg" in icon.data


def test_the_competition_page_offers_the_step_its_state_needs(world, client, auth):
    """Found (review2 L16): "Next step: compute and publish the results" stayed after the results were out."""
    comp = world["comp"]
    _as(client, auth, "cityorg")
    f.sign_off(world["event"], world["chief"])
    db.session.commit()
    page = _text(client.get(f"/organize/competitions/{comp.id}"))
    assert "Next step: Every event is signed off: compute the results." in page
    client.post(f"/results/competitions/{comp.id}/compute")
    client.post(f"/results/competitions/{comp.id}/publish", data={"notice_days": "5"})
    page = _text(client.get(f"/organize/competitions/{comp.id}"))
    assert "compute" not in page.split('class="pagehead"')[1].split("</section>")[0]
    assert "Next step: The results are on public notice until" in page
    client.post("/lang", data={"lang": "zh"})
    page = _text(client.get(f"/organize/competitions/{comp.id}"))
    assert "下一步：成绩公示至" in page and "计算并公布成绩" not in page


def test_a_labour_competition_is_never_told_to_compute_results(app, client, auth):
    """Found (review2 M12): the desk's first item for a labour competition was "compute the results", a dead end;
    labour competitions rank each period: the to-dos come from the periods."""
    world = f.labour_world()
    comp, periods = world["competition"], world["periods"]
    f.user("cityorg", "organizer", org=world["orgs"]["city"])
    db.session.commit()
    _as(client, auth, "cityorg")
    assert "Add the events" not in _text(client.get("/organize/"))  # a draft labour competition has no events
    comp.status = "in_progress"
    periods[0].status = "signed_off"  # January signed off, nobody published it; February to June have ended
    db.session.commit()
    _as(client, auth, "cityorg")
    page = _text(client.get("/organize/"))
    assert "compute the results" not in page
    assert f"Periods signed off, not yet published: {periods[0].name}." in page
    assert f"/labour-results/competitions/{comp.id}" in page
    assert f"Periods ended but not signed off yet: {', '.join(p.name for p in periods[1:])}." in page
    page = _text(client.get(f"/organize/competitions/{comp.id}"))
    assert "Next step: Periods ended but not signed off yet" in page and "compute" not in page
