// Every page: a table box that scrolls sideways (a wide table on a narrow
// screen) joins the Tab order, so that it can be scrolled from the keyboard.
(function () {
  "use strict";
  function reachable() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.dataset.qaScrolls = "1";
      } else if (!scrolls && box.dataset.qaScrolls) {
        box.removeAttribute("tabindex");
        delete box.dataset.qaScrolls;
      }
    });
  }
  reachable();
  window.addEventListener("resize", reachable);
  document.addEventListener("htmx:afterSettle", reachable);
})();
