// Feedback pages: the agent's weekly score chart (Chart.js), drawn from the
// JSON in the canvas's data-trend attribute (no inline script: the CSP
// forbids it), and the dispute form's "reason" boxes that follow their
// checkbox.
(function () {
  "use strict";

  function drawTrend(canvas) {
    if (typeof Chart === "undefined") { return; }
    var rows = JSON.parse(canvas.dataset.trend || "[]");
    canvas.chart = new Chart(canvas, {
      type: "line",
      data: {
        labels: rows.map(function (r) { return r.week; }),
        datasets: [
          { label: "My score", data: rows.map(function (r) { return r.mine; }),
            borderColor: "#0d6efd", backgroundColor: "#0d6efd", spanGaps: true, tension: 0.2 },
          { label: "Team average", data: rows.map(function (r) { return r.team; }),
            borderColor: "#6c757d", backgroundColor: "#6c757d", borderDash: [6, 4],
            spanGaps: true, tension: 0.2 }
        ]
      },
      options: {
        animation: false,
        scales: { y: { min: 0, max: 100, title: { display: true, text: "Score (%)" } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  function followCheckbox(box) {
    var target = document.getElementById(box.dataset.reasonFor);
    if (!target) { return; }
    function sync() { target.hidden = !box.checked; }
    box.addEventListener("change", sync);
    sync();
  }

  document.querySelectorAll("canvas[data-trend]").forEach(drawTrend);
  document.querySelectorAll("input[data-reason-for]").forEach(followCheckbox);
}());
