// How numbers read on a page: the rule of qa_app/display.py (ties away from
// zero on the stored value, which is what toFixed does; "-0" reads "0").
(function () {
  "use strict";
  function fixed(value, digits) {
    if (value === null || value === undefined || Number.isNaN(value)) { return "n/a"; }
    var text = Number(value).toFixed(digits);
    return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
  }
  function percent(value, digits) {
    var text = fixed(value, digits || 0);
    return text === "n/a" ? text : text + "%";
  }
  window.QA = window.QA || {};
  window.QA.fixed = fixed;
  window.QA.percent = percent;
})();
