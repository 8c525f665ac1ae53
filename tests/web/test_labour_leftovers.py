"""Gaps left after the labour competitions and innovation contests (issues 10 and 15): each through the form,
the command line and the JSON API where the action exists there, asserting what a user would notice."""

from __future__ import annotations

import re

import pytest

from competitions.extensions import db
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


def version_in(html: str, name: str = "version") -> str:
    found = re.search(rf'name="{name}"[^>]*value="([0-9a-f]+)"|value="([0-9a-f]+)"[^>]*name="{name}"', html)
    assert found, f"the form carries no {name}"
    return found.group(1) or found.group(2)


# ---- 2. the scorecard settings form refuses a stale save ----------------------------------------------------

SETTINGS = {"s-title": "地铁7号线劳动竞赛考评办法", "s-document_ref": "〔2026〕3号", "s-cadence": "month",
            "s-bonus_cap": "5", "s-deduction_cap": "", "s-aggregation": "mean"}


def test_a_stale_scorecard_settings_form_is_refused_and_the_colleagues_change_kept(w, client, auth):
    from competitions.labour import services

    comp = w["competition"]
    login(client, auth, "metro-org")
    url = f"/labour/competitions/{comp.id}/scorecard"
    version = version_in(client.get(url).get_data(as_text=True), "s-version")
    # a colleague raises the bonus cap meanwhile
    saved = client.post(url, data={**SETTINGS, "s-bonus_cap": "8", "s-version": version})
    assert saved.status_code == 302
    stale = client.post(url, data={**SETTINGS, "s-title": "Mine", "s-version": version}, follow_redirects=True)
    assert "changed by someone else" in stale.get_data(as_text=True)
    db.session.expire_all()
    card = services.scorecard_of(comp)
    assert str(card.bonus_cap) in ("8", "8.00") and card.title == SETTINGS["s-title"]
    fresh = version_in(client.get(url).get_data(as_text=True), "s-version")
    assert fresh != version
    assert client.post(url, data={**SETTINGS, "s-title": "Mine", "s-version": fresh}).status_code == 302
    db.session.expire_all()
    assert services.scorecard_of(comp).title == "Mine"


def test_a_new_competitions_first_scorecard_settings_save_is_not_called_stale(client, auth):
    """The card made with defaults on the first look is not stored: its first save must not be refused."""
    orgs = f.org_tree()
    f.user("metro-org", "organizer", org=orgs["city"])
    comp = f.competition(orgs["city"], name="新线劳动竞赛", kind="labor")
    db.session.commit()
    login(client, auth, "metro-org")
    url = f"/labour/competitions/{comp.id}/scorecard"
    page = client.get(url).get_data(as_text=True)
    assert client.post(url, data={**SETTINGS, "s-version": ""}).status_code == 302, page[-500:]


# ---- 3. a period is published once it has ended -------------------------------------------------------------

def test_a_period_that_has_not_ended_is_not_published_by_page_cli_or_api(w, client, auth, runner):
    from datetime import timedelta

    from sqlalchemy import select

    from competitions.labour_results.models import LabourPublication
    from competitions.timezone import local_today

    comp = w["competition"]
    june = w["periods"][5]
    today = local_today()
    june.ends_on = today      # the clerk signs June off on its last day
    db.session.commit()
    f.labour_signed_off_period(w, june, {"S1": "9", "S2": "10", "S3": "8", "S4": "7"})
    db.session.commit()
    first = (today + timedelta(days=1)).isoformat()
    message = f"{june.name} runs until {today.isoformat()}; its ranking can be published from {first}"

    login(client, auth, "metro-org")
    manage = client.get(f"/labour-results/competitions/{comp.id}").get_data(as_text=True)
    row = manage[manage.index(f'id="period-row-{june.number}"'):]
    row = row[:row.index("</tr>")]
    assert "Can be published from" in row and f"/labour-results/periods/{june.id}/publish" not in row
    page = client.post(f"/labour-results/periods/{june.id}/publish", follow_redirects=True).get_data(as_text=True)
    assert message in page
    api = client.post(f"/api/v1/labour-results/periods/{june.id}/publish")
    assert api.status_code == 409 and message in api.json["message"]
    result = runner.invoke(args=["labour-results", "publish", str(comp.id), str(june.number)])
    assert result.exit_code == 1 and message in result.output
    assert db.session.execute(select(LabourPublication).where(LabourPublication.period_id == june.id)).first() is None
    login(client, auth, "metro-org", lang="zh")
    page = client.post(f"/labour-results/periods/{june.id}/publish", follow_redirects=True).get_data(as_text=True)
    assert f"{june.name}截至{today.isoformat()}" in page and "可发布" in page

    # the day after its last day it is published (the same period, nothing else changed)
    june.ends_on = today - timedelta(days=1)
    db.session.commit()
    result = runner.invoke(args=["labour-results", "publish", str(comp.id), str(june.number)])
    assert result.exit_code == 0 and "published" in result.output

