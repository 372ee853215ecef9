// Comfort only: every page works without this file.
// Close the user menu (a <details>) on a click outside it or on Escape.
(function () {
  "use strict";
  function closeMenus(except) {
    document.querySelectorAll("details.usermenu[open]").forEach(function (d) {
      if (d !== except) d.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (e) {
    closeMenus(e.target.closest ? e.target.closest("details.usermenu") : null);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") closeMenus(null);
  });
})();
