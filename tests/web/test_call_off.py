"""Calling a draft competition off is asked first, reads as called off, and can be undone (review M11).

Found: on a draft's page "Move to: Archived" archived it at one tap, without a question, the page then said
"Archived" and offered nothing: the only way on was to copy the competition (new id, new public links).
Now the button says what it does (call the competition off), asks first (data-confirm, app.js), the badge
reads 已取消 / Called off, and a called-off draft goes back to draft (audited). A competition archived after
its results stays archived: marks, results and certificates depend on it.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from competitions.audit.models import AuditEntry
from competitions.domain.errors import InvalidState
from competitions.domain.lifecycle import ReadinessFacts, Status, check_transition, targets_in_order
from competitions.extensions import db
from tests import factories as f


@pytest.mark.parametrize("current, called_off, targets", [
    ("draft", False, ["open", "archived"]),
    ("archived", True, ["draft"]),      # called off as a draft: the way back
    ("archived", False, []),            # archived after its results: final
    ("results", False, ["archived"]),
])
def test_targets_offered(current, called_off, targets):
    assert [t.value for t in targets_in_order(current, called_off=called_off)] == targets


def test_only_a_called_off_draft_goes_back():
    assert check_transition("archived", "draft", ReadinessFacts(event_count=0, called_off=True)) is Status.DRAFT
    with pytest.raises(InvalidState):
        check_transition("archived", "draft", ReadinessFacts(event_count=3))


@pytest.fixture
def world(app):
    orgs = f.org_tree()
    f.user("cityorg", "organizer", org=orgs["city"])
    comp = f.competition(orgs["city"])
    db.session.commit()
    return comp


def _status_forms(html: str) -> dict[str, str]:
    """{button value: the form's data-confirm question ('' if none)} of the status buttons."""
    forms = {}
    for form in re.findall(r"<form[^>]*?/status\"(.*?)</form>", html, re.S):
        target = re.search(r'name="target" value="(\w+)"', form).group(1)
        confirm = re.search(r'data-confirm="([^"]*)"', form)
        forms[target] = confirm.group(1) if confirm else ""
    return forms


@pytest.mark.parametrize("lang, call_off, called_off, back", [
    ("en", "Call the competition off", "Called off", "Bring back to draft"),
    ("zh", "取消本竞赛", "已取消", "恢复为草稿"),
])
def test_calling_a_draft_off_asks_first_reads_called_off_and_can_be_undone(world, client, auth, lang, call_off,
                                                                         called_off, back):
    comp = world
    auth.login("cityorg")
    client.post("/lang", data={"lang": lang})
    page = client.get(f"/organize/competitions/{comp.id}").get_data(as_text=True)
    assert call_off in page
    assert _status_forms(page)["archived"]  # a question before calling it off
    client.post(f"/organize/competitions/{comp.id}/status", data={"target": "archived"})
    db.session.refresh(comp)
    assert comp.status == "archived" and comp.called_off_at is not None
    page = client.get(f"/organize/competitions/{comp.id}").get_data(as_text=True)
    badge = re.search(r'<span class="badge status-(\w+)">([^<]*)</span>', page)
    assert badge.groups() == ("called_off", called_off)
    assert back in page and list(_status_forms(page)) == ["draft"]
    listing = client.get("/organize/competitions").get_data(as_text=True)
    assert f">{called_off}</span>" in listing
    client.post(f"/organize/competitions/{comp.id}/status", data={"target": "draft"})
    db.session.refresh(comp)
    assert comp.status == "draft" and comp.called_off_at is None
    moves = db.session.execute(select(AuditEntry).where(AuditEntry.action == "competition.status")
                               .order_by(AuditEntry.id)).scalars().all()
    assert [(m.old_value["status"], m.new_value["status"]) for m in moves] == [("draft", "archived"),
                                                                               ("archived", "draft")]


def test_a_called_off_draft_stays_off_the_public_pages(world, client, auth):
    """A draft was never public; calling it off must not publish its page (archived ones are public)."""
    comp = world
    auth.login("cityorg")
    client.post(f"/organize/competitions/{comp.id}/status", data={"target": "archived"})
    auth.logout()
    assert client.get(f"/registration/competitions/{comp.id}").status_code == 404
    comp.called_off_at = None  # the same competition archived after its results is public
    db.session.commit()
    assert client.get(f"/registration/competitions/{comp.id}").status_code == 200


def test_a_competition_archived_after_its_results_stays_archived(world, client, auth):
    comp = world
    comp.status = "archived"  # archived after its results: never called off
    db.session.commit()
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    page = client.get(f"/organize/competitions/{comp.id}").get_data(as_text=True)
    assert "Bring back to draft" not in page and "Called off" not in page and ">Archived</span>" in page
    refused = client.post(f"/organize/competitions/{comp.id}/status", data={"target": "draft"},
                          follow_redirects=True)
    assert "Only a competition called off before it opened can go back to draft." in refused.get_data(as_text=True)
    db.session.refresh(comp)
    assert comp.status == "archived"


def test_the_command_calls_off_and_brings_back_audited(world, runner):
    comp = world
    assert runner.invoke(args=["competitions", "set-status", str(comp.id), "archived"]).exit_code == 0
    db.session.refresh(comp)
    assert comp.called_off_at is not None
    assert runner.invoke(args=["competitions", "set-status", str(comp.id), "draft"]).exit_code == 0
    db.session.refresh(comp)
    assert comp.status == "draft" and comp.called_off_at is None
    actions = db.session.execute(select(AuditEntry.action)).scalars().all()
    assert actions.count("competition.status") == 2
