/* The home page's bar charts: each [data-wb-chart] element names the <script type="application/json">
   (json_script) holding {labels, series: [{name, values}], horizontal}. The same numbers are in the
   table below each chart, which is what screen readers and printers use. */
(function () {
  "use strict";
  if (!window.echarts) return;
  var colours = ["#0d6efd", "#dc3545"];

  function hideZero(params) {
    return params.value ? String(params.value) : "";
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-wb-chart"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (data.horizontal) {
      el.style.height = Math.max(160, 28 * data.labels.length + 60) + "px";
    }
    var categories = { type: "category", data: data.labels, axisLabel: { interval: 0, width: 160, overflow: "truncate" } };
    var values = { type: "value", minInterval: 1 };
    if (data.horizontal) categories.inverse = true;
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      color: colours,
      grid: { left: data.horizontal ? 170 : 40, right: 24, top: 32, bottom: data.horizontal ? 24 : 56 },
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: data.horizontal ? values : Object.assign({}, categories, { axisLabel: { interval: 0, rotate: 30 } }),
      yAxis: data.horizontal ? categories : values,
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.values, label: { show: true, position: data.horizontal ? "right" : "top", formatter: hideZero } };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-wb-chart]"), draw);
})();
