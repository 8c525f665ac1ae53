"""The statistics dashboard in a real browser: every chart is drawn by ECharts with data, in both languages."""

from __future__ import annotations

import pytest

from competitions.extensions import db
from competitions.scheduler import run_requested
from competitions.stats.services import compile_year
from tests import factories as f
from tests import stats_data as known
from tests.conftest import screenshot
from tests.support.browser import login as _login

pytestmark = pytest.mark.browser


def _seed(app) -> dict:
    with app.app_context():
        data = known.known_year()
        f.user("cityorg", "organizer", org=data["city"].organization)
        f.user("eastorg", "organizer", org=data["east"])
        for year in (2025, 2026):
            compile_year(year)
        db.session.commit()
        return {"east": data["east"].id}


def _rendered(page) -> dict[str, str]:
    """Each chart's name and how many data points the script drew ("" when it drew nothing)."""
    return page.eval_on_selector_all(
        ".chart[data-chart]", "els => Object.fromEntries(els.map(e => [e.dataset.chart, "
                              "(e.dataset.rendered || '') + (e.querySelector('canvas') ? ':canvas' : '')]))")


@pytest.mark.parametrize("lang, words", [
    ("zh", ("2026年统计", "参赛人次", "按地区", "按工种", "历年对比")),
    ("en", ("Statistics 2026", "Participations (person-times)", "By region", "By trade", "Year over year")),
])
def test_charts_render_with_data_in_both_languages(live_app, page, lang, words):
    app, base = live_app
    ids = _seed(app)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and "favicon" not in response.url
            and errors.append(f"{response.status} {response.url}"))
    _login(page, base, "cityorg", lang)
    page.goto(f"{base}/stats/?year=2026")
    page.wait_for_selector(".chart[data-chart='years'] canvas")
    body = page.inner_text("body")
    for word in words:
        assert word in body, word
    rendered = _rendered(page)
    # Region: the two districts and a line for the city federation's own contest.
    assert rendered["region"] == "3:canvas" and rendered["trade"] == "3:canvas" and rendered["years"] == "2:canvas"
    assert rendered["level"] == "3:canvas" and rendered["gender"] == "2:canvas" and rendered["age_band"] == "5:canvas"
    # This year's only labour competition is east's district contest (no units); no innovation entry: "No figures".
    assert (rendered["labour"], rendered["labour_industry"]) == ("1:canvas", "1:canvas")
    assert (rendered["innovation"], rendered["innovation_industry"]) == ("", "")
    assert all(value.endswith(":canvas") for name, value in rendered.items() if "innovation" not in name), rendered
    # The headline shows the hand count and the change from 2025 (2 -> 8 participations).
    tile = page.inner_text("#headline [data-metric='participations']")
    assert "8" in tile and "+300.0%" in tile
    assert not errors, errors
    # Axis labels are cut by width: English keeps its words ("Industry not given", was "Industry no…").
    cut = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.querySelector(".chart[data-chart='trade']"));
        const option = chart.getOption();
        const axis = [...option.xAxis, ...option.yAxis].find(a => a.type === "category");
        const cut = axis.axisLabel.formatter;
        return [cut("Industry not given"), cut("中华人民共和国国家统计局行业"),
                cut("Manufacturing of electrical machinery")];
    }""")
    assert cut[0] == "Industry not given" and cut[1] == "中华人民共和国国家统计局…"
    assert cut[2] == "Manufacturing of electri…"
    screenshot(page, f"stats-dashboard-city-{lang}")

    # Drill into 电工 (the link under the trade chart) and into the east district (the region table).
    page.click("#chart-trade summary")
    page.click("#chart-trade table a:text('电工')")
    page.wait_for_selector("#drill .chart canvas")
    assert "东区总工会" in page.inner_text("#drill table")
    screenshot(page, f"stats-dashboard-drill-{lang}")
    page.goto(f"{base}/stats/?year=2026&scope={ids['east']}")
    page.wait_for_selector(".chart[data-chart='region'] canvas")
    assert "东区机床厂工会" in page.text_content("#chart-region table")
    assert not errors, errors


def test_dashboard_fits_a_phone_and_a_wide_screen(live_app, page):
    app, base = live_app
    _seed(app)
    _login(page, base, "cityorg", "zh")
    for name, size in (("phone", {"width": 390, "height": 844}), ("wide", {"width": 1920, "height": 1080})):
        page.set_viewport_size(size)
        page.goto(f"{base}/stats/?year=2026")
        page.wait_for_selector(".chart[data-chart='years'] canvas")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name}: page scrolls sideways by {overflow}px"
        screenshot(page, f"stats-dashboard-{name}")
    # On the phone: selecting a trade lands on its drill-down (review M3), whose table keeps the union names
    # readable (they were squeezed to one character a line: the table scrolls instead), and the bar charts keep
    # three value ticks so the numbers do not run together (review L1).
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/stats/?year=2026")
    page.wait_for_selector(".chart[data-chart='trade'] canvas")
    assert page.evaluate("""() => echarts.getInstanceByDom(document.querySelector(".chart[data-chart='industry']"))
        .getOption().xAxis[0].splitNumber""") == 3
    page.click("#chart-trade summary")
    page.click("#chart-trade table a:text('电工')")
    page.wait_for_selector("#drill .chart canvas")
    top = page.evaluate("document.getElementById('drill').getBoundingClientRect().top")
    assert -1 <= top < 200, f"the drill-down starts {top}px down the screen"
    widths = page.evaluate("""() => [...document.querySelectorAll("#drill table th[scope='row']")]
        .map(th => th.getBoundingClientRect().width)""")
    assert widths and min(widths) >= 100, widths
    screenshot(page, "stats-dashboard-phone-drill")


def test_district_organizer_sees_only_the_district(live_app, page):
    app, base = live_app
    _seed(app)
    _login(page, base, "eastorg", "zh")
    page.goto(f"{base}/stats/?year=2026")
    page.wait_for_selector(".chart[data-chart='region'] canvas")
    assert "东区总工会" in page.inner_text("h1")
    assert "西区" not in page.inner_text("main")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_admin_runs_the_nightly_statistics_now(live_app, page, lang):
    app, base = live_app
    _seed(app)
    with app.app_context():
        f.user("admin", "admin")
        db.session.commit()
    _login(page, base, "admin", lang)
    page.goto(f"{base}/stats/jobs")
    page.click("tr[data-job='refresh_statistics'] button")
    # Run now only queues: the page shows the run waiting for the scheduler process and follows it.
    page.wait_for_selector("#runs tr.run-queued")
    assert page.locator("tr[data-job='refresh_statistics'] button").count() == 0
    screenshot(page, f"stats-jobs-queued-{lang}")
    with app.app_context():
        assert [name for name, _result in run_requested()] == ["refresh_statistics"]
    page.wait_for_selector("#runs tr.run-succeeded", timeout=15000)  # the page reloads itself
    assert "refresh_statistics" in page.inner_text("#runs")
    screenshot(page, f"stats-jobs-{lang}")


@pytest.mark.parametrize("lang, words", [
    ("zh", ("劳动竞赛", "职工创新竞赛", "参赛单位", "12,000.50", "劳动竞赛（按地区）", "创新成果（按行业）")),
    ("en", ("Labour competitions", "Workers' innovation contests", "Participating units", "12,000.50",
            "Labour competitions by region", "Innovation entries by industry")),
])
def test_labour_and_innovation_figures_in_both_languages(live_app, page, lang, words):
    app, base = live_app
    with app.app_context():
        orgs = known.labour_innovation_year()
        f.user("cityorg", "organizer", org=orgs["city"])
        compile_year(2026)
        db.session.commit()
    _login(page, base, "cityorg", lang)
    page.goto(f"{base}/stats/?year=2026")
    page.wait_for_selector(".chart[data-chart='labour'] canvas")
    body = page.inner_text("body")
    for word in words:
        assert word in body, word
    assert page.inner_text("#labour-headline [data-metric='labour_units'] strong") == "5"
    assert page.inner_text("#innovation-headline [data-metric='innovation_entries'] strong") == "5"
    rendered = _rendered(page)
    assert rendered["labour"] == "2:canvas" and rendered["innovation"] == "2:canvas"
    assert rendered["labour_industry"] == "3:canvas" and rendered["innovation_industry"] == "2:canvas"
    page.locator("#labour-title").scroll_into_view_if_needed()
    screenshot(page, f"stats-dashboard-labour-{lang}")
