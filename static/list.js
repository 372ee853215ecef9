// Comfort for the message list's checkboxes; the list works without it.
// Shift-click selects a range, "select all" toggles every row, and the
// toolbar's buttons that act on a selection are disabled while nothing
// is selected.
(function () {
  "use strict";
  var form = document.getElementById("actions");
  if (!form) return;
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input.select-row"));
  var all = document.querySelector("input.select-all");
  var last = null;

  function update() {
    var n = boxes.filter(function (b) { return b.checked; }).length;
    if (all) {
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
    form.querySelectorAll("button[data-selection]").forEach(function (b) {
      b.disabled = n === 0;
    });
    boxes.forEach(function (b) {
      var row = b.closest("tr");
      if (row) row.classList.toggle("selected", b.checked);
    });
  }

  boxes.forEach(function (box) {
    box.addEventListener("click", function (e) {
      if (e.shiftKey && last && last !== box) {
        var a = boxes.indexOf(last), b = boxes.indexOf(box);
        var lo = Math.min(a, b), hi = Math.max(a, b);
        for (var i = lo; i <= hi; i++) boxes[i].checked = box.checked;
      }
      last = box;
      update();
    });
  });
  if (all) {
    // With JavaScript the rows themselves carry the selection; all=1
    // (every UID of the page) is only for browsers without it.
    all.removeAttribute("name");
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      update();
    });
  }
  update();
})();
