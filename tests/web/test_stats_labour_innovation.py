"""Yearly statistics of labour competitions and innovation contests (issue 15 §4), against a hand count.

Unions (``f.org_tree``): city > east (district) > plant (通用设备制造业); city > west > works (电力).

Labour: east runs a key-project labour competition (kind labor, ends 2026-09-30). Units and named members:
U1 plant: A, B, C; U5 plant: B (B named twice in the plant: 2 person-times, 1 person); U2 a project section
that is no union of the tree: D (filed under the organizer, east; it declares a headcount of 50 and names D only:
50 person-times, D + 49 unnamed = 50 persons -- naming a nominee never lowers the figure); U7 works names no
one and declares a headcount of 30 (30 persons and person-times);
U3 works, withdrawn before any assessment:
E, F (did not take part); U4 works, withdrawn after its first assessment: A (took part; A is also named for the
plant, so A counts once for each union, as the roll-up rule says). Periods: May signed off, June assessed, July
open (2 assessed). Vetoes: U1 in May (stands), U1 in June (voided, does not count), U4 in May (stands).
West has a labour competition still in draft (never held). A labour competition of 2025 (ends 2025-06-30) with
one unit of the plant counts in 2025 only.

Innovation: the city's contest (ends 2026-11-30). Plant: e1 implemented with 12,000.50 yuan realized, e2
adopted, e6 implemented with no benefit recorded; works: e3 passed by its unit (submitted), e4 a draft, e5
withdrawn after submission, e7 not adopted. The benefit e2 claims is not a result.

Hand count, 2026, in ``LABOUR_2026`` (competitions held, units, persons, person-times, periods assessed, vetoes)
and ``INNOVATION_2026`` (submitted, adopted -- adopted or implemented --, implemented, realized benefit).
"""

from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from competitions.extensions import db
from competitions.labour.models import (
    LabourPeriod,
)
from competitions.stats.models import StatFigure
from competitions.stats.services import compile_year
from tests import factories as f
from tests import stats_data as known

LABOUR = ("labour_competitions", "labour_units", "labour_workers", "labour_participations", "periods_assessed",
          "vetoes")
INNOVATION = ("innovation_entries", "innovation_adopted", "innovation_implemented", "innovation_benefit")
# scope -> labour figures, 2026
LABOUR_2026 = {"city": (1, 5, 84, 85, 2, 2), "east": (1, 3, 53, 54, 2, 1), "plant": (0, 2, 3, 4, 0, 1),
               "west": (0, 2, 31, 31, 0, 1), "works": (0, 2, 31, 31, 0, 1)}
INNOVATION_2026 = {"city": (5, 3, 2, Decimal("12000.50")), "east": (3, 3, 2, Decimal("12000.50")),
                   "plant": (3, 3, 2, Decimal("12000.50")), "west": (2, 0, 0, Decimal("0")),
                   "works": (2, 0, 0, Decimal("0"))}
LABOUR_BY_INDUSTRY = {"通用设备制造业": (0, 2, 3, 4, 0, 1), "电力": (0, 2, 31, 31, 0, 1), "": (1, 1, 50, 50, 2, 0)}


@pytest.fixture
def world(app):
    orgs = known.labour_innovation_year()
    for year in (2025, 2026):
        compile_year(year)
    f.user("cityorg", "organizer", org=orgs["city"])
    f.user("eastorg", "organizer", org=orgs["east"])
    db.session.commit()
    return orgs


def _row(scope_id: int, year: int = 2026, dimension: str = "total", key: str = "") -> StatFigure | None:
    return db.session.execute(select(StatFigure).where(
        StatFigure.scope_id == scope_id, StatFigure.year == year, StatFigure.dimension == dimension,
        StatFigure.key == key)).scalar_one_or_none()


def test_labour_and_innovation_figures_match_the_hand_count(world):
    for scope, expected in LABOUR_2026.items():
        row = _row(world[scope].id)
        assert tuple(getattr(row, m) for m in LABOUR) == expected, scope
    for scope, expected in INNOVATION_2026.items():
        row = _row(world[scope].id)
        assert tuple(getattr(row, m) for m in INNOVATION) == expected, scope


def test_labour_figures_by_industry(world):
    for industry, expected in LABOUR_BY_INDUSTRY.items():
        row = _row(world["city"].id, dimension="industry", key=industry)
        assert tuple(getattr(row, m) for m in LABOUR) == expected, industry


def test_last_year_and_the_draft_stay_apart(world):
    row = _row(world["city"].id, year=2025)
    assert (row.labour_competitions, row.labour_units, row.labour_workers) == (1, 1, 1)
    assert row.innovation_entries == 0
    # A union with labour figures but no skills registration still has its row (written for it).
    assert _row(world["west"].id).participations == 0


def test_compiling_again_gives_the_same_figures(world):
    before = {m: getattr(_row(world["city"].id), m) for m in (*LABOUR, *INNOVATION)}
    compile_year(2026)
    db.session.commit()
    db.session.expire_all()
    assert {m: getattr(_row(world["city"].id), m) for m in (*LABOUR, *INNOVATION)} == before


def test_dashboard_api_and_report_show_them(world, client, auth, tmp_path):
    auth.login("cityorg")
    client.post("/lang", data={"lang": "en"})
    document = client.get("/api/v1/stats/figures?year=2026").get_json()
    labour = {item["metric"]: item["value"] for item in document["labour"]}
    innovation = {item["metric"]: item["value"] for item in document["innovation"]}
    assert labour == dict(zip(LABOUR, LABOUR_2026["city"], strict=True))
    assert innovation == {"innovation_entries": 5, "innovation_adopted": 3, "innovation_implemented": 2,
                          "innovation_benefit": "12000.50"}
    charts = {chart["name"]: chart for chart in document["charts"]}
    assert dict(zip(charts["labour"]["categories"], charts["labour"]["values"], strict=True)) == {
        "东区总工会": 3, "西区总工会": 2}
    assert dict(zip(charts["innovation_industry"]["categories"], charts["innovation_industry"]["values"],
                    strict=True)) == {"通用设备制造业": 3, "电力": 2}
    page = client.get("/stats/?year=2026").get_data(as_text=True)
    assert 'id="labour-headline"' in page and "12,000.50" in page and "Periods assessed" in page
    # East's organizer sees its own subtree: the plant's row in the labour table, not the west.
    auth.login("eastorg")
    east = client.get("/api/v1/stats/figures?year=2026").get_json()
    assert {item["metric"]: item["value"] for item in east["labour"]}["labour_units"] == 3
    labour = [c for c in east["charts"] if c["name"] == "labour"][0]
    assert labour["categories"] == ["东区机床厂工会", "Filed directly under 东区总工会"]
    assert sum(labour["values"]) == 3  # the lines add up to the headline (units of the district itself apart)
    # The annual report: the summary has both groups; a sheet per breakdown.
    auth.login("cityorg")
    book = load_workbook(BytesIO(client.get("/stats/report.xlsx?year=2026").data))
    summary = [row for row in book.worksheets[0].iter_rows(values_only=True)]
    labels = {row[0]: row[1] for row in summary if row and row[0]}
    assert labels["Participating units"] == 5 and labels["Vetoes"] == 2
    assert labels["Realized benefit (yuan)"] == 12000.5
    assert "Labour competitions by region" in book.sheetnames and "Innovation entries by industry" in book.sheetnames
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(client.get("/stats/report.pdf?year=2026").data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for words in ("Labour competitions by region", "Innovation entries by industry", "Participating units",
                  "12,000.50"):
        assert words in text, words


def test_a_campaign_over_two_years_counts_in_each_year_one_of_its_periods_ends(world):
    """East's metro campaign runs from October 2026 to March 2027: a 2026 and a 2027 figure (not only 2027)."""
    campaign = known.labour_comp(world["east"], "地铁9号线百日攻坚", kind="labor", ends=date(2027, 3, 31))
    known.labour_unit(campaign, "M1", world["plant"], ())
    db.session.add_all([
        LabourPeriod(competition_id=campaign.id, number=1, name="2026年第四季度", starts_on=date(2026, 10, 1),
                     ends_on=date(2026, 12, 31), status="signed_off"),
        LabourPeriod(competition_id=campaign.id, number=2, name="2027年第一季度", starts_on=date(2027, 1, 1),
                     ends_on=date(2027, 3, 31), status="open"),
    ])
    db.session.flush()
    for year in (2026, 2027):
        compile_year(year)
    db.session.commit()
    city = world["city"].id
    this_year, next_year = _row(city), _row(city, year=2027)
    assert (this_year.labour_competitions, this_year.labour_units, this_year.periods_assessed) == (2, 6, 3)
    assert (next_year.labour_competitions, next_year.labour_units, next_year.periods_assessed) == (1, 1, 0)
    # The skills figures' "competitions by kind" count it once, in the year it ends.
    assert _row(city, year=2027, dimension="kind", key="labor").competitions == 1
    assert _row(city, dimension="kind", key="labor").competitions == 1
