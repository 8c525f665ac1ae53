/* Statistics dashboard: draws every chart with Apache ECharts from the JSON embedded in the page.
 *
 * The page carries the same document /api/v1/stats/figures serves, in
 * <script type="application/json" id="stats-data"> (no inline script: the site's CSP forbids them).
 * Each <div class="chart" data-chart="NAME"> gets the chart of that name; bars and slices with a link
 * (a region, an enterprise, a trade, an industry) open its drill-down when selected. Tables under each
 * chart hold the same figures for readers without scripts.
 */
(function () {
  "use strict";

  var source = document.getElementById("stats-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var locale = document.documentElement.lang === "zh-CN" ? "ZH" : "EN";
  var THIS_YEAR = "#2f6fb3", LAST_YEAR = "#b9c9dc";
  var PALETTE = ["#2f6fb3", "#e0873a", "#3a9b6a", "#c44e52", "#8172b2", "#937860", "#da8bc3", "#8c8c8c"];
  var charts = [];

  /* Axis labels are cut by their width, not their length: a Chinese character is about two Latin letters wide,
     so "Industry not given" keeps its words where 12 characters cut it to "Industry no…". The tooltip shows
     the whole name. */
  var LABEL_WIDTH = 24, NARROW_LABEL_WIDTH = 12, NARROW = 520;  /* a phone's chart gets ~350 px */
  function width(ch) { return /[\u2e80-\uffff]/.test(ch) ? 2 : 1; }
  function shortener(limit) {
    return function (text) {
      var used = 0, out = "";
      for (var i = 0; i < text.length; i++) {
        used += width(text[i]);
        if (used > limit) { return out.replace(/\s+$/, "") + "…"; }
        out += text[i];
      }
      return text;
    };
  }

  function barOption(chart, narrow) {
    var horizontal = chart.horizontal;
    var categories = chart.categories.slice(), values = chart.values.slice();
    var previous = chart.previous ? chart.previous.slice() : null;
    if (horizontal) { categories.reverse(); values.reverse(); if (previous) { previous.reverse(); } }
    var series = [];
    if (chart.series) {
      chart.series.forEach(function (s, i) {
        series.push({ name: s.label, type: "bar", data: s.values, itemStyle: { color: PALETTE[i] },
                      label: { show: true, position: "top", fontSize: 10 } });
      });
    } else {
      if (previous) {
        series.push({ name: data.labels.last_year, type: "bar", data: previous, itemStyle: { color: LAST_YEAR } });
      }
      series.push({ name: data.labels.this_year, type: "bar", data: values, itemStyle: { color: THIS_YEAR },
                    label: { show: true, position: horizontal ? "right" : "top", fontSize: 10 } });
    }
    /* On a phone: shorter names, slanted labels from four columns, and three value ticks (12, 15, 18 ran into
       "121518" beside long names). */
    var categoryAxis = { type: "category", data: categories, axisLabel: {
      formatter: shortener(narrow ? NARROW_LABEL_WIDTH : LABEL_WIDTH), interval: 0,
      rotate: horizontal || categories.length < (narrow ? 4 : 6) ? 0 : 30 } };
    var valueAxis = { type: "value", minInterval: 1, splitNumber: narrow ? 3 : 5 };
    return {
      aria: { enabled: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, show: series.length > 1 || !!previous },
      grid: { left: 8, right: 40, top: 32, bottom: 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: series
    };
  }

  function pieOption(chart) {
    var items = chart.categories.map(function (name, i) { return { name: name, value: chart.values[i] }; })
      .filter(function (item) { return item.value; });  /* a 0 slice draws only an overlapping "0" */
    return {
      aria: { enabled: true },
      color: PALETTE,
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0 },
      series: [{ name: chart.metric_label, type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
                 data: items, label: { formatter: "{c}" } }]
    };
  }

  function draw(element, chart) {
    if (!chart.values.length) {
      element.classList.add("chart-empty");
      element.textContent = data.labels.no_data;
      return;
    }
    var instance = echarts.init(element, null, { locale: locale, renderer: "canvas" });
    instance.setOption(chart.type === "pie" ? pieOption(chart) : barOption(chart, element.clientWidth < NARROW));
    var links = chart.links || [];
    instance.on("click", function (params) {
      var index = chart.horizontal ? chart.categories.length - 1 - params.dataIndex : params.dataIndex;
      var link = links[index];
      if (link) { window.location.href = link; }
    });
    element.dataset.rendered = String(chart.values.length);
    charts.push(instance);
  }

  var byName = {};
  data.charts.forEach(function (chart) { byName[chart.name] = chart; });
  if (data.drill) { byName.drill = data.drill; }
  document.querySelectorAll(".chart[data-chart]").forEach(function (element) {
    var chart = byName[element.dataset.chart];
    if (chart) { draw(element, chart); }
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
