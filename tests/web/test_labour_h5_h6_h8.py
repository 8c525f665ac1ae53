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
    world = f.labour_world(organizer=True)
    db.session.commit()
    return world



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
    auth.login_as("metro-org")
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
    auth.login_as("metro-org", lang="zh")
    page = client.get(f"/labour/competitions/{w['competition'].id}/units").get_data(as_text=True)
    assert "参赛职工人数" in page


# ---- H8 -----------------------------------------------------------------------------------------------

@pytest.fixture
def finished(w):
    """Six signed-off, published months (S2 first, S1 second, no veto) under rules giving one advanced
    collective to a section."""
    from datetime import UTC, datetime

    from competitions.labour_results.publication import publish_period
    from competitions.labour_results.rules import save_rules

    save_rules(w["competition"], {"honours": [{"kind": "advanced_collective", "count": 1,
                                               "participant_kinds": ["section"]}]}, actor_id=w["organizer"].id)
    for period in w["periods"]:
        period = f.labour_signed_off_period(w, period, {"S1": "9", "S2": "10", "S3": "8", "S4": "7"})
        publish_period(period, actor_id=w["organizer"].id, now=datetime.now(UTC))
    db.session.commit()
    return w


def test_withdrawing_an_honour_revokes_its_certificate_and_bars_the_unit_from_it(finished, client, auth):
    from sqlalchemy import select

    from competitions.audit.models import AuditEntry
    from competitions.certificates.models import Certificate
    from competitions.domain.certificate_numbers import CertificateNumber
    from competitions.labour_results import honours as honours_mod

    w = finished
    comp = w["competition"]
    units = {u.code: u for u in w["units"]}
    auth.login_as("metro-org")
    client.post(f"/labour-results/competitions/{comp.id}/honours/decide")
    [s2] = honours_mod.honours_of(comp.id)
    assert (s2.unit_id, s2.status) == (units["S2"].id, "awarded")
    client.post(f"/labour-results/competitions/{comp.id}/certificates")
    certificate = db.session.execute(select(Certificate).where(Certificate.competition_id == comp.id)).scalar_one()
    page = client.get(f"/labour-results/competitions/{comp.id}/honours").get_data(as_text=True)
    assert f"/certificates/{certificate.id}.pdf" in page

    page = client.post(f"/labour-results/honours/{s2.id}/withdraw", data={"reason": "Safety accident found later"},
                       follow_redirects=True).get_data(as_text=True)
    display = CertificateNumber(certificate.number).display
    assert "The honour is withdrawn for cause" in page and f"Its certificate {display} is revoked" in page
    # at once, without pressing "Issue certificates": revoked (audited), no PDF link, the public check says so
    assert f"/certificates/{certificate.id}.pdf" not in page and "Withdrawn for cause" in page
    db.session.expire_all()
    revoked = db.session.get(Certificate, certificate.id)
    assert revoked.status == "revoked" and revoked.revoked_code == "honour_withdrawn"
    assert revoked.revoked_reason == "Safety accident found later"
    assert db.session.execute(select(AuditEntry).where(AuditEntry.action == "certificate_revoked",
                                                       AuditEntry.object_id == certificate.id)).scalar_one()
    client.post("/auth/logout")
    verify = client.get(f"/verify/{certificate.number}").get_data(as_text=True)
    assert 'data-state="revoked"' in verify and 'data-state="valid"' not in verify

    # deciding again passes the place to the next eligible unit and never re-awards S2
    auth.login_as("metro-org")
    page = client.post(f"/labour-results/competitions/{comp.id}/honours/decide", data={"reason": "Recount"},
                       follow_redirects=True).get_data(as_text=True)
    assert "1 awarded" in page and "Passed over" in page and "2标段 (Advanced collective)" in page
    rows = [(h.unit_id, h.status) for h in honours_mod.honours_of(comp.id)]
    assert sorted(rows) == sorted([(units["S2"].id, "revoked"), (units["S1"].id, "awarded")])
    # and again: nothing changes
    client.post(f"/labour-results/competitions/{comp.id}/honours/decide", data={"reason": "again"})
    assert len(honours_mod.honours_of(comp.id)) == 2
    # the next issue gives S1 a certificate and none to S2
    client.post(f"/labour-results/competitions/{comp.id}/certificates")
    names = db.session.execute(select(Certificate.name).where(Certificate.competition_id == comp.id,
                                                              Certificate.status == "active")).scalars().all()
    assert names == ["1标段"]


def test_rejecting_a_confirmed_individual_revokes_their_certificate_at_once(finished, client, auth):
    from sqlalchemy import select

    from competitions.certificates.models import Certificate
    from competitions.db import utcnow
    from competitions.labour import setup
    from competitions.labour_results import honours as honours_mod
    from competitions.labour_results.rules import save_rules

    w = finished
    comp = w["competition"]
    save_rules(comp, {"honours": [{"kind": "advanced_collective", "count": 1, "participant_kinds": ["section"]}],
                      "individuals_per_honoured_unit": 1}, actor_id=None)
    s2 = next(u for u in w["units"] if u.code == "S2")
    person = f.worker(w["orgs"]["works"], name="周建华")
    setup.add_member(s2, worker_id=person.id, role="", actor=None)
    db.session.commit()
    auth.login_as("metro-org")
    client.post(f"/labour-results/competitions/{comp.id}/honours/decide")
    [nominee] = honours_mod.nominate(s2, [person.id], actor_id=None, now=utcnow())
    db.session.commit()
    client.post(f"/labour-results/honours/{nominee.id}/nomination", data={"action": "confirm"})
    client.post(f"/labour-results/competitions/{comp.id}/certificates")
    mine = db.session.execute(select(Certificate).where(Certificate.worker_id == person.id)).scalar_one()
    assert mine.status == "active"
    client.post(f"/labour-results/honours/{nominee.id}/nomination", data={"action": "reject",
                                                                          "reason": "Not a member in 2026"})
    db.session.expire_all()
    assert db.session.get(Certificate, mine.id).status == "revoked"


# ---- H5 -----------------------------------------------------------------------------------------------

def test_a_unit_added_or_reinstated_later_leaves_signed_off_periods_alone(w, client, auth):
    from datetime import UTC, datetime

    from sqlalchemy import select

    from competitions.labour.models import LabourUnit
    from competitions.labour_results.models import LabourPublication
    from competitions.labour_results.publication import publish_period

    comp = w["competition"]
    january, february = w["periods"][0], w["periods"][1]
    f.labour_signed_off_period(w, january, {"S1": "9", "S2": "10", "S3": "8", "S4": "7"})
    publish_period(january, actor_id=w["organizer"].id, now=datetime.now(UTC))
    db.session.commit()
    auth.login_as("metro-org")
    # February: a new section joins, and S4 withdraws then is reinstated ("by mistake")
    page = client.post(f"/labour/competitions/{comp.id}/units",
                       data={"code": "S9", "name": "9标段", "kind": "section", "headcount": "80"},
                       follow_redirects=True)
    assert page.status_code == 200
    s9 = db.session.execute(select(LabourUnit).where(LabourUnit.code == "S9")).scalar_one()
    s4 = next(u for u in w["units"] if u.code == "S4")
    client.post(f"/labour/units/{s4.id}/withdraw", data={"reason": "退出"})
    client.post(f"/labour/units/{s4.id}/reinstate", data={"reason": "误操作恢复"})
    db.session.expire_all()
    assert s4.withdrawn_at is None

    # January still has exactly its four units and owes nothing
    state = services.completeness(january)
    assert state.ok and state.units == 4 and state.expected == state.entered
    assert [u.code for u in services.units_in_period(january)] == ["S1", "S2", "S3", "S4"]
    auth.login_as("assessor-chief")
    chief = client.get(f"/labour/periods/{january.id}/chief").get_data(as_text=True)
    assert "9标段" not in chief
    # February (not signed off yet) takes the new unit
    assert "S9" in [u.code for u in services.units_in_period(february)]

    # January unpublished and published again: no dead end
    auth.login_as("metro-org")
    active = db.session.execute(select(LabourPublication).where(
        LabourPublication.period_id == january.id, LabourPublication.status == "published")).scalar_one()
    client.post(f"/labour-results/publications/{active.id}/unpublish", data={"reason": "复核"})
    page = client.post(f"/labour-results/periods/{january.id}/publish", follow_redirects=True).get_data(as_text=True)
    assert "still lack points" not in page and "is published" in page
    again = db.session.execute(select(LabourPublication).where(
        LabourPublication.period_id == january.id, LabourPublication.status == "published")).scalar_one()
    assert [row["unit_id"] for row in again.snapshot["rows"]].count(s9.id) == 0

    # reopened for a correction and signed off again, January keeps its units (S9 is not asked for)
    auth.login_as("assessor-chief")
    client.post(f"/labour/periods/{january.id}/reopen", data={"reason": "更正 S1 的 O1 分数"})
    client.post(f"/labour/periods/{january.id}/close")
    client.post(f"/labour/periods/{january.id}/sign-off")
    db.session.expire_all()
    assert january.status == "signed_off"
    assert [u.code for u in services.units_in_period(january)] == ["S1", "S2", "S3", "S4"]
    # and a unit withdrawn now stays in January, where it took part
    auth.login_as("metro-org")
    s1 = next(u for u in w["units"] if u.code == "S1")
    client.post(f"/labour/units/{s1.id}/withdraw", data={"reason": "合同终止"})
    db.session.expire_all()
    assert "S1" in [u.code for u in services.units_in_period(january)]
    assert services.completeness(january).ok


# ---- a single honour withdrawn by the command line and the JSON API (the same service as the page) ----------

def test_withdrawing_an_honour_by_cli_and_api_revokes_it_with_its_certificate(finished, client, auth, runner):
    from sqlalchemy import select

    from competitions.audit.models import AuditEntry
    from competitions.certificates.models import Certificate
    from competitions.labour_results import honours as honours_mod

    w = finished
    comp = w["competition"]
    auth.login_as("metro-org")
    client.post(f"/labour-results/competitions/{comp.id}/honours/decide")
    client.post(f"/labour-results/competitions/{comp.id}/certificates")
    [s2] = honours_mod.honours_of(comp.id)
    certificate = db.session.execute(select(Certificate).where(Certificate.competition_id == comp.id)).scalar_one()

    # the JSON API: a reason is required (and must be text without control characters); nothing changes until then
    for body, message in (({}, "Give a reason."), ({"reason": "  "}, "Give a reason."),
                          ({"reason": 5}, "Give a reason."), ({"reason": "bad\x07bell"}, "control character"),
                          ({"reason": "x" * 1001}, "At most 1000 characters.")):
        refused = client.post(f"/api/v1/labour-results/honours/{s2.id}/withdraw", json=body)
        assert refused.status_code == 422 and message in refused.json["message"], (body, refused.json)
    db.session.expire_all()
    assert db.session.get(type(s2), s2.id).status == "awarded"

    # the command line refuses an honour of another competition and an empty reason, changing nothing
    result = runner.invoke(args=["labour-results", "withdraw-honour", str(comp.id + 1000), str(s2.id),
                                 "--reason", "Safety accident"])
    assert result.exit_code == 1 and f"No labour competition {comp.id + 1000}" in result.output
    result = runner.invoke(args=["labour-results", "withdraw-honour", str(comp.id), str(s2.id + 1000),
                                 "--reason", "Safety accident"])
    assert result.exit_code == 1 and f"has no honour {s2.id + 1000}" in result.output
    result = runner.invoke(args=["labour-results", "withdraw-honour", str(comp.id), str(s2.id), "--reason", " "])
    assert result.exit_code == 1 and "Give a reason." in result.output
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).status == "active"

    result = runner.invoke(args=["labour-results", "withdraw-honour", str(comp.id), str(s2.id),
                                 "--reason", "Safety accident found later", "--as", "metro-org"])
    assert result.exit_code == 0, result.output
    assert "withdrawn for cause" in result.output and "Its certificate" in result.output
    db.session.expire_all()
    assert db.session.get(type(s2), s2.id).status == "revoked"
    revoked = db.session.get(Certificate, certificate.id)
    assert revoked.status == "revoked" and revoked.revoked_code == "honour_withdrawn"
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "labour_honour_withdrawn")).scalar_one()
    assert entry.reason == "Safety accident found later" and entry.actor_id == w["organizer"].id
    # withdrawing it twice says it is not awarded
    again = client.post(f"/api/v1/labour-results/honours/{s2.id}/withdraw", json={"reason": "again"})
    assert again.status_code == 409 and again.json["message"] == "This honour is not awarded."

    # deciding again gives S1 the honour; the API withdraws that one and says which certificate it revoked
    client.post(f"/labour-results/competitions/{comp.id}/honours/decide", data={"reason": "Recount"})
    client.post(f"/labour-results/competitions/{comp.id}/certificates")
    s1 = next(h for h in honours_mod.honours_of(comp.id) if h.status == "awarded")
    response = client.post(f"/api/v1/labour-results/honours/{s1.id}/withdraw", json={"reason": "假报数据"})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "revoked" and response.json["reason"] == "假报数据"
    assert response.json["revoked_certificate"] and "-" in response.json["revoked_certificate"]
    assert client.get("/api/v1/openapi.json").json["paths"]["/api/v1/labour-results/honours/{honour_id}/withdraw"]

    # another organizer (not managing this competition) gets 404, and the Chinese message reads in Chinese
    f.user("other-org", "organizer", org=w["orgs"]["plant"])
    db.session.commit()
    auth.login_as("other-org")
    assert client.post(f"/api/v1/labour-results/honours/{s2.id}/withdraw", json={"reason": "x"}).status_code == 404
    auth.login_as("metro-org", lang="zh")
    again = client.post(f"/api/v1/labour-results/honours/{s1.id}/withdraw", json={"reason": "x"},
                        headers={"Accept-Language": "zh"})
    assert again.status_code == 409 and "This honour" not in again.json["message"]


def test_advanced_individuals_named_decided_and_certified_by_cli_and_api(finished, client, auth, runner):
    """Every operator action on honours also by the command line and the JSON API: naming advanced individuals,
    confirming or rejecting them, issuing the honour certificates."""
    from sqlalchemy import select

    from competitions.certificates.models import Certificate
    from competitions.labour import setup
    from competitions.labour_results.models import LabourHonour
    from competitions.labour_results.rules import save_rules

    w = finished
    comp = w["competition"]
    save_rules(comp, {"honours": [{"kind": "advanced_collective", "count": 1, "participant_kinds": ["section"]}],
                      "individuals_per_honoured_unit": 2}, actor_id=None)
    s2 = next(u for u in w["units"] if u.code == "S2")
    first, second = f.worker(w["orgs"]["works"], name="周建华"), f.worker(w["orgs"]["works"], name="吴晓燕")
    outsider = f.worker(w["orgs"]["works"], name="郑不在")
    for person in (first, second):
        setup.add_member(s2, worker_id=person.id, role="", actor=None)
    db.session.commit()
    auth.login_as("metro-org")
    client.post(f"/labour-results/competitions/{comp.id}/honours/decide")

    api = f"/api/v1/labour-results/units/{s2.id}/nominate"
    for body in ({"workers": str(first.id)}, {"workers": [True]}, {"workers": [1.5]}, {"workers": [-1]}, [1], {}):
        refused = client.post(api, json=body)
        assert refused.status_code == 422, (body, refused.json)
    refused = client.post(api, json={"workers": [outsider.id]})     # not a member of the unit
    assert refused.status_code == 422
    assert db.session.execute(select(LabourHonour).where(LabourHonour.worker_id.is_not(None))).first() is None
    made = client.post(api, json={"workers": [first.id]})
    assert made.status_code == 201 and made.json["nominated"][0]["status"] == "nominated"
    result = runner.invoke(args=["labour-results", "nominate", str(comp.id), "s2", "--worker", str(second.id),
                                 "--as", "metro-org"])
    assert result.exit_code == 0 and f"Nominated worker {second.id}" in result.output, result.output
    one, two = (db.session.execute(select(LabourHonour).where(LabourHonour.worker_id == p.id)).scalar_one()
                for p in (first, second))

    decide = f"/api/v1/labour-results/honours/{one.id}/nomination"
    assert client.post(decide, json={"action": "approve"}).status_code == 422
    assert client.post(decide, json={"action": "confirm"}).json["status"] == "confirmed"
    result = runner.invoke(args=["labour-results", "nomination", str(comp.id), str(two.id), "confirm"])
    assert result.exit_code == 0 and "now confirmed" in result.output
    made = client.post(f"/api/v1/labour-results/competitions/{comp.id}/certificates")
    assert made.status_code == 200 and made.json["issued"] == 3   # the collective and the two individuals
    mine = db.session.execute(select(Certificate).where(Certificate.worker_id == first.id)).scalar_one()
    # rejecting a confirmed person needs a clean reason, and revokes their certificate at once
    assert client.post(decide, json={"action": "reject"}).status_code == 422
    assert client.post(decide, json={"action": "reject", "reason": "bad\x1bescape"}).status_code == 422
    rejected = client.post(decide, json={"action": "reject", "reason": "2026年不在该标段"})
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"
    db.session.expire_all()
    assert db.session.get(Certificate, mine.id).status == "revoked"
    result = runner.invoke(args=["labour-results", "nomination", str(comp.id + 1000), str(two.id), "withdraw"])
    assert result.exit_code == 1 and "No labour competition" in result.output
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/labour-results/units/{unit_id}/nominate", "/api/v1/labour-results/honours/{honour_id}/nomination",
            "/api/v1/labour-results/competitions/{competition_id}/certificates"} <= set(paths)
