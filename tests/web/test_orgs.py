"""The administrator's union tree: adding and renaming organizations, with refusals explained on the form."""

from __future__ import annotations

from sqlalchemy import func, select

from competitions.extensions import db
from competitions.orgs.models import Organization
from tests import factories as f


def _count() -> int:
    return db.session.execute(select(func.count()).select_from(Organization)).scalar_one()


def test_admin_adds_an_enterprise_union_and_a_refusal_keeps_the_form(app, client, auth):
    orgs = f.org_tree()
    f.user("admin", "admin", org=orgs["city"])
    db.session.commit()
    before = _count()
    auth.login("admin")
    client.post("/lang", data={"lang": "zh"})
    form = {"name": "东区纺织厂工会", "kind": "enterprise", "parent_id": str(orgs["east"].id), "region": "东区",
            "industry": "纺织"}
    refused = client.post("/orgs/new", data={**form, "kind": "district"})  # a district under a district
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "“区县总工会”不能设在“区县总工会”之下。" in page
    assert _count() == before
    saved = client.post("/orgs/new", data=form)
    assert saved.status_code == 302 and _count() == before + 1
    duplicate = client.post("/orgs/new", data=form).get_data(as_text=True)
    assert "名为 东区纺织厂工会 的组织已存在。" in duplicate and _count() == before + 1


def test_admin_renames_an_organization(app, client, auth):
    orgs = f.org_tree()
    f.user("admin", "admin", org=orgs["city"])
    db.session.commit()
    auth.login("admin")
    plant = orgs["plant"]
    response = client.post(f"/orgs/{plant.id}", data={"name": "东区机床集团工会", "kind": plant.kind,
                                                       "parent_id": str(plant.parent_id), "region": "东区",
                                                       "industry": "机械"})
    assert response.status_code == 302
    assert db.session.get(Organization, plant.id).name == "东区机床集团工会"
