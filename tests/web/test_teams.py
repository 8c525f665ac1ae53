"""Team events: team names at registration (self and roster), team scores (sum or mean), the DQ rule, team places."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import refresh
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from competitions.domain.awards import AwardMethod, AwardRule
from competitions.domain.identity import make_national_id
from competitions.domain.scoring import TeamAggregation
from competitions.extensions import db
from competitions.judging.models import JudgeAssignment
from competitions.registration.importer import TEMPLATE_COLUMNS
from competitions.registration.models import Registration
from competitions.results.models import EventResultSetting, ResultAdjustment, ResultSnapshot, ResultTeamEntry
from competitions.results.teams import TeamMember, rank_teams
from tests import factories as f


def _en(client):
    client.post("/lang", data={"lang": "en"})
    refresh()  # the app context (with Flask-Babel's cached locale) outlives each request in these tests


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# ---- self-registration ---------------------------------------------------------------------------------------


def _form(orgs, seq, *, team="", born=date(1990, 5, 17)):
    return {"name": "队员" + f.worker_name(seq)[2:], "national_id": make_national_id("370102", born, seq, "male"),
            "gender": "male",
            "birth_date": born.isoformat(), "phone": "13912345678", "employer_id": str(orgs["plant"].id),
            "skill_level": "3", "certificate_no": "", "team_name": team, "submit": "1"}


@pytest.fixture
def team_open(app):
    orgs = f.org_tree()
    for name in ("w1", "w2", "w3"):
        f.user(name, "competitor", org=orgs["plant"])
    f.user("boss", "organizer", org=orgs["city"])
    comp, ev = f.open_competition(orgs["city"], is_team=True, team_size=2)
    db.session.commit()
    return {"orgs": orgs, "comp": comp, "event": ev}


def test_self_registration_for_a_team_event_needs_a_team_and_respects_the_team_size(client, auth, team_open):
    orgs, ev = team_open["orgs"], team_open["event"]
    url = f"/registration/events/{ev.id}/register"
    auth.login("w1")
    _en(client)
    page = _text(client.get(url))
    assert 'name="team_name"' in page and "at most 2 per team" in page
    page = _text(client.post(url, data=_form(orgs, 1)))
    assert "This is a team event: enter your team's name." in page
    assert db.session.execute(select(Registration)).first() is None

    client.post(url, data=_form(orgs, 1, team="红队"))
    auth.logout()
    auth.login("w2")
    _en(client)
    client.post(url, data=_form(orgs, 2, team="红队"))
    auth.logout()
    auth.login("w3")
    _en(client)
    page = _text(client.post(url, data=_form(orgs, 3, team="红队")))
    assert "The team 红队 already has 2 members, the most this event allows." in page
    client.post(url, data=_form(orgs, 3, team="蓝队"))
    teams = dict(db.session.execute(select(Registration.worker_id, Registration.team_name)).all())
    assert sorted(teams.values()) == ["红队", "红队", "蓝队"]

    # The organizer's review list shows the team.
    auth.logout()
    auth.login("boss")
    _en(client)
    review = _text(client.get(f"/registration/manage/competitions/{team_open['comp'].id}"))
    assert "Team: 红队" in review and "Team: 蓝队" in review


def test_an_individual_event_asks_no_team(client, auth, app):
    orgs = f.org_tree()
    f.user("w1", "competitor", org=orgs["plant"])
    _comp, ev = f.open_competition(orgs["city"])
    db.session.commit()
    auth.login("w1")
    _en(client)
    assert 'name="team_name"' not in _text(client.get(f"/registration/events/{ev.id}/register"))
    client.post(f"/registration/events/{ev.id}/register", data=_form(orgs, 1, team="红队"))
    assert db.session.execute(select(Registration.team_name)).scalar_one() is None


# ---- roster import -------------------------------------------------------------------------------------------


def _row(i, team):
    born = date(1990, 1, 1) + timedelta(days=i)
    cells = {"national_id": make_national_id("370102", born, i, "male"), "name": f.worker_name(i), "gender": "男",
             "birth_date": born.isoformat(), "phone": "13800000000", "employer": "东区机床厂工会",
             "skill_level": "3 高级工", "certificate_no": f"C{i:04d}", "team_name": team}
    return [cells[c.key] for c in TEMPLATE_COLUMNS]


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "roster"
    ws.append([f"{c.zh}\n{c.en}" for c in TEMPLATE_COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client, setup, data):
    _en(client)
    return client.post(f"/registration/roster/competitions/{setup['comp'].id}",
                       data={"event_id": str(setup["event"].id), "file": (io.BytesIO(data), "roster.xlsx")},
                       content_type="multipart/form-data", follow_redirects=True)


def test_the_template_has_the_team_column(client, auth, team_open):
    auth.login("boss")
    data = client.get(f"/registration/roster/competitions/{team_open['comp'].id}/template.xlsx").data
    headers = [c.value for c in load_workbook(io.BytesIO(data))["roster"][1]]
    assert headers[-1] == "队名\nTeam"


def test_roster_for_a_team_event_needs_teams_within_the_size(client, auth, team_open):
    auth.login("boss")
    rows = [_row(1, "红队"), _row(2, ""), _row(3, "红队"), _row(4, "红队"), _row(5, "蓝队")]
    page = _text(_upload(client, team_open, _xlsx(rows)))
    assert "2 problem(s) found; nothing was imported." in page
    # Row 3 of the sheet (the second person) has no team; row 5 is the third member of 红队.
    assert re.search(r'<td class="num">3</td><td>Team</td><td><code></code></td>'
                     r"<td>This is a team event: write the team's name.</td>", page)
    assert re.search(r'<td class="num">5</td><td>Team</td><td><code>红队</code></td>'
                     r"<td>The team 红队 would have more than 2 members, the most this event allows.</td>", page)
    assert db.session.execute(select(Registration)).first() is None

    rows = [_row(1, "红队"), _row(2, "蓝队"), _row(3, "红队"), _row(5, "蓝队")]
    page = _text(_upload(client, team_open, _xlsx(rows)))
    assert "problem(s) found" not in page
    teams = sorted(db.session.execute(select(Registration.team_name)).scalars())
    assert teams == ["红队", "红队", "蓝队", "蓝队"]

    # A later file cannot add a third member to a full team.
    page = _text(_upload(client, team_open, _xlsx([_row(6, "蓝队")])))
    assert "The team 蓝队 would have more than 2 members" in page
    assert len(db.session.execute(select(Registration)).all()) == 4


# ---- team results --------------------------------------------------------------------------------------------

# (name, code, theory, P1, P2, team) -> totals 86.50, 87.70, 73.50, 67.00, 50.00 (see test_results.py)
PEOPLE = [
    ("张伟", "A01", 90, 50, 35, "红队"),
    ("李娜", "A02", 80, 55, 36, "蓝队"),
    ("王强", "A03", 70, 45, 30, "蓝队"),
    ("赵敏", "A04", 60, 40, 30, "红队"),
    ("刘洋", "A05", 50, 30, 20, "绿队"),
]


@pytest.fixture
def team_world(app, client):
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    chief = f.user("chief", "judge", org=orgs["city"])
    judges = [chief, f.user("j2", "judge", org=orgs["city"]), f.user("j3", "judge", org=orgs["city"])]
    comp = f.competition(orgs["city"])
    ev = f.event(comp, is_team=True, team_size=2)
    comp.status = "in_progress"
    db.session.add(JudgeAssignment(event_id=ev.id, user_id=chief.id, is_chief=True))
    regs = {}
    for station, (name, code, theory, p1, p2, team) in enumerate(PEOPLE, start=1):
        regs[code] = f.results_competitor(ev, orgs["plant"], name=name, code=code, station=station)
        regs[code].team_name = team
        f.results_marks(ev, regs[code], judges, theory=theory, p1=p1, p2=p2)
    db.session.commit()
    return {"comp": comp, "event": ev, "regs": regs, "chief": chief}


def _compute(client, comp):
    return _text(client.post(f"/results/competitions/{comp.id}/compute", follow_redirects=True))


def _computed_as_organizer(team_world, client, auth):
    """The team event signed off and its results computed by the organizer (in English)."""
    comp, ev = team_world["comp"], team_world["event"]
    f.sign_off(ev, team_world["chief"])
    db.session.commit()
    auth.login("cityorg")
    _en(client)
    _compute(client, comp)
    return comp, ev


def _teams(comp_id):
    snapshot = db.session.execute(select(ResultSnapshot).where(ResultSnapshot.competition_id == comp_id)
                                  .order_by(ResultSnapshot.version.desc())).scalars().first()
    return [(t.team_name, t.rank, t.tied, t.disqualified, None if t.score is None else f"{t.score:.2f}", t.prize)
            for t in db.session.execute(select(ResultTeamEntry).where(ResultTeamEntry.snapshot_id == snapshot.id)
                                        .order_by(ResultTeamEntry.position)).scalars()]


def test_team_score_is_the_mean_by_default_and_the_sum_when_chosen(team_world, client, auth):
    comp, ev = team_world["comp"], team_world["event"]
    f.sign_off(ev, team_world["chief"])
    db.session.commit()
    auth.login("cityorg")
    _en(client)
    assert "Provisional results computed." in _compute(client, comp)
    # Mean: 蓝队 (87.70 + 73.50) / 2 = 80.60; 红队 (86.50 + 67.00) / 2 = 76.75; 绿队 50.00 alone.
    # Default award rule: 1 first, 2 second, 3 third prizes.
    assert _teams(comp.id) == [("蓝队", 1, False, False, "80.60", "first"),
                               ("红队", 2, False, False, "76.75", "second"),
                               ("绿队", 3, False, False, "50.00", "second")]

    # The chief judge chooses the sum on the adjustments page (the settings form).
    auth.logout()
    auth.login("chief")
    _en(client)
    page = _text(client.get(f"/results/events/{ev.id}/adjustments"))
    assert 'name="team_aggregation"' in page and "Sum of the members' totals" in page
    client.post(f"/results/events/{ev.id}/tie-mode", data={"tie-tie_mode": "shared", "team_aggregation": "sum"},
                follow_redirects=True)
    assert db.session.execute(select(EventResultSetting.team_aggregation)).scalar_one() == "sum"
    auth.logout()
    auth.login("cityorg")
    _en(client)
    _compute(client, comp)
    # Sum: 蓝队 161.20, 红队 153.50, 绿队 50.00.
    assert _teams(comp.id) == [("蓝队", 1, False, False, "161.20", "first"),
                               ("红队", 2, False, False, "153.50", "second"),
                               ("绿队", 3, False, False, "50.00", "second")]


def test_a_disqualified_member_disqualifies_the_team(team_world, client, auth):
    comp, ev, regs = team_world["comp"], team_world["event"], team_world["regs"]
    db.session.add(ResultAdjustment(event_id=ev.id, registration_id=regs["A04"].id, disqualified=True,
                                    disqualification_reason="安全违规"))
    f.sign_off(ev, team_world["chief"])
    db.session.commit()
    auth.login("cityorg")
    _en(client)
    _compute(client, comp)
    assert _teams(comp.id) == [("蓝队", 1, False, False, "80.60", "first"),
                               ("绿队", 2, False, False, "50.00", "second"),
                               ("红队", None, False, True, None, None)]


def test_a_competitor_without_a_team_blocks_the_team_results(team_world, client, auth):
    comp, ev, regs = team_world["comp"], team_world["event"], team_world["regs"]
    regs["A05"].team_name = None
    f.sign_off(ev, team_world["chief"])
    db.session.commit()
    auth.login("cityorg")
    _en(client)
    page = _compute(client, comp)
    assert "The competitor A05 of the team event 电工 has no team." in page
    assert db.session.execute(select(ResultSnapshot)).first() is None


def test_teams_with_equal_scores_share_the_place():
    bands = AwardRule(AwardMethod.RANK_BANDS, first=1, second=1, third=1)
    teams = {
        "乙队": [TeamMember(3, Decimal("75.00")), TeamMember(4, Decimal("75.00"))],   # mean 75.00
        "甲队": [TeamMember(1, Decimal("80.00")), TeamMember(2, Decimal("70.00"))],   # mean 75.00
        "丙队": [TeamMember(5, Decimal("90.00")), TeamMember(6, Decimal("80.01"))],   # mean 85.005 -> 85.01
        "丁队": [TeamMember(7, Decimal("60.00"))],                                     # 60.00
    }
    lines = rank_teams(teams, TeamAggregation.MEAN, bands)
    assert [(t.team_name, t.rank, t.tied, str(t.score), t.prize) for t in lines] == [
        ("丙队", 1, False, "85.01", "first"),
        ("乙队", 2, True, "75.00", "second"),   # a shared place: both get the second prize
        ("甲队", 2, True, "75.00", "second"),
        ("丁队", 4, False, "60.00", None),
    ]
    # Summed, the tie stays (150.00 each) and the lone member's team drops further behind.
    lines = rank_teams(teams, "sum", bands)
    assert [(t.team_name, t.rank, str(t.score)) for t in lines] == [
        ("丙队", 1, "170.01"), ("乙队", 2, "150.00"), ("甲队", 2, "150.00"), ("丁队", 4, "60.00")]


def test_public_page_and_json_feed_show_the_team_standing(team_world, client, auth):
    comp, ev = _computed_as_organizer(team_world, client, auth)
    page = _text(client.post(f"/results/competitions/{comp.id}/publish", data={"notice_days": "5"},
                             follow_redirects=True))
    assert "The results are published for public notice." in page
    auth.logout()
    _en(client)

    page = _text(client.get(f"/results/public/events/{ev.id}"))
    assert "Team standing" in page and "Team score: mean of the members' totals" in page
    teams_part = page.split("Team standing", 1)[1].split("Individual standing", 1)[0]
    assert teams_part.index("蓝队") < teams_part.index("红队") < teams_part.index("绿队")
    assert "80.60" in teams_part and "76.75" in teams_part and "李娜" in teams_part and "First prize" in teams_part
    assert "Individual standing" in page and "87.70" in page.split("Individual standing", 1)[1]

    feed = client.get(f"/api/v1/results/events/{ev.id}").get_json()["event"]
    assert feed["is_team"] is True and len(feed["entries"]) == 5
    assert [(t["team"], t["rank"], t["score"], t["prize"]) for t in feed["teams"]] == [
        ("蓝队", 1, "80.60", "first"), ("红队", 2, "76.75", "second"), ("绿队", 3, "50.00", "second")]
    assert feed["teams"][0]["aggregation"] == "mean"
    assert [(m["code"], m["name"], m["total"]) for m in feed["teams"][0]["members"]] == [
        ("A02", "李娜", "87.70"), ("A03", "王强", "73.50")]
    whole = client.get(f"/api/v1/results/competitions/{comp.id}").get_json()
    assert whole["events"][0]["teams"] == feed["teams"]

    # Chinese page.
    client.post("/lang", data={"lang": "zh"})
    refresh()
    page = _text(client.get(f"/results/public/events/{ev.id}"))
    assert "团体成绩" in page and "队名" in page


def test_exports_carry_the_team_standing_named_only_once_public(team_world, client, auth):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from tests.web.test_results import _render_pdf

    comp, ev = _computed_as_organizer(team_world, client, auth)

    def team_block():
        book = load_workbook(io.BytesIO(client.get(f"/results/competitions/{comp.id}/export.xlsx").data))
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        start = next(i for i, row in enumerate(rows) if row[0] == "Team standing")
        return rows[start:]

    provisional = team_block()
    assert provisional[1][:5] == ("Place", "Team", "Members", "Team score", "Prize")
    assert [row[0] for row in provisional[2:5]] == ["1", "2", "3"]
    assert all(row[1] is None for row in provisional[2:5])  # team names could give the employer away
    assert "李娜" not in str(provisional) and "A02 87.70" in provisional[2][2]

    client.post(f"/results/competitions/{comp.id}/publish", data={"notice_days": "5"})
    public = team_block()
    assert [(row[0], row[1], row[3], row[4]) for row in public[2:5]] == [
        ("1", "蓝队", 80.6, "First prize"), ("2", "红队", 76.75, "Second prize"), ("3", "绿队", 50.0, "Second prize")]
    assert "李娜 (A02) 87.70" in public[2][2]

    response = client.get(f"/results/competitions/{comp.id}/export.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Team standing" in text and "蓝队" in text and "80.60" in text and "Individual standing" in text
    assert text.index("蓝队") < text.index("Individual standing")
    _render_pdf(response.data, "results-pdf-teams-en")
    client.post("/lang", data={"lang": "zh"})
    refresh()
    response = client.get(f"/results/competitions/{comp.id}/export.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "团体成绩" in text and "蓝队" in text
    _render_pdf(response.data, "results-pdf-teams-zh")


def test_the_venue_board_shows_the_team_standing_before_the_individuals(team_world, app, client, auth):
    comp, ev = _computed_as_organizer(team_world, client, auth)
    client.post(f"/results/competitions/{comp.id}/publish", data={"notice_days": "5"})
    auth.logout()
    _en(client)
    response = client.get(f"/results/board/{comp.id}")
    screen = app.test_client()  # a screen in the hall, which reloads after every cycle: unchanged is cheap
    first = screen.get(f"/results/board/{comp.id}")
    assert screen.get(f"/results/board/{comp.id}", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    page = _text(response)
    teams, individuals = page.split('class="board-event board-teams', 1)[1].split('class="board-event', 1)
    assert "Team standing" in teams and teams.index("蓝队") < teams.index("红队") < teams.index("绿队")
    assert "李娜、王强" in teams and "80.60" in teams and "First prize" in teams
    assert "李娜" in individuals and "87.70" in individuals
