"""The marking scheme's rules through the CLI and the JSON API, with the form's own validation (issue 10).

``flask --app wsgi scheme show|set`` and ``GET/PUT /api/v1/organize/events/<id>/scoring-rules`` read and
change the same JSON; a refusal names the same problem the organizer's form names, and saves nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from competitions.extensions import db
from competitions.organize.models import Event
from tests import factories as f
from tests.conftest import csrf_token_from


@pytest.fixture
def ev(app):
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    f.user("westorg", "organizer", org=orgs["west"])
    f.user("jj", "judge", org=orgs["city"])
    event = f.event(f.competition(orgs["city"]))
    db.session.commit()
    return event


def _event(event_id: int) -> Event:
    db.session.expire_all()
    return db.session.get(Event, event_id)


def _criterion(event_id: int, code: str):
    return next(c for p in _event(event_id).parts for c in p.criteria if c.code == code)


def test_show_prints_what_the_api_answers(ev, client, auth, runner):
    shown = runner.invoke(args=["scheme", "show", str(ev.id)])
    assert shown.exit_code == 0, shown.output
    auth.login("cityorg")
    assert json.loads(shown.output) == client.get(f"/api/v1/organize/events/{ev.id}/scoring-rules").get_json()
    rules = json.loads(shown.output)
    assert rules["tie_break"] == ["part:practical"] and rules["trim_min_judges"] == 5
    assert rules["criteria"]["T1"] == {"judges_required": 1, "reading_mode": "once", "tolerance": None,
                                       "check_counts": "first"}


def test_set_changes_the_tie_break_chain_panel_and_readings(ev, runner):
    result = runner.invoke(args=["scheme", "set", str(ev.id), "--tie-break", "time_used", "--tie-break",
                                 "part:theory", "--trim-min-judges", "3", "--judges", "T1=2",
                                 "--reading", "T1=check:0.05:mean", "--award-mode", "proportions",
                                 "--first", "10", "--second", "20", "--third", "30", "--rounding", "up"])
    assert result.exit_code == 0, result.output
    event = _event(ev.id)
    assert event.tie_break == ["time_used", "part:theory"] and event.trim_min_judges == 3
    assert event.award_rule == {"mode": "proportions", "first": "10", "second": "20", "third": "30",
                                "rounding": "up"}
    t1 = _criterion(ev.id, "T1")
    assert (t1.judges_required, t1.reading_mode, t1.tolerance, t1.check_counts) == (2, "check", Decimal("0.05"),
                                                                                    "mean")
    cleared = runner.invoke(args=["scheme", "set", str(ev.id), "--no-tie-break", "--reading", "T1=once",
                                  "--judges", "T1=1"])
    assert cleared.exit_code == 0, cleared.output
    assert _event(ev.id).tie_break == [] and _criterion(ev.id, "T1").tolerance is None


@pytest.mark.parametrize("args, message", [
    (["--reading", "T1=check:0.05"], "T1: A check reading needs exactly 2 judges on the criterion."),
    (["--reading", "T1=check", "--judges", "T1=2"], "T1: Give the tolerance between the reading and the check"),
    (["--reading", "P1=check:1", "--judges", "P1=2"], "P1: Only a measurement criterion can have a check reading."),
    (["--tie-break", "part:welding"], "The tie-break part:welding names no part of this scheme."),
    (["--trim-min-judges", "2"], "Dropping the highest and lowest mark needs a panel of 3 to 15."),
    (["--precision", "4"], "Figures are kept to 0, 1, 2 or 3 decimals."),
    (["--reading", "X9=once"], "A setting is given for a criterion this scheme does not have."),
])
def test_set_refuses_with_the_forms_message_and_saves_nothing(ev, runner, args, message):
    before = runner.invoke(args=["scheme", "show", str(ev.id)]).output
    result = runner.invoke(args=["scheme", "set", str(ev.id), *args])
    assert result.exit_code != 0 and message in result.output, result.output
    assert runner.invoke(args=["scheme", "show", str(ev.id)]).output == before


def test_set_reads_a_json_document_like_the_api(ev, runner, tmp_path):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"pass_marks": {"theory": "60"}, "rank_style": "dense",
                                "criteria": {"T1": {"judges_required": 2, "reading_mode": "check",
                                                    "tolerance": "0.5"}}}), encoding="utf-8")
    result = runner.invoke(args=["scheme", "set", str(ev.id), "--json", str(path)])
    assert result.exit_code == 0, result.output
    event = _event(ev.id)
    assert event.parts[0].pass_mark == Decimal(60) and event.rank_style == "dense"
    assert _criterion(ev.id, "T1").tolerance == Decimal("0.5")
    assert runner.invoke(args=["scheme", "set", str(ev.id), "--json", "-"], input="[1, 2]").exit_code != 0
    # The older name of the command is the same command.
    again = runner.invoke(args=["competitions", "scoring-rules", str(ev.id), "--rank-style", "standard"])
    assert again.exit_code == 0 and _event(ev.id).rank_style == "standard"


def test_put_changes_rules_with_the_forms_validation(ev, client, auth):
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    url = f"/api/v1/organize/events/{ev.id}/scoring-rules"
    refused = client.put(url, json={"criteria": {"T1": {"reading_mode": "check", "tolerance": "0.05"}}})
    assert refused.status_code == 422
    assert refused.get_json()["message"] == "T1: A check reading needs exactly 2 judges on the criterion."
    assert _criterion(ev.id, "T1").reading_mode == "once"
    ok = client.put(url, json={"tie_break": ["time_used"], "trim_min_judges": 4,
                               "criteria": {"T1": {"judges_required": 2, "reading_mode": "check",
                                                   "tolerance": "0.05", "check_counts": "mean"}}})
    assert ok.status_code == 200, ok.get_json()
    body = ok.get_json()
    assert body["tie_break"] == ["time_used"] and body["trim_min_judges"] == 4
    assert body["criteria"]["T1"] == {"judges_required": 2, "reading_mode": "check", "tolerance": "0.05",
                                      "check_counts": "mean"}
    client.post("/lang", data={"lang": "zh"})
    zh = client.put(url, json={"criteria": {"T1": {"judges_required": 1}}})
    assert zh.status_code == 422 and "复测" in zh.get_json()["message"]


@pytest.mark.parametrize("body", [
    {"tie_break": "time_used"}, {"tie_break": [1]}, {"trim_min_judges": "5"}, {"trim_min_judges": True},
    {"criteria": {"T1": {"tolerance": "1e2"}}}, {"criteria": {"T1": {"tolerance": "0.001"}}},
    {"criteria": {"T1": {"judges_required": 2.5}}}, {"criteria": {"T1": "check"}}, {"criteria": ["T1"]},
    {"criteria": {"T1": {"colour": "red"}}}, {"rank_style": 3}, {"no_such_rule": 1},
])
def test_put_refuses_loose_values_without_a_server_error(ev, client, auth, body):
    auth.login("cityorg")
    url = f"/api/v1/organize/events/{ev.id}/scoring-rules"
    before = client.get(url).get_json()
    response = client.put(url, json=body)
    assert response.status_code in (400, 422), (response.status_code, response.get_data(as_text=True))
    assert client.get(url).get_json() == before


def test_put_is_for_the_events_organizers_only_and_once_judging_began_refused(ev, client, auth):
    url = f"/api/v1/organize/events/{ev.id}/scoring-rules"
    auth.login("westorg")
    assert client.put(url, json={"rank_style": "dense"}).status_code == 404
    auth.logout()
    auth.login("jj")
    assert client.put(url, json={"rank_style": "dense"}).status_code == 403
    auth.logout()
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    event = _event(ev.id)
    event.competition.status = "in_progress"
    db.session.commit()
    late = client.put(url, json={"rank_style": "dense"})
    assert late.status_code == 409 and "once judging has begun" in late.get_json()["message"]
    assert _event(ev.id).rank_style == "standard"
    spec = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/organize/events/{event_id}/scoring-rules"]
    assert {"get", "put"} <= set(spec)


def test_put_needs_the_csrf_token(csrf_app):
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    event = f.event(f.competition(orgs["city"]))
    db.session.commit()
    client = csrf_app.test_client()
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    client.post("/auth/login", data={"username": "cityorg", "password": f.PASSWORD, "csrf_token": token})
    url = f"/api/v1/organize/events/{event.id}/scoring-rules"
    refused = client.put(url, json={"rank_style": "dense"})
    assert refused.status_code == 400 and refused.get_json()["error"] == "csrf"
    token = csrf_token_from(client.get(f"/organize/events/{event.id}/scheme").get_data(as_text=True))
    assert client.put(url, json={"rank_style": "dense"}, headers={"X-CSRFToken": token}).status_code == 200


@pytest.mark.parametrize("body, named, field", [
    ({"rank_styel": "dense"}, "Unknown setting rank_styel; the settings are", "body"),
    ({"rank_style": "dense", "zz": 1, "colour": "red"}, "Unknown setting colour, zz;", "body"),
    ({"award": {"mode": "bands", "frist": "1"}}, "Unknown setting frist in award; the settings there are "
     "first, honourable, mode, rounding, second, third.", "award"),
    ({"team": {"scroe": "sum"}}, "Unknown setting scroe in team;", "team"),
    ({"criteria": {"T1": {"judges": 2}}}, "Unknown setting judges in criteria.T1;", "criteria.T1"),
    ({"award": {"bell\x07": 1}}, "Unknown setting bellU+0007 in award", "award"),
    ({"award": {"x" * 5000: 1}}, "Unknown setting " + "x" * 40 + "… in award", "award"),
])
def test_put_refuses_unknown_settings_naming_them_with_422(ev, client, auth, runner, body, named, field):
    """Review L7: a misspelt setting is refused (named), never ignored; every validation failure is 422."""
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    url = f"/api/v1/organize/events/{ev.id}/scoring-rules"
    before = client.get(url).get_json()
    response = client.put(url, json=body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert named in response.get_json()["message"] and response.get_json()["field"] == field
    assert client.get(url).get_json() == before
    result = runner.invoke(args=["scheme", "set", str(ev.id), "--json", "-"], input=json.dumps(body))
    assert result.exit_code == 1 and named in result.output


def test_a_scheme_that_breaks_a_rule_is_422_with_every_problem_named_and_documented(ev, client, auth):
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    url = f"/api/v1/organize/events/{ev.id}/scoring-rules"
    refused = client.put(url, json={"precision": 7, "tie_break": ["part:nonesuch"]})
    assert refused.status_code == 422
    body = refused.get_json()
    assert body["error"] == "rule_violation" and len(body["problems"]) == 2
    assert body["message"] == body["problems"][0]["message"]
    # the same status as the wrong-type refusal beside it, and as the rest of /api/v1
    assert client.put(url, json={"precision": "7"}).status_code == 422
    put = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/organize/events/{event_id}/scoring-rules"]
    responses = put["put"]["responses"]
    assert "CSRF" in responses["400"]["description"] and "unknown" in responses["422"]["description"].lower()
    client.post("/lang", data={"lang": "zh"})
    zh = client.put(url, json={"award": {"frist": "1"}})
    assert zh.status_code == 422 and "award中有未知的设置：frist" in zh.get_json()["message"]
