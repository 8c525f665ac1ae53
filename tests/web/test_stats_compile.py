"""Compiling a year's statistics: every figure of a small known year against a hand count and the domain's tally."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from competitions.domain import errors as rules_errors
from competitions.domain import statistics as rules
from competitions.extensions import db
from competitions.organize.models import Competition, Event
from competitions.orgs.models import Organization, Worker
from competitions.registration.models import Registration
from competitions.results.models import ResultEntry, ResultSnapshot
from competitions.stats.models import StatCompilation, StatFigure
from competitions.stats.services import compile_year
from tests import stats_data as known

FIELDS = ("competitions", "events", "participations", "workers", "enterprises", "finalists", "awards")
ALL_FIELDS = (*FIELDS, "promotions")


def _figures(year: int, fields=FIELDS) -> dict[tuple[int, str, str], tuple]:
    rows = db.session.execute(select(StatFigure).where(StatFigure.year == year)).scalars()
    return {(r.scope_id, r.dimension, r.key): tuple(getattr(r, name) for name in fields) for r in rows}


@pytest.fixture
def year(app):
    data = known.known_year()
    for y in (2025, 2026, 2027):
        compile_year(y)
    db.session.commit()
    return data


def test_city_totals_match_the_hand_count(year):
    figures = _figures(2026)
    city = year["city"].id
    assert figures[(city, "total", "")] == known.CITY_2026
    assert figures[(year["east"].id, "total", "")] == known.EAST_2026
    assert figures[(year["west"].id, "total", "")] == known.WEST_2026
    assert figures[(year["plant"].id, "total", "")] == known.PLANT_2026


@pytest.mark.parametrize("dimension, expected", [
    ("level", known.BY_LEVEL), ("trade", known.BY_TRADE), ("gender", known.BY_GENDER), ("age_band", known.BY_AGE),
    ("industry", known.BY_INDUSTRY),
])
def test_breakdowns_match_the_hand_count(year, dimension, expected):
    figures = _figures(2026)
    city = year["city"].id
    got = {key: value for (scope, dim, key), value in figures.items() if scope == city and dim == dimension}
    assert got == expected


def test_withdrawn_rejected_pending_and_the_wrong_year_do_not_count(year):
    figures = _figures(2026)
    city = year["city"].id
    # C withdrew from 电工 and E was rejected for 焊工 and is pending for 数控车工: none of them counts,
    # so E's only 2026 participation is the district contest.
    assert figures[(city, "kind", "innovation")][2] == 1
    assert figures[(city, "class", "II")][:3] == (2, 2, 3)
    assert figures[(city, "class", "I")][:3] == (1, 2, 5)
    # The contest named 2025 that ended in January 2026 is a 2026 figure; the one ending in 2027 is not.
    assert _figures(2025)[(city, "total", "")] == known.CITY_2025
    assert _figures(2027)[(city, "total", "")] == known.CITY_2027


def test_trade_rows_carry_the_trade_name(year):
    labels = dict(db.session.execute(select(StatFigure.key, StatFigure.label).where(
        StatFigure.year == 2026, StatFigure.scope_id == year["city"].id, StatFigure.dimension == "trade")).all())
    assert labels == {"ELEC": "电工", "WELD": "焊工", "CNC": "数控车工"}


def test_promotions_count_approved_level_promotions_only(year):
    compilation = db.session.execute(select(StatCompilation).where(StatCompilation.year == 2026)).scalar_one()
    assert compilation.promotions_counted is True
    rows = {(r.scope_id, r.dimension, r.key): r.promotions
            for r in db.session.execute(select(StatFigure).where(StatFigure.year == 2026)).scalars()}
    for (scope, dimension, key), expected in known.PROMOTIONS_2026.items():
        org = year[scope] if scope != "city" else year["city"].organization
        assert rows[(org.id, dimension, key)] == expected, (scope, dimension, key)


def _facts(year: int):
    """The database's rows as the domain's plain facts."""
    finals = {}
    for entry, in db.session.execute(select(ResultEntry).join(ResultSnapshot).where(ResultSnapshot.status == "final")):
        finals[entry.registration_id] = rules.FinalLine(scored=entry.total is not None, absent=entry.absent,
                                                        disqualified=entry.disqualified, prize=entry.prize)
    from competitions.promotion.models import PromotionFlag

    promoted = set(db.session.execute(select(PromotionFlag.registration_id).where(
        PromotionFlag.kind == "level", PromotionFlag.status == "approved")).scalars())
    participations = []
    rows = db.session.execute(select(Registration, Event, Competition, Worker)
                              .join(Event, Event.id == Registration.event_id)
                              .join(Competition, Competition.id == Event.competition_id)
                              .join(Worker, Worker.id == Registration.worker_id)).all()
    for reg, event, comp, worker in rows:
        if rules.statistics_year(comp.ends_on) != year:
            continue
        participations.append(rules.Participation(
            registration_id=reg.id, worker_id=worker.id, employer_id=reg.employer_id, status=reg.status,
            gender=worker.gender, birth_year=worker.birth_date.year, level=comp.level,
            competition_class=comp.competition_class, kind=comp.kind, trade=event.trade_code,
            competition_status=comp.status, final=finals.get(reg.id), promoted=reg.id in promoted,
            event_cancelled=event.cancelled, competition_called_off=comp.called_off_at is not None))
    held = [rules.Held(c.id, c.organization_id, c.status, c.level, c.competition_class, c.kind,
                       tuple(e.trade_code for e in c.live_events), called_off=c.called_off_at is not None,
                       cancelled_events=sum(e.cancelled for e in c.events))
            for c in db.session.execute(select(Competition)).scalars() if rules.statistics_year(c.ends_on) == year]
    orgs = db.session.execute(select(Organization)).scalars().all()
    return participations, held, {o.id: o.path for o in orgs}, {o.id: o.industry for o in orgs}


@pytest.mark.parametrize("y", [2025, 2026, 2027])
def test_sql_compilation_agrees_with_the_domain_tally_in_every_cell(year, y):
    expected = {key: tuple(getattr(value, name) for name in ALL_FIELDS)
                for key, value in rules.tally(y, *_facts(y)).items()}
    assert _figures(y, ALL_FIELDS) == expected


def test_compiling_again_gives_the_same_figures(year):
    before = _figures(2026)
    compile_year(2026, now=datetime(2026, 7, 1, tzinfo=UTC))
    db.session.commit()
    assert _figures(2026) == before


def test_compile_command(year, runner):
    result = runner.invoke(args=["stats", "compile", "--year", "2026", "--final"])
    assert result.exit_code == 0, result.output
    assert "2026:" in result.output and "(final)" in result.output
    compilation = db.session.execute(select(StatCompilation).where(StatCompilation.year == 2026)).scalar_one()
    assert compilation.final is True
    refused = runner.invoke(args=["stats", "compile", "--year", "20266"])
    assert refused.exit_code != 0


def test_report_command_prints_the_headline_and_writes_the_files(year, runner, tmp_path):
    xlsx, pdf = tmp_path / "report.xlsx", tmp_path / "report.pdf"
    result = runner.invoke(args=["stats", "report", "--year", "2026", "--lang", "en", "--xlsx", str(xlsx),
                                 "--pdf", str(pdf)])
    assert result.exit_code == 0, result.output
    assert "Participations (person-times): 8" in result.output and "Workers (persons): 5" in result.output
    assert xlsx.read_bytes()[:2] == b"PK" and pdf.read_bytes()[:4] == b"%PDF"
    assert runner.invoke(args=["stats", "report", "--year", "2026", "--scope", "999999"]).exit_code == 1
    # Review L4: a path that cannot be written is named with the reason, not a traceback.
    for option in ("--xlsx", "--pdf"):
        missing = tmp_path / "no-such-dir" / "report.bin"
        result = runner.invoke(args=["stats", "report", "--year", "2026", option, str(missing)])
        assert result.exit_code == 1 and not isinstance(result.exception, OSError)
        assert f"Cannot write {missing}: No such file or directory" in result.output


def test_a_participation_counts_for_the_employer_on_the_registration(year):
    """E moved from the plant to the power works after entering the district contest: that entry stays the plant's."""
    worker = year["workers"]["E"]
    worker.employer_id = year["works"].id
    db.session.commit()
    compile_year(2026)
    db.session.commit()
    figures = _figures(2026)
    assert figures[(year["plant"].id, "total", "")] == known.PLANT_2026
    assert figures[(year["west"].id, "total", "")] == known.WEST_2026


def test_what_was_not_held_does_not_count(year):
    """Review H1/H2: a cancelled event, a contest whose events were all cancelled, and a draft archived straight
    away (called off before it opened) are not held: no competition, event, trade or participation of theirs."""
    from competitions.organize import services as organize
    from tests import factories as f
    from tests.stats_data import _register

    before = _figures(2026)
    west, east, city = year["west"].id, year["east"].id, year["city"].id
    workers = year["workers"]
    # A west district contest: its 焊工 event is cancelled after B was approved; its 钳工 event is held (C).
    half = f.competition(year["west"], name="2026年西区职工技能比武", level="district",
                         starts_on=date(2026, 11, 2), ends_on=date(2026, 11, 3))
    cancelled, held = f.event(half, trade_name="焊工", trade_code="WELD"), f.event(half, trade_name="钳工",
                                                                                 trade_code="FITT")
    _register(cancelled, workers["B"], "approved")
    _register(held, workers["C"], "approved")
    organize.cancel_event(cancelled, actor_id=None, reason="场地漏水，项目取消", now=datetime(2026, 10, 1, tzinfo=UTC))
    # An east contest called off after registration opened: its only event cancelled, with A approved in it.
    off = f.competition(year["east"], name="2026年东区技能竞赛", level="district", kind="labor",
                        starts_on=date(2026, 11, 5), ends_on=date(2026, 11, 6))
    only = f.event(off, trade_name="电工", trade_code="ELEC")
    _register(only, workers["A"], "approved")
    organize.cancel_event(only, actor_id=None, reason="竞赛取消", now=datetime(2026, 10, 1, tzinfo=UTC))
    # A draft the east district archived straight away: called off before it opened.
    draft = f.competition(year["east"], name="2026年东区取消的竞赛", level="district",
                          starts_on=date(2026, 11, 8), ends_on=date(2026, 11, 9))
    f.event(draft, trade_name="钳工", trade_code="FITT")
    organize.change_status(draft, "archived")
    assert draft.called_off_at is not None
    for comp in (half, off):
        comp.status = "results"
    db.session.commit()
    compile_year(2026)
    db.session.commit()
    after = _figures(2026)
    # competitions, events, participations, workers, enterprises, finalists, awards
    assert after[(city, "total", "")] == tuple(
        b + d for b, d in zip(before[(city, "total", "")], (1, 1, 1, 0, 0, 0, 0), strict=True))
    assert after[(west, "total", "")][:3] == (before[(west, "total", "")][0] + 1, before[(west, "total", "")][1] + 1,
                                              before[(west, "total", "")][2] + 1)
    assert after[(east, "total", "")][:2] == before[(east, "total", "")][:2]
    assert after[(city, "trade", "FITT")] == (1, 1, 1, 1, 1, 0, 0)  # the held 钳工 event only, not the draft's
    assert after[(city, "trade", "WELD")][:3] == before[(city, "trade", "WELD")][:3]
    assert after[(city, "kind", "labor")] == before[(city, "kind", "labor")]
    # The SQL agrees with the domain's rule in every cell.
    expected = {key: tuple(getattr(value, name) for name in ALL_FIELDS)
                for key, value in rules.tally(2026, *_facts(2026)).items()}
    assert _figures(2026, ALL_FIELDS) == expected


def test_one_trade_is_one_row_however_its_code_was_typed(year):
    """Review M5: 电工 typed 'elec' in one contest and 'ELEC' in another made two trade rows named 电工."""
    from sqlalchemy import update

    from tests import factories as f
    from tests.stats_data import _register

    typed = f.competition(year["west"], name="2026年西区电工比武", level="district",
                          starts_on=date(2026, 11, 2), ends_on=date(2026, 11, 3))
    event = f.event(typed, trade_name="电工", trade_code=" ｅｌｅｃ ")  # full-width, lower case, spaces
    assert event.trade_code == "ELEC"
    with pytest.raises(rules_errors.RuleViolation, match="already has the event"):
        f.event(typed, trade_name="维修电工", trade_code="Elec")
    _register(event, year["workers"]["C"], "approved")
    # A code stored before codes were folded (lower case): still the same trade.
    old = f.competition(year["east"], name="2026年东区电工比武", level="district",
                        starts_on=date(2026, 11, 5), ends_on=date(2026, 11, 6))
    legacy = f.event(old, trade_name="电工", trade_code="ELEC")
    db.session.execute(update(Event).where(Event.id == legacy.id).values(trade_code="elec"))
    _register(legacy, year["workers"]["B"], "approved")
    for comp in (typed, old):
        comp.status = "results"
    db.session.commit()
    before = _figures(2026)[(year["city"].id, "trade", "ELEC")]
    compile_year(2026)
    db.session.commit()
    trades = {key: value for (scope, dim, key), value in _figures(2026).items()
              if scope == year["city"].id and dim == "trade"}
    assert set(trades) == {"ELEC", "WELD", "CNC"}
    assert trades["ELEC"][:4] == (before[0] + 2, before[1] + 2, before[2] + 2, before[3] + 1)  # C is new to 电工
    expected = {key: tuple(getattr(value, name) for name in ALL_FIELDS)
                for key, value in rules.tally(2026, *_facts(2026)).items()}
    assert _figures(2026, ALL_FIELDS) == expected
