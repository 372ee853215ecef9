// Keyboard shortcuts (comfort only: every action has its button or link).
// List: j/k move the current row (class kb-current, focused and scrolled
// into view), o or Enter opens it, x checks it, # and ! delete or mark as
// spam the checked rows (or else the current one) through the toolbar's
// form, r/a/f reply to, reply to all, forward the current row. Reading
// view: r/a/f/#/! act on the message, j/k open the next/previous message of
// the list it came from (remembered in sessionStorage), u goes back.
// Everywhere: c writes a new message, / goes to the search box, ? shows
// the help (translated, in the page: #keys-help), Escape closes it.
// Nothing happens while typing in a field or with Ctrl, Alt or Meta held.
(function () {
  "use strict";
  var help = document.getElementById("keys-help");
  if (!help) return;
  var STORE = "webmail.list"; // the list's message URLs, for j/k when reading
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.messages tbody tr"));
  var reading = document.querySelector("main.reading");
  var form = document.getElementById("actions");
  var cur = -1;
  var before = null; // focus before the help opened

  function here() { return location.pathname + location.search; }
  function rowLink(tr) { return tr.querySelector(".c-subject a"); }
  function rowBox(tr) { return tr.querySelector("input[name=uid]"); }

  function store(key, value) {
    try { sessionStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }
  function load(key) {
    try { return JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function setCurrent(i) {
    if (!rows.length) return;
    i = Math.max(0, Math.min(rows.length - 1, i));
    if (cur >= 0 && rows[cur]) rows[cur].classList.remove("kb-current");
    cur = i;
    var tr = rows[cur];
    tr.classList.add("kb-current");
    var a = rowLink(tr);
    if (a) a.focus({ preventScroll: true });
    tr.scrollIntoView({ block: "nearest" });
  }

  if (rows.length) {
    // Remember the list for j/k in the reading view, and come back to
    // the row last opened.
    var urls = rows.map(function (tr) { var a = rowLink(tr); return a ? a.getAttribute("href") : ""; });
    store(STORE, { list: here(), urls: urls });
    var lastOpened = load(STORE + ".open");
    var at = lastOpened ? urls.indexOf(lastOpened) : -1;
    if (at >= 0) {
      cur = at;
      rows[at].classList.add("kb-current");
    }
    rows.forEach(function (tr, i) {
      var a = rowLink(tr);
      if (a) a.addEventListener("focus", function () {
        if (cur !== i) {
          if (cur >= 0 && rows[cur]) rows[cur].classList.remove("kb-current");
          cur = i;
          tr.classList.add("kb-current");
        }
      });
      if (a) a.addEventListener("click", function () { store(STORE + ".open", a.getAttribute("href")); });
    });
  }

  function go(url) {
    if (!url) return;
    store(STORE + ".open", url);
    location.href = url;
  }

  // toolbar submits the toolbar's form with the button action=name, for
  // the checked rows or else the current one.
  function toolbar(name) {
    if (!form) return false;
    var button = form.querySelector("button[name=action][value=" + name + "]");
    if (!button) return false;
    if (rows.length && !form.querySelector("input[name=uid]:checked")) {
      if (cur < 0) return false;
      var box = rowBox(rows[cur]);
      if (!box) return false;
      box.click(); // list.js enables the buttons
    }
    button.disabled = false;
    button.click();
    return true;
  }

  // compose opens the reply (reply, replyall) or forward of the current
  // message.
  function compose(kind) {
    if (reading) {
      // The reading view's own links: /compose?reply=…, ?replyall=…, ?forward=….
      var want = new RegExp("[?&]" + kind + "=");
      var links = document.querySelectorAll(".message-actions a[href^='/compose']");
      for (var i = 0; i < links.length; i++) {
        if (want.test(links[i].getAttribute("href"))) { location.href = links[i].href; return; }
      }
      return;
    }
    if (cur < 0 || !form) return;
    var box = rowBox(rows[cur]);
    var folder = form.querySelector("input[name=folder]");
    if (!box || !folder) return;
    location.href = "/compose?" + kind + "=" + encodeURIComponent(box.value) + "&folder=" + encodeURIComponent(folder.value);
  }

  // neighbour opens the next (+1) or previous (-1) message of the list
  // the reading view came from.
  function neighbour(step) {
    var saved = load(STORE);
    if (!saved || !saved.urls) return;
    var i = saved.urls.indexOf(here());
    if (i < 0) {
      var opened = load(STORE + ".open");
      i = opened ? saved.urls.indexOf(opened) : -1;
    }
    if (i < 0) return;
    var next = saved.urls[i + step];
    if (next) go(next);
  }

  function showHelp() {
    before = document.activeElement;
    help.hidden = false;
    help.focus();
  }
  function hideHelp() {
    help.hidden = true;
    if (before && before.focus) before.focus();
  }
  help.addEventListener("click", function (e) {
    if (e.target === help || e.target.closest(".keys-close")) hideHelp();
  });

  function typing(t) {
    if (!t || !t.tagName) return false;
    var tag = t.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || t.isContentEditable;
  }

  var searchOnKeyUp = false;
  document.addEventListener("keyup", function () {
    if (!searchOnKeyUp) return;
    searchOnKeyUp = false;
    var q = document.querySelector("input[name=q]");
    if (q) { q.focus(); q.select(); }
  });

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey || typing(e.target)) return;
    var k = e.key;
    if (!help.hidden) {
      if (k === "Escape" || k === "?") {
        e.preventDefault();
        hideHelp();
      }
      return;
    }
    // Shift only for the symbols that need it on most layouts.
    if (e.shiftKey && k !== "#" && k !== "!" && k !== "?") return;
    var done = true;
    switch (k) {
      case "j": if (reading) neighbour(1); else setCurrent(cur + 1); break;
      case "k": if (reading) neighbour(-1); else setCurrent(cur < 0 ? 0 : cur - 1); break;
      case "o":
      case "Enter":
        // Enter on a link or button does what it always does.
        if (k === "Enter" && e.target.closest && e.target.closest("a, button, summary")) { done = false; break; }
        if (!reading && cur >= 0) { var a = rowLink(rows[cur]); if (a) go(a.getAttribute("href")); } else done = false;
        break;
      case "u": var back = document.querySelector(".reading .back a"); if (back) location.href = back.href; else done = false; break;
      case "x": if (cur >= 0 && rowBox(rows[cur])) rowBox(rows[cur]).click(); else done = false; break;
      case "r": compose("reply"); break;
      case "a": compose("replyall"); break;
      case "f": compose("forward"); break;
      case "c": var c = document.querySelector("a.compose"); location.href = c ? c.href : "/compose"; break;
      case "#": done = toolbar("delete"); break;
      case "!": done = toolbar("spam"); break;
      case "/":
        // Focused when the key comes up, so the "/" itself is not typed
        // into the box (preventDefault below stops it too, in browsers).
        searchOnKeyUp = !!document.querySelector("input[name=q]");
        done = searchOnKeyUp;
        break;
      case "?": showHelp(); break;
      default: done = false;
    }
    if (done) e.preventDefault();
  });
})();
