"""Statistics of a trade held in two rounds (初赛 / 决赛): one event, one participation per competitor, and the
finalists are those who reached the final round. Counted by hand.

A city contest (ends 2026-12-17) holds 电工 ELEC as a preliminary and a final (``rounds.create_final``), and 焊工
WELD once. Plant workers P1..P4 and works worker W1 enter the ELEC preliminary; P1, P2, W1 qualify and are entered
in the final (a registration each, facts copied). Final results: in the final P1 first prize (and an approved level
promotion, flagged on the final's registration), P2 scored, W1 marked absent although the carried theory part
gives his line points; P3 and P4 are listed "did not qualify" (``round_reached`` preliminary; P4's line even says
disqualified in the preliminary). WELD: P1 scored.

Hand count, city, 2026: competitions 1, events 2 (ELEC once, WELD), participations 6 (5 in ELEC + P1 in WELD, the
final's 3 registrations are the same entries), workers 5, enterprises 2, finalists 3 (P1 twice: ELEC final and
WELD; P2), awards 1, promotions 1. ELEC: events 1, participations 5, workers 5, finalists 2, awards 1.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from competitions.domain import statistics as rules
from competitions.extensions import db
from competitions.promotion.models import PromotionFlag
from competitions.registration.models import Registration
from competitions.results.models import ResultEntry, ResultSnapshot
from competitions.rounds import services as rounds
from competitions.stats.models import StatFigure
from competitions.stats.services import compile_year
from tests import factories as f

FIELDS = ("competitions", "events", "participations", "workers", "enterprises", "finalists", "awards", "promotions")


def _register(ev, worker) -> Registration:
    reg = Registration(event_id=ev.id, worker_id=worker.id, status="approved")
    db.session.add(reg)
    db.session.flush()
    return reg


def _line(snapshot, reg, position, *, total=None, prize=None, absent=False, disqualified=False, reached=None):
    db.session.add(ResultEntry(snapshot_id=snapshot.id, event_id=reg.event_id, registration_id=reg.id,
                               position=position, rank=position if total is not None else None, prize=prize,
                               total=Decimal(total) if total is not None else None, absent=absent,
                               disqualified=disqualified, round_reached=reached, worker_id=reg.worker_id))


@pytest.fixture
def world(app):
    orgs = f.org_tree()
    organizer = f.user("cityorg", "organizer", org=orgs["city"])
    comp = f.competition(orgs["city"], starts_on=date(2026, 12, 15), ends_on=date(2026, 12, 17))
    prelim = f.event(comp, trade_name="电工", trade_code="ELEC")
    weld = f.event(comp, trade_name="焊工", trade_code="WELD")
    final = rounds.create_final(prelim, rule=rounds.rule_json(top=3), actor_id=organizer.id)
    people = {name: f.worker(orgs["plant"], name=name) for name in ("P1", "P2", "P3", "P4")}
    people["W1"] = f.worker(orgs["works"], name="W1")
    first = {name: _register(prelim, w) for name, w in people.items()}
    second = {name: _register(final, people[name]) for name in ("P1", "P2", "W1")}
    p1_weld = _register(weld, people["P1"])
    snapshot = ResultSnapshot(competition_id=comp.id, version=1, status="final",
                              computed_at=datetime(2026, 12, 18, tzinfo=UTC))
    db.session.add(snapshot)
    db.session.flush()
    _line(snapshot, second["P1"], 1, total="91", prize="first", reached="final")
    _line(snapshot, second["P2"], 2, total="80", reached="final")
    _line(snapshot, second["W1"], 3, total="27", absent=True, reached="final")  # carried theory part only
    _line(snapshot, first["P3"], 4, reached="preliminary")
    _line(snapshot, first["P4"], 5, disqualified=True, reached="preliminary")
    # The non-qualifiers' lines are in the final's event with their preliminary registration.
    for line in db.session.execute(select(ResultEntry).where(ResultEntry.round_reached == "preliminary")).scalars():
        line.event_id = final.id
    _line(snapshot, p1_weld, 6, total="75")
    db.session.add(PromotionFlag(competition_id=comp.id, event_id=final.id, registration_id=second["P1"].id,
                                 worker_id=people["P1"].id, year=2026, kind="level", target="technician",
                                 status="approved"))
    comp.status = "results"
    db.session.flush()
    compile_year(2026)
    db.session.commit()
    return {**orgs, "comp": comp}


def _figures(scope_id: int, dimension: str, key: str) -> tuple:
    row = db.session.execute(select(StatFigure).where(
        StatFigure.year == 2026, StatFigure.scope_id == scope_id, StatFigure.dimension == dimension,
        StatFigure.key == key)).scalar_one()
    return tuple(getattr(row, name) for name in FIELDS)


def test_a_two_round_trade_is_one_event_and_one_participation_per_competitor(world):
    city = world["city"].id
    assert _figures(city, "total", "") == (1, 2, 6, 5, 2, 3, 1, 1)
    assert _figures(city, "trade", "ELEC") == (1, 1, 5, 5, 2, 2, 1, 1)
    assert _figures(city, "trade", "WELD") == (1, 1, 1, 1, 1, 1, 0, 0)
    # The plant's workers: P1..P4 in ELEC, P1 in WELD; finalists P1 (ELEC final, WELD) and P2.
    assert _figures(world["plant"].id, "total", "")[2:] == (5, 4, 1, 3, 1, 1)
    # The works: W1 qualified but was absent from the final: a participation, no finalist.
    assert _figures(world["works"].id, "total", "")[2:] == (1, 1, 1, 0, 0, 0)


def test_the_domain_rules_say_the_same():
    """The domain's view of the same facts: the final's registration is no participation of its own."""
    line = rules.FinalLine(scored=False, round_reached="preliminary", disqualified=True)
    base = dict(worker_id=1, employer_id=1, status="approved", gender="male", birth_year=1990, level="city",
                competition_class="I", kind="skills", trade="ELEC")
    out = rules.Participation(registration_id=1, final=line, **base)
    assert rules.is_participation(out) and not rules.is_finalist(out)
    continued = rules.Participation(registration_id=2, final_round=True, **base)
    assert not rules.is_participation(continued)
    qualifier = rules.Participation(registration_id=3, final=rules.FinalLine(scored=True, round_reached="final"),
                                    **base)
    assert rules.is_finalist(qualifier)
    absent = rules.Participation(registration_id=4, final=rules.FinalLine(scored=True, absent=True,
                                                                           round_reached="final"), **base)
    assert rules.is_participation(absent) and not rules.is_finalist(absent)
