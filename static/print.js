// The print view: open the browser's print dialog once the page (and the
// body frame, if any) has loaded, and again from the button.
(function () {
  "use strict";
  var button = document.getElementById("print-now");
  if (!button) {
    return;
  }
  button.addEventListener("click", function () { window.print(); });
  window.addEventListener("load", function () { window.print(); });
})();
