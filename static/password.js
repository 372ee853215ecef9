// Comfort only: the password form works without this file.
// The strength meter under the new password: as the user types (after a
// short pause), the server estimates the strength with zxcvbn, the same
// estimate its policy applies, and the meter shows it. The password is
// sent only to our own server, in a POST with the form's CSRF token.
(function () {
  "use strict";
  var input = document.querySelector("input[data-strength-url]");
  if (!input || !window.fetch) return;
  var form = input.form;
  var box = form.querySelector("p.strength");
  var meter = box && box.querySelector("meter");
  var label = box && box.querySelector(".strength-label");
  var token = form.querySelector("input[name=csrf_token]");
  if (!box || !meter || !label || !token) return;
  var url = input.getAttribute("data-strength-url");
  var timer = null;
  var seq = 0;

  function show(score, text, enough) {
    meter.value = score;
    label.textContent = text;
    box.classList.toggle("enough", !!enough);
    box.hidden = false;
  }

  function ask() {
    var value = input.value;
    var mine = ++seq;
    if (value === "") {
      box.hidden = true;
      return;
    }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRF-Token": token.value,
        "X-Requested-With": "XMLHttpRequest"
      },
      body: "password=" + encodeURIComponent(value)
    }).then(function (resp) {
      if (!resp.ok) throw new Error("status " + resp.status);
      return resp.json();
    }).then(function (r) {
      if (mine !== seq) return; // an older answer
      show(r.score, r.label, r.enough);
    }).catch(function () {
      if (mine === seq) box.hidden = true;
    });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 300);
  });
})();
