"""Review findings H5, H6 and H8 of the labour competitions, through the pages.

H6: naming a member (to nominate an advanced individual) must not drop a unit's participation figure from its
headcount to the number of named members."""

from __future__ import annotations

import pytest

from competitions.extensions import db
from competitions.labour import services
from tests import factories as f


@pytest.fixture
def w(app):
    world = f.labour_world()
    world["organizer"] = f.user("metro-org", "organizer", org=world["orgs"]["city"])
    db.session.commit()
    return world


def login(client, auth, username, lang="en"):
    assert auth.login(username).status_code == 302
    client.post("/lang", data={"lang": lang})


def _workers_cell(page: str, code: str) -> str:
    row = page[page.index(f"<strong>{code}</strong>"):]
    row = row[:row.index("</tr>")]
    cell = row.split('<td class="num">')[1]
    return cell[:cell.index("</td>")]


# ---- H6 -----------------------------------------------------------------------------------------------

def test_naming_one_member_keeps_the_units_headcount_as_its_participation(w, client, auth):
    unit = w["units"][0]  # S1, headcount 101
    leader = f.worker(w["orgs"]["plant"], name="孙建国")
    db.session.commit()
    login(client, auth, "metro-org")
    page = client.post(f"/labour/units/{unit.id}/members", data={"national_id": leader.national_id,
                                                                 "role": "班组长"}, follow_redirects=True)
    assert page.status_code == 200
    page = client.get(f"/labour/competitions/{w['competition'].id}/units").get_data(as_text=True)
    assert "Workers taking part" in page and "the headcount, or the named members if more" in page
    cell = _workers_cell(page, "S1")
    assert cell.startswith("101") and "1 named" in cell
    assert services.participations(w["competition"])[unit.id] == 101
    # A unit naming more people than it declared counts the named ones.
    unit.headcount = 0
    db.session.commit()
    assert services.participations(w["competition"])[unit.id] == 1
    login(client, auth, "metro-org", lang="zh")
    page = client.get(f"/labour/competitions/{w['competition'].id}/units").get_data(as_text=True)
    assert "参赛职工人数" in page
