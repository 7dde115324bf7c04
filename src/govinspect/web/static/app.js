// govinspect console: the few things a page does in the browser. Everything works without it:
// charts stay as tables, forms post normally. No inline script anywhere (CSP script-src 'self').
(function () {
  "use strict";

  var PALETTE = ["#b71c1c", "#1457a6", "#1b7f3b", "#b26a00", "#6a1b9a"];

  function chartOption(spec) {
    var unit = spec.unit || "";
    var series = spec.series.map(function (s, i) {
      return {
        name: s.name,
        type: spec.type === "hbar" ? "bar" : spec.type,
        data: s.data,
        showSymbol: true,
        symbolSize: 6,
        itemStyle: { color: PALETTE[i % PALETTE.length] },
        label: spec.type === "hbar" ? { show: true, position: "right", formatter: "{c}" + unit } : undefined
      };
    });
    var categoryAxis = { type: "category", data: spec.labels, axisLabel: { hideOverlap: true } };
    var valueAxis = { type: "value", axisLabel: { formatter: "{value}" + unit } };
    if (unit === "%") { valueAxis.min = 0; valueAxis.max = 100; }
    var horizontal = spec.type === "hbar";
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: horizontal ? 120 : 48, right: 24, top: 32, bottom: 32 },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? Object.assign({}, categoryAxis, { inverse: true }) : valueAxis,
      series: series
    };
  }

  function drawCharts() {
    if (!window.echarts) { return; }  // npm was not available at build time: the tables stay
    var nodes = document.querySelectorAll("[data-chart]");
    Array.prototype.forEach.call(nodes, function (node) {
      var spec;
      try { spec = JSON.parse(node.getAttribute("data-chart")); } catch (e) { return; }
      if (!spec || !spec.labels || spec.labels.length === 0) { return; }
      var hasData = spec.series.some(function (s) {
        return s.data.some(function (v) { return v !== null && v !== undefined; });
      });
      if (!hasData) { return; }  // nothing measured yet: the table says so in words
      node.hidden = false;
      var chart = window.echarts.init(node, null, { renderer: "canvas" });
      chart.setOption(chartOption(spec));
      node.closest(".chart-block").classList.add("charted");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function selectAll() {
    document.addEventListener("change", function (event) {
      var box = event.target;
      if (!box.matches || !box.matches("[data-select-all]")) { return; }
      var name = box.getAttribute("data-select-all");
      var form = box.closest("form");
      Array.prototype.forEach.call(form.querySelectorAll("input[type=checkbox][name='" + name + "']"), function (b) {
        b.checked = box.checked;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    selectAll();
  });
})();
