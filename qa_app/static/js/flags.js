/* Flagging pages. (1) The precision-recall chart: canvas[data-flag-chart] holds
   {model: [[recall, precision], ...], keyword: [...], random: base rate} as JSON.
   (2) Training progress: every [data-flag-status-url] is polled every few seconds
   and the page reloads when the run is over. No inline script: the CSP forbids it. */
(function () {
  "use strict";

  var POLL_MS = 3000;

  function points(pairs) {
    return (pairs || []).map(function (p) { return { x: p[0], y: p[1] }; });
  }

  function drawChart(canvas) {
    if (typeof window.Chart === "undefined") { return; }
    var curves = JSON.parse(canvas.getAttribute("data-flag-chart"));
    var datasets = [
      { label: "Model", data: points(curves.model), borderColor: "#0d6efd",
        backgroundColor: "#0d6efd", borderWidth: 3, pointRadius: 0 },
      { label: "Keyword rule", data: points(curves.keyword), borderColor: "#fd7e14",
        backgroundColor: "#fd7e14", borderWidth: 2, pointRadius: 0 }
    ];
    if (typeof curves.random === "number") {
      datasets.push({ label: "Random sampling", data: [{ x: 0, y: curves.random }, { x: 1, y: curves.random }],
                      borderColor: "#6c757d", backgroundColor: "#6c757d", borderDash: [6, 4],
                      borderWidth: 1.5, pointRadius: 0 });
    }
    new window.Chart(canvas, {
      type: "line",
      data: { datasets: datasets },
      options: {
        animation: false,
        parsing: false,
        scales: {
          x: { type: "linear", min: 0, max: 1, title: { display: true, text: "recall" } },
          y: { min: 0, max: 1, title: { display: true, text: "precision" } }
        }
      }
    });
  }

  function poll(box) {
    var url = box.getAttribute("data-flag-status-url");
    var bar = box.querySelector("progress");
    var stage = box.querySelector("[data-flag-stage]");
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) {
          if (!state) { return; }
          if (state.status !== "training") { window.location.reload(); return; }
          if (bar && state.progress) { bar.value = state.progress.percent || 0; }
          if (stage && state.progress) { stage.textContent = state.progress.stage || ""; }
          window.setTimeout(tick, POLL_MS);
        })
        .catch(function () { window.setTimeout(tick, POLL_MS * 3); });
    }
    window.setTimeout(tick, POLL_MS);
  }

  document.querySelectorAll("canvas[data-flag-chart]").forEach(drawChart);
  document.querySelectorAll("[data-flag-status-url]").forEach(poll);
})();
