// The one HTML escape of the product's scripts (issue 11, stored XSS): every text a user typed that a chart's
// tooltip (ECharts renders tooltip HTML) or a script's markup shows goes through window.zsEsc. Loaded in <head>
// by base.html, before any page's script.
(function () {
  "use strict";
  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };
  window.zsEsc = function (value) {
    return String(value ?? "").replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
  };
})();
