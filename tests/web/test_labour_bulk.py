"""The year's batch ranking (``labour_results.bulk``) agrees with the labour core and the published rankings.

Both paths: the exact one (several assessors on an indicator: the labour world's a1 and a2) and the fast
one (one entry per indicator), with bonus, deductions, caps and vetoes, on a real database.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import delete

from competitions.extensions import db
from competitions.labour import services as labour
from competitions.labour.models import LabourScore
from competitions.labour_results.bulk import rank_year
from competitions.labour_results.publication import build_snapshot
from competitions.labour_results.rules import save_rules
from tests.factories import labour_signed_off_period, labour_world


@pytest.fixture
def world(app):
    w = labour_world()
    save_rules(w["competition"], {"tie_break": ["deductions", "group:SAFE"], "rewards": ["5000", "3000"],
                                  "last_place_penalty": "2000"}, actor_id=None)
    db.session.commit()
    return w


def test_batch_ranking_equals_the_published_ranking_with_several_assessors(world):
    labour_signed_off_period(world, world["periods"][0], {"S1": "9", "S2": "10", "S3": "8", "S4": "8"},
                             vetoes=[("S2", "高处坠落")], bonus=[("S3", "3"), ("S3", "4")],
                             deductions=[("S4", "12")])
    labour_signed_off_period(world, world["periods"][1], {"S1": "9", "S2": "9", "S3": "8", "S4": "10"})
    db.session.commit()
    [year] = rank_year([world["competition"].id])
    for (number, standing), period in zip(year.periods, world["periods"][:2], strict=True):
        assert number == period.number
        published = build_snapshot(period)["rows"]
        assert [(p.unit_id, p.rank, p.tied, p.vetoed, str(p.total)) for p in standing.places] == [
            (r["unit_id"], r["rank"], r["tied"], r["vetoed"], r["total"]) for r in published]
    # bonus capped at 5 (3 + 4), deduction capped at 10 (12)
    s3 = next(p for p in year.periods[0][1].places if p.unit_id == world["units"][2].id)
    assert s3.total == Decimal("91.10")
    assert [t.holders for t in year.flag] == [(world["units"][2].id,), (world["units"][3].id,)]
    assert year.standing.places[0].row.periods == 2


def test_batch_fast_path_equals_period_scores(world):
    period = labour_signed_off_period(world, world["periods"][0], {"S1": "6", "S2": "10", "S3": "7.5", "S4": "8"},
                                      deductions=[("S1", "2.5")])
    # one entry per indicator: keep assessor a1's only
    db.session.execute(delete(LabourScore).where(LabourScore.period_id == period.id,
                                                 LabourScore.assessor_id != world["a1"].id))
    db.session.commit()
    expected = {s.unit_id: s.total for s in labour.period_scores(period)}
    [year] = rank_year([world["competition"].id])
    assert {p.unit_id: p.total for p in year.periods[0][1].places} == expected
    assert year.money[0][1][0].amount == Decimal("5000")


def test_unsigned_periods_are_left_out(world):
    [year] = rank_year([world["competition"].id])
    assert year.periods == () and year.standing.places == ()
