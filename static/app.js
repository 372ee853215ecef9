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

// Offer to register the app as the browser's handler of mailto: links;
// /compose reads the link from ?uri=.
(function () {
  "use strict";
  var button = document.querySelector("button.mailto-handler");
  if (!button || !navigator.registerProtocolHandler) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    try {
      navigator.registerProtocolHandler("mailto", location.origin + "/compose?uri=%s");
      button.textContent = button.getAttribute("data-done");
      button.disabled = true;
    } catch (e) {
      button.hidden = true;
    }
  });
})();
