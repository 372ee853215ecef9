// Live counts (comfort only; the pages are complete without it). While the
// tab is visible, GET /mail/counts every 45 seconds (and at once when the
// tab comes back into view): update the folder list's unread counts and
// the "(3) " prefix of the title, and when the open folder has more
// messages than the page shows, offer a reload instead of rewriting the
// list under the reader's pointer. The texts come from the sidebar's data-
// attributes, translated by the server.
(function () {
  "use strict";
  var nav = document.querySelector("nav.sidebar[data-new-mail]");
  if (!nav || !window.fetch) return;
  var every = 45000;
  var timer = null;
  var last = 0;
  var stopped = false;
  var lang = document.documentElement.lang || "id";
  var number = window.Intl ? new Intl.NumberFormat(lang) : { format: String };

  // links maps each folder's IMAP name to its sidebar link.
  var links = {};
  nav.querySelectorAll("a.folder[data-total]").forEach(function (a) {
    var name = new URL(a.href, location.href).searchParams.get("folder");
    if (name) links[name] = a;
  });
  var current = nav.querySelector("a.folder[aria-current][data-total]");
  // Only the folder's own list (not search results) gets the banner.
  var onList = location.pathname === "/mail" && current;
  var shownTotal = current ? parseInt(current.getAttribute("data-total"), 10) : 0;

  function setCount(a, n) {
    var li = a.closest("li");
    var span = a.querySelector(".count");
    if (n > 0) {
      if (!span) {
        span = document.createElement("span");
        span.className = "count";
        a.appendChild(document.createTextNode(" "));
        a.appendChild(span);
      }
      span.textContent = String(n);
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " " + nav.getAttribute("data-unread-label");
      span.appendChild(hidden);
    } else if (span) {
      span.remove();
    }
    if (li) li.classList.toggle("has-unread", n > 0);
  }

  function setTitle(n) {
    if (!nav.hasAttribute("data-title-count")) return; // the reading view: the subject only
    var t = document.title.replace(/^\([0-9.,\s\u00a0\u202f]+\) /, "");
    document.title = n > 0 ? "(" + number.format(n) + ") " + t : t;
  }

  function banner() {
    if (document.querySelector(".live-banner")) return;
    var p = document.createElement("p");
    p.className = "live-banner";
    p.setAttribute("role", "status");
    p.appendChild(document.createTextNode(nav.getAttribute("data-new-mail") + " — "));
    var a = document.createElement("a");
    a.href = location.href;
    a.textContent = nav.getAttribute("data-reload");
    p.appendChild(a);
    var main = document.getElementById("content");
    if (main) main.insertBefore(p, main.firstChild);
  }

  function apply(data) {
    if (!data || !data.folders) return;
    Object.keys(links).forEach(function (name) {
      var f = data.folders[name];
      if (f) setCount(links[name], f.unread);
    });
    setTitle(data.inbox_unread || 0);
    if (onList) {
      var name = new URL(current.href, location.href).searchParams.get("folder");
      var f = data.folders[name];
      if (f && f.total > shownTotal) banner();
    }
  }

  function poll() {
    if (stopped || document.visibilityState !== "visible") return;
    last = Date.now();
    fetch("/mail/counts", { credentials: "same-origin", headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" } })
      .then(function (r) {
        if (r.status === 401) stopped = true; // signed out: the next page says so
        return r.ok ? r.json() : null;
      })
      .then(apply)
      .catch(function () { /* offline for a moment: try again later */ });
  }

  function schedule() {
    clearInterval(timer);
    timer = null;
    if (document.visibilityState === "visible") timer = setInterval(poll, every);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && Date.now() - last > every) poll();
    schedule();
  });
  last = Date.now(); // the page itself is fresh
  schedule();
  // For tests and the curious: window.webmailLive.poll() polls now.
  window.webmailLive = { poll: poll };
})();
