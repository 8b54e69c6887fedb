/* Background jobs: every [data-job-status-url] is polled every few seconds
   (JSON from /jobs/<id>/status); its progress bar and stage follow, and the
   page reloads once the job is done so its result shows. No inline script:
   the CSP forbids it. */
(function () {
  "use strict";

  var POLL_MS = 2000;

  function poll(box) {
    var url = box.getAttribute("data-job-status-url");
    var bar = box.querySelector("progress");
    var stage = box.querySelector("[data-job-stage]");
    var badge = box.querySelector("[data-job-badge]");
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) {
          if (!state) { return; }
          if (state.done) { window.location.reload(); return; }
          if (bar) { bar.value = state.progress || 0; }
          if (stage) { stage.textContent = state.stage || ""; }
          if (badge) { badge.textContent = state.status; }
          window.setTimeout(tick, POLL_MS);
        })
        .catch(function () { window.setTimeout(tick, POLL_MS * 3); });
    }
    window.setTimeout(tick, POLL_MS);
  }

  document.querySelectorAll("[data-job-status-url]").forEach(poll);
})();
