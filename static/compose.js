// The compose page's comfort; the form works without this file.
// - The textarea becomes a rich-text editor (Squire, cleaned by DOMPurify);
//   on submit its HTML goes back into the textarea with body_format=html.
// - Files chosen or dropped onto the page are uploaded at once (the server
//   stores them in the draft) with a progress bar, and attachments are
//   removed, without reloading: the server answers JSON
//   {draft, attachments: [{id, name, size, size_text}], error}.
// - Sizes are checked against the limit before anything is uploaded.
// - Batal asks before leaving a message that is not empty.
(function () {
  "use strict";
  var form = document.getElementById("compose");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var ds = form.dataset;
  var textarea = form.querySelector("textarea[name=body]");
  var bodyFormat = form.querySelector("input[name=body_format]");
  var draftField = form.querySelector("input[name=draft]");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var list = document.getElementById("attachment-list");
  var fileInput = document.getElementById("attachment");
  var attachButton = form.querySelector("button.attach");
  var progress = document.getElementById("upload-progress");
  var statusLine = document.getElementById("attach-status");
  var toolbar = form.querySelector(".toolbar");
  var maxSize = parseInt(ds.maxSize, 10) || 0;
  var editor = null;
  var inflight = false;
  var pendingSubmit = null;

  // --- The editor.
  function escapeHTML(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function textToHTML(s) {
    return s.replace(/\r\n/g, "\n").split("\n").map(function (line) {
      return "<div>" + (line ? escapeHTML(line) : "<br>") + "</div>";
    }).join("");
  }
  if (window.Squire && window.DOMPurify && textarea && toolbar) {
    var root = document.createElement("div");
    root.className = "editor";
    root.id = "body-editor";
    root.setAttribute("role", "textbox");
    root.setAttribute("aria-multiline", "true");
    root.setAttribute("aria-label", ds.editorLabel || "");
    textarea.parentNode.insertBefore(root, textarea.nextSibling);
    editor = new window.Squire(root, { blockTag: "DIV" });
    var html = textarea.getAttribute("data-html");
    editor.setHTML(html ? html : textToHTML(textarea.value.replace(/^\n/, "")));
    textarea.hidden = true;
    toolbar.hidden = false;
    toolbar.setAttribute("aria-controls", root.id);
    var label = form.querySelector("label[for=body]");
    if (label) {
      label.addEventListener("click", function (e) {
        e.preventDefault();
        editor.focus();
      });
    }
    editor.addEventListener("pathChange", updateButtons);
    // Where the user starts: an empty To, else the text (above a quote).
    var to = form.elements.to;
    if (to && to.value.trim() === "") to.focus();
    else {
      editor.focus();
      editor.moveCursorToStart();
    }
    toolbar.addEventListener("click", onTool);
    toolbar.addEventListener("change", onSelect);
  }

  function has(tag) {
    return editor.hasFormat(tag);
  }
  function updateButtons() {
    [["bold", "B"], ["italic", "I"], ["underline", "U"], ["strikethrough", "S"], ["ul", "UL"], ["ol", "OL"], ["quote", "BLOCKQUOTE"]]
      .forEach(function (p) {
        var b = toolbar.querySelector("button[data-cmd=" + p[0] + "]");
        if (b) b.setAttribute("aria-pressed", has(p[1]) ? "true" : "false");
      });
  }
  function onTool(e) {
    var b = e.target.closest("button[data-cmd]");
    if (!b) return;
    e.preventDefault();
    switch (b.dataset.cmd) {
      case "bold": has("B") ? editor.removeBold() : editor.bold(); break;
      case "italic": has("I") ? editor.removeItalic() : editor.italic(); break;
      case "underline": has("U") ? editor.removeUnderline() : editor.underline(); break;
      case "strikethrough": has("S") ? editor.removeStrikethrough() : editor.strikethrough(); break;
      case "ul": has("UL") ? editor.removeList() : editor.makeUnorderedList(); break;
      case "ol": has("OL") ? editor.removeList() : editor.makeOrderedList(); break;
      case "left": case "center": case "right": editor.setTextAlignment(b.dataset.cmd); break;
      case "quote": has("BLOCKQUOTE") ? editor.decreaseQuoteLevel() : editor.increaseQuoteLevel(); break;
      case "clear": editor.removeAllFormatting(); break;
      case "link": {
        var url = window.prompt(ds.linkPrompt, has("A") ? "" : "https://");
        if (url === null) break;
        url = url.trim();
        if (url === "" || url === "https://") {
          if (has("A")) editor.removeLink();
          break;
        }
        if (!/^(https?:\/\/[^\s]+|mailto:[^\s]+)$/i.test(url)) {
          window.alert(ds.linkInvalid);
          break;
        }
        editor.makeLink(url);
        break;
      }
    }
    editor.focus();
    updateButtons();
  }
  function onSelect(e) {
    var s = e.target;
    if (!s.dataset || !s.value) return;
    var v = s.value === "reset" ? null : s.value;
    if (s.dataset.cmd === "size") editor.setFontSize(v);
    if (s.dataset.cmd === "color") editor.setTextColor(v);
    s.value = "";
    editor.focus();
  }
  // sync puts the editor's HTML into the form before it is sent.
  function sync() {
    if (editor) {
      textarea.value = editor.getHTML();
      bodyFormat.value = "html";
    }
  }

  // --- Attachments.
  function listed() {
    var total = 0;
    list.querySelectorAll("li[data-size]").forEach(function (li) {
      total += parseInt(li.dataset.size, 10) || 0;
    });
    return total;
  }
  function say(msg, isError) {
    statusLine.textContent = msg || "";
    statusLine.classList.toggle("error", !!isError);
  }
  function fits(files) {
    var total = listed();
    for (var i = 0; i < files.length; i++) total += files[i].size;
    if (maxSize > 0 && total > maxSize) {
      say(ds.errorTooLarge, true);
      return false;
    }
    return true;
  }
  function render(atts) {
    list.textContent = "";
    atts.forEach(function (a) {
      var li = document.createElement("li");
      li.dataset.id = a.id;
      li.dataset.size = String(a.size);
      var keep = document.createElement("input");
      keep.type = "hidden";
      keep.name = "keep";
      keep.value = a.id;
      var clip = document.createElement("img");
      clip.className = "clip";
      clip.src = ds.clip;
      clip.alt = "";
      clip.width = clip.height = 16;
      var name = document.createElement("span");
      name.className = "name";
      name.textContent = a.name;
      var size = document.createElement("span");
      size.className = "size";
      size.textContent = a.size_text;
      var rm = document.createElement("button");
      rm.type = "submit";
      rm.name = "action";
      rm.value = "remove:" + a.id;
      rm.className = "link remove";
      rm.textContent = ds.removeLabel;
      rm.setAttribute("aria-label", (ds.removeNamed || "%s").replace("%s", function () { return a.name; }));
      li.appendChild(keep);
      li.appendChild(clip);
      li.appendChild(name);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(size);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(rm);
      list.appendChild(li);
    });
  }
  function post(action, files) {
    sync();
    var fd = new FormData(form);
    fd.delete("attachment");
    (files || []).forEach(function (f) {
      fd.append("attachment", f, f.name);
    });
    fd.set("action", action);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action"));
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.responseType = "json";
    if (files && files.length) {
      progress.value = 0;
      progress.hidden = false;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) progress.value = Math.round(e.loaded * 100 / e.total);
      });
      say(ds.uploading, false);
    }
    inflight = true;
    if (attachButton) attachButton.disabled = true;
    function finish(r) {
      inflight = false;
      if (attachButton) attachButton.disabled = false;
      progress.hidden = true;
      if (r && r.redirect) {
        window.location.href = r.redirect;
        return;
      }
      if (r && r.draft > 0) draftField.value = String(r.draft);
      if (r && Array.isArray(r.attachments)) {
        render(r.attachments);
        fileInput.value = "";
      }
      say(r ? r.error : ds.errorUpload, !r || !!r.error);
      if (pendingSubmit) {
        var s = pendingSubmit;
        pendingSubmit = null;
        if (form.requestSubmit) form.requestSubmit(s); else s.click();
      }
    }
    xhr.addEventListener("load", function () {
      var r = xhr.response;
      if (r && typeof r === "object") finish(r); else finish(null);
    });
    xhr.addEventListener("error", function () { finish(null); });
    xhr.addEventListener("abort", function () { finish(null); });
    xhr.send(fd);
  }
  function upload(files) {
    if (!files.length || inflight) return;
    if (!fits(files)) {
      fileInput.value = "";
      return;
    }
    post("attach", files);
  }

  fileInput.addEventListener("change", function () {
    upload(Array.prototype.slice.call(fileInput.files));
  });
  if (attachButton) {
    attachButton.addEventListener("click", function (e) {
      e.preventDefault();
      if (inflight) return;
      if (fileInput.files.length) upload(Array.prototype.slice.call(fileInput.files));
      else fileInput.click();
    });
  }
  list.addEventListener("click", function (e) {
    var b = e.target.closest("button.remove");
    if (!b) return;
    e.preventDefault();
    if (!inflight) post(b.value, []);
  });

  // Files dropped anywhere on the page.
  var depth = 0;
  function hasFiles(e) {
    return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0;
  }
  document.addEventListener("dragenter", function (e) {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth++;
    form.classList.add("dragging");
  });
  document.addEventListener("dragleave", function (e) {
    if (!hasFiles(e)) return;
    if (--depth <= 0) {
      depth = 0;
      form.classList.remove("dragging");
    }
  });
  document.addEventListener("dragover", function (e) {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
  });
  document.addEventListener("drop", function (e) {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    form.classList.remove("dragging");
    upload(Array.prototype.slice.call(e.dataTransfer.files));
  });

  // --- Submitting, Enter and Batal.
  form.addEventListener("submit", function (e) {
    if (inflight) {
      // Kirim pressed during an upload: send once the files are stored.
      e.preventDefault();
      pendingSubmit = e.submitter || form.querySelector("button.send");
      return;
    }
    sync();
  });
  // Enter in a one-line field must not press Kirim.
  form.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.matches("input[type=text]")) e.preventDefault();
  });
  var cancel = form.querySelector("a.cancel");
  if (cancel) {
    cancel.addEventListener("click", function (e) {
      var typed = ["to", "cc", "bcc", "subject"].some(function (n) {
        var el = form.elements[n];
        return el && el.value.trim() !== "";
      });
      var body = editor ? editor.getRoot().textContent : textarea.value;
      if ((typed || body.trim() !== "" || list.children.length > 0) && !window.confirm(ds.confirmCancel)) {
        e.preventDefault();
      }
    });
  }
})();
