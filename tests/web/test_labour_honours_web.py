"""A labour competition's end: cumulative standing over six published months, honours, nominations, certificates.

The honour certificates are read as people meet them: the PDF rendered with pdftoppm (kept in
tests/artifacts to look at) and its text extracted with pdftotext; the verification page shows a unit's
name in full and a person's masked.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from competitions.certificates.models import Certificate
from competitions.extensions import db
from competitions.labour import services as labour
from competitions.labour_results import honours as honours_mod
from competitions.labour_results.models import LabourHonour
from competitions.labour_results.rules import save_rules
from tests import factories as f
from tests.conftest import ARTIFACTS
from tests.support import require

D = Decimal
# Six months of O1 points: S2 wins four flags but is vetoed once; S1 steady; S3 and S4 behind.
MONTHS = [
    {"S1": "9", "S2": "10", "S3": "8", "S4": "7"},
    {"S1": "9", "S2": "10", "S3": "8", "S4": "7"},
    {"S1": "9.5", "S2": "9", "S3": "8", "S4": "7"},
    {"S1": "9", "S2": "10", "S3": "8", "S4": "7"},
    {"S1": "9", "S2": "10", "S3": "8", "S4": "7"},
    {"S1": "10", "S2": "9", "S3": "8", "S4": "7.5"},
]


@pytest.fixture
def finished(app):
    """Six signed-off, published months under rules giving two advanced collectives and a Workers' Pioneer."""
    w = f.labour_world()
    w["organizer"] = f.user("metro-office", "organizer", org=w["orgs"]["city"])
    units = {u.code: u for u in w["units"]}
    units["S4"].kind = "team"     # S4 is a team (班组): only it can be a Workers' Pioneer
    save_rules(w["competition"], {
        "honours": [{"kind": "advanced_collective", "count": 2, "participant_kinds": ["section"]},
                    {"kind": "workers_pioneer", "count": 1, "participant_kinds": ["team"]}],
        "individuals_per_honoured_unit": 2, "individuals_per_other_unit": 1, "cumulative_tie_break": ["flags"]},
        actor_id=w["organizer"].id)
    from competitions.labour_results.publication import publish_period

    for index, values in enumerate(MONTHS):
        vetoes = [("S2", "高处坠落，一人重伤")] if index == 4 else []
        period = f.labour_signed_off_period(w, w["periods"][index], values, vetoes=vetoes)
        publish_period(period, actor_id=w["organizer"].id, now=datetime.now(UTC))
    db.session.commit()
    return w


def login(client, username):
    client.post("/auth/login", data={"username": username, "password": f.PASSWORD})


def _pdf_text(data: bytes, tmp_path) -> str:
    require("pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "run scripts/system-deps.sh")
    path = tmp_path / "honour.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def _render(data: bytes, name: str) -> None:
    require("pdftoppm (poppler-utils)", shutil.which("pdftoppm") is not None, "run scripts/system-deps.sh")
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(source), str(ARTIFACTS / name)], check=True)
    source.unlink()
    assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000


def test_honours_from_the_cumulative_standing_and_their_certificates(client, finished, tmp_path):
    w = finished
    comp = w["competition"]
    login(client, "metro-office")
    page = client.get(f"/labour-results/competitions/{comp.id}/honours").get_data(as_text=True)
    # S2 has the most points but one veto: listed, no honours
    assert "不参评" in page
    client.post(f"/labour-results/competitions/{comp.id}/honours/decide")
    rows = [(h.kind, h.unit_id, h.status) for h in honours_mod.honours_of(comp.id)]
    units = {u.code: u for u in w["units"]}
    assert rows == [("advanced_collective", units["S1"].id, "awarded"),
                    ("advanced_collective", units["S3"].id, "awarded"),
                    ("workers_pioneer", units["S4"].id, "awarded")]
    # deciding again without a change needs no reason and changes nothing
    client.post(f"/labour-results/competitions/{comp.id}/honours/decide")
    assert len(honours_mod.honours_of(comp.id)) == 3

    response = client.post(f"/labour-results/competitions/{comp.id}/certificates", follow_redirects=True)
    assert "新发 3 份" in response.get_data(as_text=True)
    certificates = {c.name: c for c in db.session.execute(select(Certificate).where(
        Certificate.competition_id == comp.id)).scalars()}
    assert set(certificates) == {"1标段", "3标段", "4标段"}
    s1 = certificates["1标段"]
    pdf = client.get(f"/certificates/{s1.id}.pdf?lang=zh")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = _pdf_text(pdf.data, tmp_path)
    assert "1标段" in text and "荣誉证书" in text and "先进集体" in text and "同志" not in text
    assert comp.name in text.replace("\n", "")
    _render(pdf.data, "labour-honour-collective-zh")
    english = client.get(f"/certificates/{s1.id}.pdf?lang=en")
    text_en = _pdf_text(english.data, tmp_path)
    assert "Advanced collective" in text_en and "1标段" in text_en
    _render(english.data, "labour-honour-collective-en")
    pioneer = _pdf_text(client.get(f"/certificates/{certificates['4标段'].id}.pdf?lang=zh").data, tmp_path)
    assert "工人先锋号" in pioneer

    # the public check names the unit in full
    client.post("/auth/logout")
    verify = client.get(f"/verify/{s1.number}").get_data(as_text=True)
    assert "1标段" in verify and 'data-state="valid"' in verify
    honours_page = client.get(f"/labour-results/public/{comp.id}/honours").get_data(as_text=True)
    assert "1标段" in honours_page and "工人先锋号" in honours_page

    # withdrawing an honour revokes its certificate at the next issue
    login(client, "metro-office")
    s3 = next(h for h in honours_mod.honours_of(comp.id) if h.unit_id == units["S3"].id)
    manage = client.get(f"/labour-results/competitions/{comp.id}/honours").get_data(as_text=True)
    assert "撤销荣誉" in manage and "撤回报名" not in manage   # an honour is revoked, not a registration withdrawn
    client.post(f"/labour-results/honours/{s3.id}/withdraw", data={"reason": ""})
    assert db.session.get(LabourHonour, s3.id).status == "awarded"
    client.post(f"/labour-results/honours/{s3.id}/withdraw", data={"reason": "Safety accident found later"})
    client.post(f"/labour-results/competitions/{comp.id}/certificates")
    db.session.expire_all()
    revoked = db.session.get(Certificate, certificates["3标段"].id)
    assert revoked.status == "revoked" and revoked.revoked_code == "honour_withdrawn"
    assert "该荣誉已被撤销" in client.get(f"/verify/{revoked.number}").get_data(as_text=True)


def test_units_name_advanced_individuals_and_the_organizer_confirms(client, finished, tmp_path):
    w = finished
    comp = w["competition"]
    units = {u.code: u for u in w["units"]}
    people = [f.worker(w["orgs"]["plant"], name=name, born=date(1985 + n, 3, 1 + n))
              for n, name in enumerate(("王𫖯", "李娜", "赵强"))]
    for person in people:
        labour.add_member(units["S1"], worker_id=person.id, role="", actor=None)
    plant_office = f.user("plant-office", "organizer", org=w["orgs"]["plant"])  # S1 belongs to the plant
    db.session.commit()
    honours_mod.decide_honours(comp, actor_id=w["organizer"].id, now=datetime.now(UTC))
    db.session.commit()

    login(client, plant_office.username)
    page = client.get(f"/labour-results/units/{units['S1'].id}/nominate").get_data(as_text=True)
    assert "王𫖯" in page and "最多 2 名" in page
    assert client.get(f"/labour-results/units/{units['S2'].id}/nominate").status_code == 404  # not its unit
    response = client.post(f"/labour-results/units/{units['S1'].id}/nominate",
                           data={"people": [str(p.id) for p in people]}, follow_redirects=True)
    assert "最多可推荐 2 名" in response.get_data(as_text=True)       # three is over the quota: nothing saved
    assert not [h for h in honours_mod.honours_of(comp.id) if h.kind == "advanced_individual"]
    client.post(f"/labour-results/units/{units['S1'].id}/nominate", data={"people": [str(people[0].id)]})
    named = [h for h in honours_mod.honours_of(comp.id) if h.kind == "advanced_individual"]
    assert [(h.worker_id, h.status) for h in named] == [(people[0].id, "nominated")]
    decide = f"/labour-results/honours/{named[0].id}/nomination"
    assert client.post(decide, data={"action": "confirm"}).status_code == 404  # not the plant's competition

    client.post("/auth/logout")
    login(client, "metro-office")
    client.post(decide, data={"action": "confirm"})
    db.session.expire_all()
    assert db.session.get(LabourHonour, named[0].id).status == "confirmed"
    client.post(f"/labour-results/competitions/{comp.id}/certificates")
    certificate = db.session.execute(select(Certificate).where(Certificate.worker_id == people[0].id)).scalar_one()
    text = _pdf_text(client.get(f"/certificates/{certificate.id}.pdf?lang=zh").data, tmp_path)
    assert "王𫖯" in text and "先进个人" in text and "1标段" in text
    _render(client.get(f"/certificates/{certificate.id}.pdf?lang=zh").data, "labour-honour-individual-zh")
    client.post("/auth/logout")
    verify = client.get(f"/verify/{certificate.number}").get_data(as_text=True)
    assert "王𫖯" not in verify       # a person's name is masked on the public check
    # reject a confirmed one with a reason: the certificate goes at the next issue
    login(client, "metro-office")
    client.post(decide, data={"action": "reject", "reason": "Disciplinary case"})
    client.post(f"/labour-results/competitions/{comp.id}/certificates")
    db.session.expire_all()
    assert db.session.get(Certificate, certificate.id).status == "revoked"


def test_honours_wait_for_every_period(client, app):
    w = f.labour_world()
    f.user("metro-office", "organizer", org=w["orgs"]["city"])
    save_rules(w["competition"], {"honours": [{"kind": "advanced_collective", "count": 1}]}, actor_id=None)
    db.session.commit()
    login(client, "metro-office")
    response = client.post(f"/labour-results/competitions/{w['competition'].id}/honours/decide",
                           follow_redirects=True)
    assert "全部考核周期公布后方可评定最终荣誉" in response.get_data(as_text=True)
    assert honours_mod.honours_of(w["competition"].id) == []
