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


def _login(client, auth, username, lang="en"):
    auth.logout()
    assert auth.login(username).status_code == 302
    client.post("/lang", data={"lang": lang})


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
    _login(client, auth, "eastorg")
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
