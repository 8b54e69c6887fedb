/* Reports: draws every canvas[data-report-chart] with the vendored Chart.js
   (data in the attribute's JSON: labels, series, kind), and wires the print
   button. No inline script anywhere: the CSP forbids it. */
(function () {
  "use strict";

  var COLOURS = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1",
                 "#20c997", "#6c757d", "#d63384", "#0dcaf0", "#ffc107"];

  function lineDatasets(config) {
    return config.series.map(function (s, n) {
      var colour = COLOURS[n % COLOURS.length];
      return { type: "line", label: s.label, data: s.data, borderColor: colour,
               backgroundColor: colour, spanGaps: true, tension: 0.2,
               borderWidth: n === 0 ? 3 : 1.5 };
    });
  }

  function paretoDatasets(config) {
    return [
      { type: "bar", label: config.series[0].label, data: config.series[0].data,
        backgroundColor: COLOURS[1], yAxisID: "y" },
      { type: "line", label: config.series[1].label, data: config.series[1].data,
        borderColor: COLOURS[0], backgroundColor: COLOURS[0], yAxisID: "y1" }
    ];
  }

  function draw(canvas) {
    if (typeof window.Chart === "undefined") { return; }
    var config = JSON.parse(canvas.getAttribute("data-report-chart"));
    var scales = { y: { beginAtZero: true, suggestedMax: 100 } };
    var datasets;
    var tooltip = {};
    if (config.kind === "bar") {
      datasets = [{ type: "bar", label: config.series[0].label, data: config.series[0].data,
                    backgroundColor: COLOURS[0] }];
      scales = { y: { beginAtZero: true } };
    } else if (config.kind === "pareto") {
      datasets = paretoDatasets(config);
      scales = { y: { beginAtZero: true, max: 100, title: { display: true, text: "failure rate %" } },
                 y1: { beginAtZero: true, max: 100, position: "right",
                       grid: { drawOnChartArea: false }, title: { display: true, text: "cumulative %" } } };
    } else {
      datasets = lineDatasets(config);
      if (config.counts) {
        tooltip.afterBody = function (items) {
          var n = config.counts[items[0].dataIndex];
          return n === undefined ? "" : "evaluations (all teams): " + n;
        };
      }
    }
    new window.Chart(canvas, {
      data: { labels: config.labels, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 scales: scales, plugins: { tooltip: { callbacks: tooltip } } }
    });
  }

  document.querySelectorAll("canvas[data-report-chart]").forEach(draw);
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
