"""Fixes after the labour competitions review: help texts shown as text, stale set-up forms refused,
sign-off and reopen messages, one person in one competing unit, periods not yet started."""

from __future__ import annotations

import re

import pytest

from competitions.extensions import db
from competitions.labour.models import LabourIndicator, LabourUnit
from competitions.labour_results.rules import rules_of
from tests import factories as f


@pytest.fixture
def w(app):
    world = f.labour_world(organizer=True)
    db.session.commit()
    return world



def version_in(html: str) -> str:
    found = re.search(r'name="version"[^>]*value="([0-9a-f]+)"|value="([0-9a-f]+)"[^>]*name="version"', html)
    assert found, "the form carries no version"
    return found.group(1) or found.group(2)


RULES = {"tie_break": "deductions", "veto_placement": "unplaced", "flag_on_tie": "none", "veto_money": "nothing",
         "money_ties": "each", "combine": "weighted_sum", "missing": "zero", "veto_count": "zero",
         "ties_at_cut": "include"}


def test_help_texts_are_text_not_markup(w, client, auth):
    """M13: the tie-break help names group:CODE; no help text's "<" can open a tag and restyle the form."""
    auth.login_as("metro-org")
    page = client.get(f"/labour-results/competitions/{w['competition'].id}/rules").get_data(as_text=True)
    assert "bonus (more first), group:CODE (a higher subtotal first).</small>" in page
    assert page.count("<code>") == page.count("</code>")   # no tag left open to turn the form monospace
    zh = client.post("/lang", data={"lang": "zh"}) and client.get(
        f"/labour-results/competitions/{w['competition'].id}/rules").get_data(as_text=True)
    assert "group:代码（该指标组得分高者列前）" in zh
    indicator = next(i for i in w["indicators"].values())
    client.post("/lang", data={"lang": "en"})
    form = client.get(f"/labour/indicators/{indicator.id}/edit").get_data(as_text=True)
    assert "&#39;&lt;= 1 : 4&#39;" in form or "'&lt;= 1 : 4'" in form   # escaped, as every help text is


def test_a_stale_unit_form_is_refused_and_the_colleagues_change_kept(w, client, auth):
    """M16: two organizers open the same unit; the second save, from the older form, changes nothing."""
    unit = w["units"][1]
    auth.login_as("metro-org")
    version = version_in(client.get(f"/labour/units/{unit.id}").get_data(as_text=True))
    base = {"code": unit.code, "name": unit.name, "kind": unit.kind, "organization_id": "", "headcount": "40"}
    first = client.post(f"/labour/units/{unit.id}", data={**base, "name": "2标段-B改名", "version": version})
    assert first.status_code == 302
    stale = client.post(f"/labour/units/{unit.id}", data={**base, "headcount": "530", "version": version},
                        follow_redirects=True)
    assert "changed by someone else" in stale.get_data(as_text=True)
    db.session.expire_all()
    row = db.session.get(LabourUnit, unit.id)
    assert row.name == "2标段-B改名" and row.headcount == 40
    fresh = version_in(client.get(f"/labour/units/{unit.id}").get_data(as_text=True))
    assert fresh != version
    again = client.post(f"/labour/units/{unit.id}", data={**base, "name": "2标段-B改名", "headcount": "530",
                                                          "version": fresh})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(LabourUnit, unit.id).headcount == 530


def test_a_stale_indicator_form_is_refused(w, client, auth):
    indicator = next(i for i in w["indicators"].values())
    auth.login_as("metro-org")
    url = f"/labour/indicators/{indicator.id}/edit"
    page = client.get(url).get_data(as_text=True)
    version = version_in(page)
    db.session.get(LabourIndicator, indicator.id).name = "A colleague's new name"
    db.session.commit()
    stale = client.post(url, data={"version": version, "group_id": indicator.group_id, "code": indicator.code,
                                   "name": "Mine", "kind": indicator.kind, "max_points": str(indicator.max_points),
                                   "step": "0.5", "formula_type": ""},
                        follow_redirects=True)
    assert "changed by someone else" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(LabourIndicator, indicator.id).name == "A colleague's new name"


def test_a_stale_rules_form_is_refused(w, client, auth):
    comp = w["competition"]
    auth.login_as("metro-org")
    url = f"/labour-results/competitions/{comp.id}/rules"
    version = version_in(client.get(url).get_data(as_text=True))
    assert client.post(url, data={**RULES, "rewards": "5000, 3000", "version": version}).status_code == 302
    stale = client.post(url, data={**RULES, "rewards": "100", "version": version}, follow_redirects=True)
    assert "changed by someone else" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert rules_of(comp.id).rewards == ["5000", "3000"]


def test_a_period_that_has_not_started_is_shown_so_and_cannot_be_scored_or_published(w, client, auth):
    """L1: a period whose first day is still to come reads "Not started" (未开始), takes no scores and is
    not published."""
    from datetime import timedelta

    from competitions.labour.models import LabourScore
    from competitions.timezone import local_today
    from tests.web.test_labour import GOOD, assess_unit_url, sheet

    later = w["periods"][5]
    later.starts_on, later.ends_on = local_today() + timedelta(days=3), local_today() + timedelta(days=33)
    db.session.commit()
    auth.login_as("assessor-one")
    home = client.get("/labour/").get_data(as_text=True)
    assert "Not started" in home and f"/labour/periods/{later.id}/assess\"" not in home
    assert f"/labour/periods/{w['periods'][0].id}/assess" in home     # a past period is still assessed
    refused = client.post(assess_unit_url(later, w["units"][0]), data=sheet(w, GOOD), follow_redirects=True)
    assert "cannot be assessed before it starts" in refused.get_data(as_text=True)
    assert db.session.query(LabourScore).filter_by(period_id=later.id).count() == 0
    client.post("/lang", data={"lang": "zh"})
    assert "未开始" in client.get("/labour/").get_data(as_text=True)
    # a period signed off earlier, then found to lie in the future, is not published
    month = w["periods"][4]
    f.labour_signed_off_period(w, month, {"S1": "6", "S2": "10", "S3": "8", "S4": "8"})
    month.starts_on, month.ends_on = local_today() + timedelta(days=1), local_today() + timedelta(days=2)
    db.session.commit()
    auth.logout()
    auth.login_as("metro-org")
    page = client.post(f"/labour-results/periods/{month.id}/publish", follow_redirects=True)
    assert "cannot be published before it starts" in page.get_data(as_text=True)


def test_lists_are_joined_as_the_page_language_writes_them(w, client, auth):
    """L4: the honours page's "not yet" periods: commas in English, 、 and 和 in Chinese."""
    auth.login_as("metro-org")
    url = f"/labour-results/competitions/{w['competition'].id}/honours"
    page = client.get(url).get_data(as_text=True)
    assert "not yet: 2026-01, 2026-02, 2026-03, 2026-04, 2026-05, and 2026-06." in page and "、" not in page
    client.post("/lang", data={"lang": "zh"})
    page = client.get(url).get_data(as_text=True)
    assert "2026-01、2026-02、2026-03、2026-04、2026-05和2026-06" in page


def test_the_audit_log_reads_labour_entries_and_filters_them(w, client, auth):
    """M15: labour entries' fields by their labels in Chinese; the action filter offers labour, innovation and
    rounds groups, and a labour action filters to its own entries."""
    f.labour_signed_off_period(w, w["periods"][0], {"S1": "6", "S2": "10", "S3": "8", "S4": "8"},
                               deductions=[("S1", "1")])
    db.session.commit()
    auth.login_as("metro-org", lang="zh")
    page = client.get("/judging/audit?action=labour.score").get_data(as_text=True)
    assert "考评指标: " in page and "参赛单位: S" in page and "考评周期: " in page and "得分: " in page
    assert "indicator:" not in page and "unit:" not in page and "points:" not in page
    for group in ("全部劳动竞赛考评与设置变更", "全部劳动竞赛发布与荣誉", "全部创新成果变更", "全部初赛与决赛变更"):
        assert group in page
    only = client.get("/judging/audit?action=labour.deduction").get_data(as_text=True)
    assert "扣分" in only and "录入考评评分" not in only.split("</select>")[-1]


def test_stale_group_and_period_forms_are_refused(w, client, auth):
    """M16, the same check on the other set-up forms: an indicator group and a period."""
    from competitions.labour.models import LabourIndicatorGroup, LabourPeriod

    auth.login_as("metro-org")
    group = db.session.get(LabourIndicator, w["indicators"]["O1"].id).group_id
    period = w["periods"][1]
    group_url, period_url = f"/labour/groups/{group}/edit", f"/labour/periods/{period.id}/edit"
    group_version = version_in(client.get(group_url).get_data(as_text=True))
    period_version = version_in(client.get(period_url).get_data(as_text=True))
    db.session.get(LabourIndicatorGroup, group).name = "同事改的类别"
    db.session.get(LabourPeriod, period.id).name = "同事改的周期"
    db.session.commit()
    row = db.session.get(LabourIndicatorGroup, group)
    stale = client.post(group_url, data={"version": group_version, "code": row.code, "name": "Mine",
                                         "max_points": str(row.max_points)}, follow_redirects=True)
    assert "changed by someone else" in stale.get_data(as_text=True)
    stale = client.post(period_url, data={"version": period_version, "name": "Mine", "kind": period.kind,
                                          "starts_on": period.starts_on.isoformat(),
                                          "ends_on": period.ends_on.isoformat(), "weight": "1"},
                        follow_redirects=True)
    assert "changed by someone else" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(LabourIndicatorGroup, group).name == "同事改的类别"
    assert db.session.get(LabourPeriod, period.id).name == "同事改的周期"
