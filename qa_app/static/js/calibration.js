/* Calibration pages: trend charts (data in data-chart JSON, drawn with the
   vendored Chart.js) and the "n picked" counter of the new-session form.
   No inline script anywhere: the CSP forbids it. */
(function () {
  "use strict";

  var COLOURS = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1",
                 "#20c997", "#6c757d", "#d63384", "#0dcaf0", "#ffc107"];

  function drawChart(canvas) {
    if (typeof window.Chart === "undefined") { return; }
    var config = JSON.parse(canvas.getAttribute("data-chart"));
    var datasets = config.series.map(function (s, n) {
      var colour = COLOURS[n % COLOURS.length];
      return { label: s.label, data: s.data, borderColor: colour, backgroundColor: colour,
               spanGaps: true, tension: 0.2 };
    });
    new window.Chart(canvas, {
      type: "line",
      data: { labels: config.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: config.unit } } }
      }
    });
  }

  function pickCounter(counter) {
    var form = counter.closest("form");
    var max = parseInt(counter.getAttribute("data-max"), 10);
    function update() {
      var n = form.querySelectorAll("input[name=interaction_ids]:checked").length;
      counter.textContent = n + " picked";
      counter.classList.toggle("text-bg-danger", n > max);
    }
    form.addEventListener("change", update);
    update();
  }

  document.querySelectorAll("canvas[data-chart]").forEach(drawChart);
  document.querySelectorAll("[data-pick-counter]").forEach(pickCounter);
})();
