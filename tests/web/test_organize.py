"""The organizer's flows: competitions, events, marking schemes, copies, status moves, and every bad input."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from competitions.extensions import db
from competitions.organize.models import Competition, Criterion, Event, SchemePart
from tests import factories as f


@pytest.fixture
def world(app, auth):
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    f.user("eastorg", "organizer", org=orgs["east"])
    f.user("westorg", "organizer", org=orgs["west"])
    db.session.commit()
    return orgs


def _competition_form(org_id, **overrides):
    data = {
        "name": "2026年测试市焊工技能大赛", "year": "2026", "level": "city", "competition_class": "I",
        "kind": "skills", "organization_id": str(org_id), "starts_on": "2026-12-15", "ends_on": "2026-12-16",
        "registration_opens_at": "2026-11-01T09:00", "registration_closes_at": "2026-12-10T17:00",
        "description": "测试",
    }
    data.update(overrides)
    return data


def _count(model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_organizer_creates_competition(world, client, auth):
    auth.login("cityorg")
    response = client.post("/organize/competitions/new", data=_competition_form(world["city"].id))
    assert response.status_code == 302
    comp = db.session.execute(select(Competition)).scalar_one()
    assert comp.name == "2026年测试市焊工技能大赛" and comp.status == "draft"
    # 09:00 in Shanghai is 01:00 UTC.
    assert comp.registration_opens_at.hour == 1
    page = client.get(f"/organize/competitions/{comp.id}").get_data(as_text=True)
    assert "2026年测试市焊工技能大赛" in page


@pytest.mark.parametrize("overrides, message", [
    ({"ends_on": "2026-12-01"}, "The last day is before the first day."),
    ({"registration_closes_at": "2026-10-01T09:00"}, "Registration closes before it opens."),
    ({"registration_closes_at": "2026-12-20T09:00"}, "Registration must close no later than the first day"),
    ({"registration_closes_at": ""}, "Give both ends of the registration window, or neither."),
    ({"year": "2025"}, "do not fall in 2025"),
    ({"name": ""}, "This field is required."),
    ({"starts_on": "15/12/2026"}, "Not a valid date value."),
])
def test_invalid_competition_is_refused_with_message(world, client, auth, overrides, message):
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    response = client.post("/organize/competitions/new", data=_competition_form(world["city"].id, **overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count(Competition) == 0


def test_organizer_cannot_create_for_organization_outside_their_tree(world, client, auth):
    auth.login("eastorg")
    response = client.post("/organize/competitions/new", data=_competition_form(world["west"].id))
    assert response.status_code == 200
    assert _count(Competition) == 0


def test_organizer_sees_only_their_subtree(world, client, auth):
    f.competition(world["east"], name="东区大赛")
    f.competition(world["west"], name="西区大赛")
    f.competition(world["city"], name="全市大赛")
    db.session.commit()
    auth.login("eastorg")
    page = client.get("/organize/competitions").get_data(as_text=True)
    assert "东区大赛" in page and "西区大赛" not in page and "全市大赛" not in page
    west = db.session.execute(select(Competition).where(Competition.name == "西区大赛")).scalar_one()
    assert client.get(f"/organize/competitions/{west.id}").status_code == 404
    auth.logout()
    auth.login("cityorg")
    page = client.get("/organize/competitions").get_data(as_text=True)
    assert all(name in page for name in ("东区大赛", "西区大赛", "全市大赛"))


def test_filters_by_year_level_kind_status(world, client, auth):
    f.competition(world["city"], name="二五大赛", year=2025, starts_on=date(2025, 12, 1), ends_on=date(2025, 12, 2))
    f.competition(world["city"], name="二六劳动竞赛", kind="labor")
    f.competition(world["city"], name="二六区级赛", level="district")
    db.session.commit()
    auth.login("cityorg")

    def names(**query):
        html = client.get("/organize/competitions", query_string=query).get_data(as_text=True)
        return {n for n in ("二五大赛", "二六劳动竞赛", "二六区级赛") if n in html}

    assert names(year="2025") == {"二五大赛"}
    assert names(kind="labor") == {"二六劳动竞赛"}
    assert names(level="district") == {"二六区级赛"}
    assert names(status="draft") == {"二五大赛", "二六劳动竞赛", "二六区级赛"}
    assert names(status="open") == set()
    assert names(q="劳动") == {"二六劳动竞赛"}


def _event_form(**overrides):
    data = {"trade_name": "焊工", "trade_code": "WELD", "group": "workers", "capacity": "30", "team_size": "1",
            "min_age": "18", "max_age": "60"}
    data.update(overrides)
    return data


def test_add_event_and_duplicate_is_refused(world, client, auth):
    comp = f.competition(world["city"])
    db.session.commit()
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    assert client.post(f"/organize/competitions/{comp.id}/events/new", data=_event_form()).status_code == 302
    again = client.post(f"/organize/competitions/{comp.id}/events/new", data=_event_form())
    assert again.status_code == 200
    assert "already has the event WELD for this group" in again.get_data(as_text=True)
    # The same trade for students is a different event.
    assert client.post(f"/organize/competitions/{comp.id}/events/new",
                       data=_event_form(group="students")).status_code == 302
    assert _count(Event) == 2


@pytest.mark.parametrize("overrides, message", [
    ({"min_age": "40", "max_age": "30"}, "The minimum age is above the maximum age."),
    ({"capacity": "0"}, "Number must be between 1 and 100000."),
    ({"is_team": "y", "team_size": "1"}, "A team event needs teams of at least 2."),
    ({"starts_on": "2027-01-05"}, "Contest days must fall within the competition"),
    ({"trade_code": "焊 工"}, "Use letters, digits"),
])
def test_invalid_event_is_refused(world, client, auth, overrides, message):
    comp = f.competition(world["city"])
    db.session.commit()
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    response = client.post(f"/organize/competitions/{comp.id}/events/new", data=_event_form(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count(Event) == 0


def _scheme_form(parts, criteria, **extra):
    data = {"trim_min_judges": "5", "award_mode": "bands", "award_first": "1", "award_second": "2",
            "award_third": "3", "tie_break_1": "part:practical"}
    for i, (code, name, weight) in enumerate(parts):
        data.update({f"parts-{i}-code": code, f"parts-{i}-name": name, f"parts-{i}-weight": str(weight)})
    for i, (part, code, name, mx, step, kind, agg, judges) in enumerate(criteria):
        data.update({f"criteria-{i}-part_code": part, f"criteria-{i}-code": code, f"criteria-{i}-name": name,
                     f"criteria-{i}-max_mark": str(mx), f"criteria-{i}-step": str(step),
                     f"criteria-{i}-kind": kind, f"criteria-{i}-aggregation": agg,
                     f"criteria-{i}-judges_required": str(judges)})
    data.update(extra)
    return data


GOOD_PARTS = [("theory", "理论知识", 30), ("practical", "技能操作", 70)]
GOOD_CRITERIA = [("theory", "T1", "笔试", 100, 1, "measurement", "mean", 1),
                 ("practical", "P1", "板对接焊", 60, "0.5", "judgement", "trimmed", 5),
                 ("practical", "P2", "安全文明", 40, "0.5", "judgement", "median", 3)]


def test_save_marking_scheme(world, client, auth):
    comp = f.competition(world["city"])
    ev = f.event(comp, with_scheme=False)
    db.session.commit()
    auth.login("cityorg")
    assert "理论知识" in client.get(f"/organize/events/{ev.id}/scheme").get_data(as_text=True)
    response = client.post(f"/organize/events/{ev.id}/scheme", data=_scheme_form(GOOD_PARTS, GOOD_CRITERIA))
    assert response.status_code == 302
    db.session.expire_all()
    ev = db.session.get(Event, ev.id)
    assert [(p.code, int(p.weight)) for p in ev.parts] == [("theory", 30), ("practical", 70)]
    assert [c.code for c in ev.parts[1].criteria] == ["P1", "P2"]
    assert ev.scheme_valid and ev.tie_break == ["part:practical"]
    assert ev.award_rule == {"mode": "bands", "first": 1, "second": 2, "third": 3}


@pytest.mark.parametrize("parts, criteria, extra, message", [
    ([("theory", "理论", 30), ("practical", "实操", 60)], GOOD_CRITERIA, {},
     "The part weights must add up to 100; they add up to 90."),
    (GOOD_PARTS, [GOOD_CRITERIA[0], ("practical", "P1", "焊", 0, "0.5", "judgement", "mean", 3)], {},
     "The maximum mark of P1 must be above 0."),
    (GOOD_PARTS, [GOOD_CRITERIA[0], GOOD_CRITERIA[1], ("practical", "P1", "重复", 40, 1, "judgement", "mean", 3)],
     {}, "The criterion code P1 is used twice."),
    (GOOD_PARTS, [GOOD_CRITERIA[0]], {}, "The part practical has no criteria."),
    (GOOD_PARTS, [GOOD_CRITERIA[0], ("practical", "P1", "焊", 10, 3, "judgement", "mean", 3)], {},
     "The maximum mark of P1 is not a multiple of its step."),
    (GOOD_PARTS, [GOOD_CRITERIA[0], ("practical", "P1", "焊", 10, 1, "judgement", "trimmed", 2)], {},
     "needs at least 3 judges"),
    (GOOD_PARTS, GOOD_CRITERIA, {"award_mode": "proportions", "award_first": "50", "award_second": "40",
                                 "award_third": "30"}, "The prize shares add up to 120 per cent"),
    (GOOD_PARTS, GOOD_CRITERIA, {"award_second": ""}, "Give the number of first, second and third prizes."),
])
def test_invalid_scheme_saves_nothing(world, client, auth, parts, criteria, extra, message):
    comp = f.competition(world["city"])
    ev = f.event(comp, with_scheme=False)
    db.session.commit()
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    response = client.post(f"/organize/events/{ev.id}/scheme", data=_scheme_form(parts, criteria, **extra))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count(SchemePart) == 0 and _count(Criterion) == 0
    assert not db.session.get(Event, ev.id).scheme_valid


def test_invalid_scheme_message_in_chinese(world, client, auth):
    comp = f.competition(world["city"])
    ev = f.event(comp, with_scheme=False)
    db.session.commit()
    auth.login("cityorg")
    client.post("/lang", data={"lang": "zh"})
    response = client.post(f"/organize/events/{ev.id}/scheme",
                           data=_scheme_form([("theory", "理论", 30), ("practical", "实操", 60)], GOOD_CRITERIA))
    html = response.get_data(as_text=True)
    assert "90" in html and "100" in html
    assert "The part weights must add up to 100" not in html


@pytest.mark.parametrize("lang, message", [
    ("en", "The share for First prize cannot exceed 100 per cent."),
    ("zh", "一等奖的比例不能超过 100%。"),
])
def test_prize_problems_name_the_prize_in_the_readers_language(world, client, auth, lang, message):
    comp = f.competition(world["city"])
    ev = f.event(comp, with_scheme=False)
    db.session.commit()
    auth.login("cityorg")
    client.post("/lang", data={"lang": lang})
    response = client.post(f"/organize/events/{ev.id}/scheme", data=_scheme_form(
        GOOD_PARTS, GOOD_CRITERIA, award_mode="proportions", award_first="120", award_second="0", award_third="0"))
    html = response.get_data(as_text=True)
    assert message in html
    assert _count(SchemePart) == 0


def test_status_moves_follow_the_life_cycle(world, client, auth):
    comp = f.competition(world["city"])
    db.session.commit()
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    client.post(f"/organize/competitions/{comp.id}/status", data={"target": "open"})
    db.session.refresh(comp)
    assert comp.status == "draft"  # no events yet
    ev = f.event(comp, with_scheme=False)
    db.session.commit()
    response = client.post(f"/organize/competitions/{comp.id}/status", data={"target": "open"},
                           follow_redirects=True)
    assert "need a complete marking scheme" in response.get_data(as_text=True)
    client.post(f"/organize/events/{ev.id}/scheme", data=_scheme_form(GOOD_PARTS, GOOD_CRITERIA))
    client.post(f"/organize/competitions/{comp.id}/status", data={"target": "open"})
    db.session.refresh(comp)
    assert comp.status == "open"
    skip = client.post(f"/organize/competitions/{comp.id}/status", data={"target": "results"},
                       follow_redirects=True)
    assert "cannot be moved to results" in skip.get_data(as_text=True)


def test_copy_competition_for_next_year(world, client, auth):
    comp = f.competition(world["city"])
    f.event(comp)
    f.event(comp, trade_name="焊工", trade_code="WELD", starts_on=date(2026, 12, 16))
    db.session.commit()
    auth.login("cityorg")
    response = client.post(f"/organize/competitions/{comp.id}/copy", data={"name": "2027年大赛", "year": "2027"})
    assert response.status_code == 302
    copy = db.session.execute(select(Competition).where(Competition.name == "2027年大赛")).scalar_one()
    assert copy.status == "draft" and copy.year == 2027 and copy.starts_on == date(2027, 12, 15)
    assert copy.copied_from_id == comp.id
    assert [e.trade_code for e in copy.events] == ["ELEC", "WELD"]
    assert copy.events[1].starts_on == date(2027, 12, 16)
    assert [c.code for p in copy.events[0].parts for c in p.criteria] == ["T1", "P1", "P2"]
    assert copy.registration_closes_at.year == 2027


def test_copy_event_into_same_competition_needs_new_group_or_code(world, client, auth):
    comp = f.competition(world["city"])
    ev = f.event(comp)
    db.session.commit()
    auth.login("cityorg")
    same = client.post(f"/organize/events/{ev.id}/copy",
                       data={"competition_id": comp.id, "trade_code": "ELEC", "group": "workers"})
    assert same.status_code == 200
    ok = client.post(f"/organize/events/{ev.id}/copy",
                     data={"competition_id": comp.id, "trade_code": "ELEC", "group": "students"})
    assert ok.status_code == 302
    events = db.session.execute(select(Event).order_by(Event.id)).scalars().all()
    assert [e.group for e in events] == ["workers", "students"]
    assert events[1].scheme_valid and len(events[1].parts) == 2


def test_event_removed_only_from_draft(world, client, auth):
    comp = f.competition(world["city"])
    ev = f.event(comp)
    db.session.commit()
    auth.login("cityorg")
    client.post(f"/organize/competitions/{comp.id}/status", data={"target": "open"})
    client.post(f"/organize/events/{ev.id}/delete")
    assert _count(Event) == 1
