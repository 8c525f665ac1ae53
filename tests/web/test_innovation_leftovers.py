"""Gaps left after the innovation contests (issue 15): stale implementation forms, the default expert-review
marking scheme of an innovation contest's track."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from competitions.extensions import db
from competitions.innovation.models import InnovationEntry
from tests.support import innovation_world as iw

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(app, tmp_path):
    app.config["INNOVATION_FILES_DIR"] = str(tmp_path / "files")
    return iw.build()



def _adopted(world) -> InnovationEntry:
    from competitions.innovation import services
    from competitions.orgs.models import Worker

    user = world["users"]["lead"]
    worker = db.session.execute(select(Worker).where(Worker.user_id == user.id)).scalar_one()
    entry = services.create_entry(world["comp"], lead=worker, actor=user, data=services.EntryData(
        event_id=world["event"].id, title="快速换刀夹具", category="rationalization",
        claimed_benefit_yuan=Decimal(5000), member_names=()))
    services.entrant_action(entry, "submit", actor=user, now=datetime.now(UTC))
    services.unit_action(entry, "pass", actor=world["users"]["plantorg"], now=datetime.now(UTC))
    services.outcome_action(entry, "adopt", actor=world["users"]["eastorg"], now=datetime.now(UTC))
    db.session.commit()
    return entry


def test_a_stale_implementation_form_is_refused_and_the_colleagues_record_kept(client, auth, world, app):
    entry = _adopted(world)
    today = datetime.now(ZONE).date().isoformat()
    auth.login_as("eastorg")
    page = client.get(f"/innovation/entries/{entry.id}").get_data(as_text=True)
    found = re.search(r'name="version"[^>]*value="([0-9a-f]+)"|value="([0-9a-f]+)"[^>]*name="version"', page)
    assert found, "the implementation form carries no version"
    version = found.group(1) or found.group(2)
    # a colleague records the implementation by the command line meanwhile
    result = app.test_cli_runner().invoke(args=["innovation", "act", str(entry.id), "implement", "--by", "eastorg",
                                                "--implemented-on", today, "--yuan", "4200.5"])
    assert result.exit_code == 0, result.output
    stale = client.post(f"/innovation/entries/{entry.id}/implement", data={
        "implemented_on": today, "realized_benefit_yuan": "99", "version": version}, follow_redirects=True)
    assert "changed by someone else" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(InnovationEntry, entry.id).realized_benefit_yuan == Decimal("4200.50")
    # the page shown again carries the new version: the correction goes through
    page = client.get(f"/innovation/entries/{entry.id}").get_data(as_text=True)
    found = re.search(r'name="version"[^>]*value="([0-9a-f]+)"|value="([0-9a-f]+)"[^>]*name="version"', page)
    fresh = found.group(1) or found.group(2)
    assert fresh != version
    done = client.post(f"/innovation/entries/{entry.id}/implement", data={
        "implemented_on": today, "realized_benefit_yuan": "99", "version": fresh})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(InnovationEntry, entry.id).realized_benefit_yuan == Decimal("99.00")


# ---- 6. an innovation contest's new track starts from an expert-review scheme -----------------------------------

def _scheme_post(parts, criteria):
    data = {"trim_min_judges": "5", "award_mode": "bands", "award_first": "1", "award_second": "2",
            "award_third": "3", "precision": "2", "rank_style": "standard", "team_score": "mean",
            "team_tie_mode": "shared", "failed_placement": "ranked", "award_rounding": "down"}
    for i, (code, name, weight) in enumerate(parts):
        data.update({f"parts-{i}-code": code, f"parts-{i}-name": name, f"parts-{i}-weight": str(weight)})
    for i, (part, code, name, mx) in enumerate(criteria):
        data.update({f"criteria-{i}-part_code": part, f"criteria-{i}-code": code, f"criteria-{i}-name": name,
                     f"criteria-{i}-max_mark": str(mx), f"criteria-{i}-step": "1", f"criteria-{i}-kind": "judgement",
                     f"criteria-{i}-aggregation": "mean", f"criteria-{i}-judges_required": "3",
                     f"criteria-{i}-reading_mode": "once", f"criteria-{i}-check_counts": "first"})
    return data


def test_a_new_innovation_track_starts_from_an_expert_review_scheme_and_skills_keep_theirs(client, auth, app):
    from competitions.organize.models import Event
    from tests import factories as f

    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    contest = f.competition(orgs["city"], name="2026年职工技术创新成果评选", kind="innovation")
    track = f.event(contest, trade_name="职工创新成果", trade_code="CX", with_scheme=False)
    skills = f.competition(orgs["city"], name="2026年职工技能大赛")
    trade = f.event(skills, with_scheme=False)
    db.session.commit()
    auth.login_as("cityorg")
    page = client.get(f"/organize/events/{track.id}/scheme").get_data(as_text=True)
    for words in ("Expert review", "Novelty and advancement", "Practicality and feasibility",
                  "Economic and social benefit", "Value for wider application"):
        assert words in page, words
    assert "Written test" not in page and 'value="theory"' not in page
    assert "Written test" in client.get(f"/organize/events/{trade.id}/scheme").get_data(as_text=True)
    auth.login_as("cityorg", lang="zh")
    page = client.get(f"/organize/events/{track.id}/scheme").get_data(as_text=True)
    for words in ("专家评审", "创新性/先进性", "实用性/可行性", "经济效益和社会效益", "推广应用价值"):
        assert words in page, words
    assert "理论知识" in client.get(f"/organize/events/{trade.id}/scheme").get_data(as_text=True)

    # saved as shown, then edited like any scheme (the organizer's own weights)
    criteria = [("review", "N", "创新性/先进性", 30), ("review", "F", "实用性/可行性", 25),
                ("review", "B", "经济效益和社会效益", 30), ("review", "A", "推广应用价值", 15)]
    saved = client.post(f"/organize/events/{track.id}/scheme",
                        data=_scheme_post([("review", "专家评审", 100)], criteria))
    assert saved.status_code == 302, saved.get_data(as_text=True)[-2000:]
    criteria[0], criteria[3] = ("review", "N", "创新性/先进性", 40), ("review", "A", "推广应用价值", 5)
    assert client.post(f"/organize/events/{track.id}/scheme",
                       data=_scheme_post([("review", "专家评审", 100)], criteria)).status_code == 302
    db.session.expire_all()
    event = db.session.get(Event, track.id)
    assert [(p.code, int(p.weight)) for p in event.parts] == [("review", 100)]
    assert [(c.code, int(c.max_mark)) for c in event.parts[0].criteria] == [("N", 40), ("F", 25), ("B", 30), ("A", 5)]
    assert event.scheme_valid


# ---- 2 (continued). the set-up forms an innovation contest shares with skills contests refuse a stale save -----

def test_stale_competition_event_and_scheme_forms_are_refused(client, auth, runner):
    from competitions.organize.models import Competition, Event
    from tests import factories as f

    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    contest = f.competition(orgs["city"], name="2026年职工技术创新成果评选", kind="innovation")
    track = f.event(contest, trade_name="职工创新成果", trade_code="CX")
    db.session.commit()
    auth.login_as("cityorg")

    def version(url):
        found = re.search(r'name="version"[^>]*value="([0-9a-f]+)"|value="([0-9a-f]+)"[^>]*name="version"',
                          client.get(url).get_data(as_text=True))
        assert found, f"{url} carries no version"
        return found.group(1) or found.group(2)

    scheme_url, event_url = f"/organize/events/{track.id}/scheme", f"/organize/events/{track.id}/edit"
    competition_url = f"/organize/competitions/{contest.id}/edit"
    seen = {url: version(url) for url in (scheme_url, event_url, competition_url)}
    shown = {url: _form_fields(client.get(url).get_data(as_text=True)) for url in (event_url, competition_url)}
    # a colleague changes the scheme (by the command line), the track and the competition meanwhile
    assert runner.invoke(args=["scheme", "set", str(track.id), "--rank-style", "dense"]).exit_code == 0
    db.session.get(Event, track.id).capacity = 77
    db.session.get(Competition, contest.id).description = "同事改的说明"
    db.session.commit()
    criteria = [("review", "N", "创新性/先进性", 100)]
    stale = client.post(scheme_url, data={**_scheme_post([("review", "专家评审", 100)], criteria),
                                          "version": seen[scheme_url]})
    assert "changed by someone else" in stale.get_data(as_text=True)
    stale = client.post(event_url, data={**shown[event_url], "trade_name": "Mine", "capacity": "5"},
                        follow_redirects=True)
    assert "changed by someone else" in stale.get_data(as_text=True)
    stale = client.post(competition_url, data={**shown[competition_url], "name": "Mine"}, follow_redirects=True)
    assert "changed by someone else" in stale.get_data(as_text=True)
    db.session.expire_all()
    event = db.session.get(Event, track.id)
    assert event.rank_style == "dense" and event.capacity == 77 and event.trade_name == "职工创新成果"
    assert [c.code for p in event.parts for c in p.criteria] != ["N"]
    assert db.session.get(Competition, contest.id).name == "2026年职工技术创新成果评选"
    # the page shown again carries the new version and saves
    saved = client.post(scheme_url, data={**_scheme_post([("review", "专家评审", 100)], criteria),
                                          "version": version(scheme_url)})
    assert saved.status_code == 302
    fresh = _form_fields(client.get(event_url).get_data(as_text=True))
    assert client.post(event_url, data={**fresh, "trade_name": "Mine"}).status_code == 302
    fresh = _form_fields(client.get(competition_url).get_data(as_text=True))
    assert client.post(competition_url, data={**fresh, "name": "Mine"}).status_code == 302


def _form_fields(page: str) -> dict:
    """The values the page's form would send as it is shown (inputs, checked boxes, selected options, text)."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__()
            self.values, self.select, self.textarea = {}, None, None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "input" and a.get("name") and a.get("type") not in ("submit", "file"):
                if a.get("type") != "checkbox" or "checked" in a:
                    self.values[a["name"]] = a.get("value") or ""
            elif tag == "select":
                self.select = a.get("name")
            elif tag == "option" and self.select and ("selected" in a or self.select not in self.values):
                self.values[self.select] = a.get("value") or ""
            elif tag == "textarea":
                self.textarea = a.get("name")
                self.values[self.textarea] = ""

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None
            elif tag == "textarea":
                self.textarea = None

        def handle_data(self, data):
            if self.textarea:
                self.values[self.textarea] += data

    reader = Reader()
    reader.feed(page)
    return {k: v for k, v in reader.values.items() if k not in ("lang", "next")}
