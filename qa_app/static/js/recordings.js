// The recording player: a waveform (wavesurfer.js) over the native audio
// element, speeds, seeking from turns and silenced spans, the current turn
// highlighted. Shortcuts use Alt (K play/pause, J/L back/forward 5 s) so they
// never fight the scorecard's keys or typing in its fields.
(function () {
  "use strict";
  function turnElements(count) {
    // The interaction page gives each turn an id; the scoring page lists them in order.
    var byId = [];
    for (var i = 0; i < count; i++) byId.push(document.getElementById("turn-" + (i + 1)));
    if (byId.some(Boolean)) return byId;
    return Array.prototype.slice.call(document.querySelectorAll(".qa-turn"));
  }

  function setUp(box) {
    var audio = box.querySelector("audio");
    var timesEl = box.parentElement.querySelector("[data-turn-times]");
    var times = timesEl ? JSON.parse(timesEl.textContent) : [];
    var turns = turnElements(times.length);
    var current = -1;
    if (window.WaveSurfer) {
      try {
        window.WaveSurfer.create({ container: box.querySelector("[data-waveform]"), media: audio,
          height: 56, waveColor: "#9aa5b1", progressColor: "#0d6efd",
          cspNonce: box.dataset.styleNonce });
      } catch (e) { /* the waveform is a help; the player works without it */ }
    }
    function seek(seconds) {
      if (seconds === null || seconds === undefined || isNaN(seconds)) return;
      audio.currentTime = Number(seconds);
      audio.play();
    }
    turns.forEach(function (el, i) {
      if (!el || times[i] === undefined || times[i][0] === null) return;
      el.classList.add("qa-seekable");
      el.setAttribute("title", "Play from here");
      el.addEventListener("click", function (event) {
        if (event.target.closest("a, button, input, textarea, select")) return;
        seek(times[i][0]);
      });
    });
    document.querySelectorAll("[data-seek]").forEach(function (el) {
      el.addEventListener("click", function () { seek(el.getAttribute("data-seek")); });
    });
    var skip = box.querySelector("[data-skip-silence]");
    // Skip silence: between the end of one turn and the start of the next
    // (more than 2 s of nobody speaking), jump to the next turn.
    function nextStartAfterGap(t) {
      var lastEnd = 0;
      for (var i = 0; i < times.length; i++) {
        var start = times[i][0], end = times[i][1];
        if (start === null) continue;
        if (start > t && t >= lastEnd && start - t > 2) return start;
        if (end !== null && end > lastEnd) lastEnd = end;
        if (start <= t && (end === null || end > t)) return null;
      }
      return null;
    }
    audio.addEventListener("timeupdate", function () {
      if (skip && skip.checked && !audio.paused) {
        var jump = nextStartAfterGap(audio.currentTime);
        if (jump !== null) audio.currentTime = jump;
      }
      var t = audio.currentTime, found = -1;
      for (var i = 0; i < times.length; i++) {
        if (times[i][0] !== null && times[i][0] <= t) found = i;
      }
      if (found === current) return;
      if (turns[current]) turns[current].classList.remove("qa-playing");
      current = found;
      if (turns[current]) {
        turns[current].classList.add("qa-playing");
        turns[current].scrollIntoView({ block: "nearest" });
      }
    });
    box.querySelector("[data-play]").addEventListener("click", function () {
      if (audio.paused) audio.play(); else audio.pause();
    });
    box.querySelector("[data-rate]").addEventListener("change", function (event) {
      audio.playbackRate = Number(event.target.value);
    });
    document.addEventListener("keydown", function (event) {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.code === "KeyK") { if (audio.paused) audio.play(); else audio.pause(); }
      else if (event.code === "KeyJ") audio.currentTime = Math.max(0, audio.currentTime - 5);
      else if (event.code === "KeyL") audio.currentTime = audio.currentTime + 5;
      else return;
      event.preventDefault();
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-player]").forEach(setUp);
  });
})();
