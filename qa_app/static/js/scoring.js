// Scoring page: autosave while the reviewer works, the engine's running score,
// time spent, Ctrl+S to save. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var form = document.getElementById("scoring-form");
  if (!form) { return; }
  var url = form.dataset.autosaveUrl;
  var status = document.getElementById("save-status");
  var totalEl = document.getElementById("running-total");
  var banner = document.getElementById("stale-banner");
  var lock = form.querySelector("input[name=lock_version]");
  var seconds = form.querySelector("input[name=seconds]");
  var visibleSince = document.hidden ? null : Date.now();
  var pending = 0;
  var timer = null;
  var dirty = false;
  var stopped = false;

  function elapsed() {
    if (visibleSince !== null) { pending += (Date.now() - visibleSince) / 1000; visibleSince = Date.now(); }
    return Math.round(pending);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { elapsed(); visibleSince = null; } else { visibleSince = Date.now(); }
  });

  function show(result) {
    totalEl.textContent = window.QA.fixed(result.total, 1);  // numbers.js: the pages' rounding
    (result.sections || []).forEach(function (s) {
      var el = form.querySelector('[data-section-percent="' + s.key + '"]');
      if (el) { el.textContent = window.QA.percent(s.percent, 0); }
    });
  }

  // One save at a time: each carries the lock version the previous one
  // returned, so the page never races itself into a false conflict.
  var inFlight = null;
  var again = false;

  function save() {
    timer = null;
    if (stopped) { return Promise.resolve(); }
    if (inFlight) { again = true; return inFlight; }
    seconds.value = elapsed();
    var data = new FormData(form);
    status.textContent = "Saving…";
    inFlight = fetch(url, { method: "POST", body: data, credentials: "same-origin",
                 headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, code: response.status, body: body }; });
      })
      .then(function (r) {
        if (!r.ok) {
          if (r.code === 409) {
            stopped = true;
            banner.textContent = r.body.error.message;
            banner.classList.remove("d-none");
            status.textContent = "Not saved";
          } else {
            status.textContent = "Not saved: " + r.body.error.message;
          }
          return;
        }
        pending = 0;
        dirty = false;
        lock.value = r.body.lock_version;
        show(r.body);
        var time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        var left = r.body.missing.length ? " · " + r.body.missing.length + " required left" : " · complete";
        status.textContent = (r.body.saved ? "Draft saved at " + time : "Score updated (save to keep changes)") + left;
      })
      .catch(function () { status.textContent = "Offline: not saved yet"; })
      .then(function () {
        inFlight = null;
        if (again) { again = false; return save(); }
      });
    return inFlight;
  }

  function schedule() {
    dirty = true;
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 800);
  }
  form.addEventListener("change", schedule);
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") { schedule(); }
  });
  var submitting = false;
  form.addEventListener("submit", function (event) {
    if (submitting) { event.preventDefault(); return; }  // a double click submits once
    if (timer) { clearTimeout(timer); timer = null; }
    var button = event.submitter;
    if (inFlight) {
      // Let the running autosave finish first: it brings the current lock.
      event.preventDefault();
      again = false;
      inFlight.then(function () { form.requestSubmit(button); });
      return;
    }
    submitting = true;
    stopped = true;  // no autosave may race the real submit
    seconds.value = elapsed();
  });
  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      event.preventDefault();
      save();
    }
  });
  // Leaving with unsaved changes: send them with the page's last breath.
  window.addEventListener("pagehide", function () {
    if (dirty && !stopped && form.dataset.status === "draft") {
      seconds.value = elapsed();
      navigator.sendBeacon(url, new FormData(form));
    }
  });
})();
