/* Rich-text editing for every <textarea data-editor>, with the vendored pell editor.
 *
 * The textarea stays in the form, hidden and kept in sync, so the form posts the HTML; the server
 * sanitises it. Without JavaScript the textarea is used as it is. Only files, no inline code: the
 * Content-Security-Policy allows neither inline scripts nor <style> elements.
 */
(function () {
  "use strict";

  var SAFE_LINK = /^(https?:\/\/|mailto:)/i;
  var IMAGE_TYPES = "image/png,image/jpeg,image/webp,image/gif";
  /* The toolbar, in order; each button gets data-action="<name>". */
  var ACTIONS = ["bold", "italic", "heading2", "heading3", "ulist", "olist", "quote", "link",
                 "image"];

  function labelsOf(form) {
    try {
      return JSON.parse(form.getAttribute("data-editor-labels") || "{}");
    } catch (error) {
      return {};
    }
  }

  function upload(form, file, alt) {
    var body = new FormData();
    var token = form.querySelector("input[name=csrf_token]");
    body.append("image", file);
    body.append("alt", alt);
    return fetch(form.getAttribute("data-image-upload"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok || !data.url) {
          throw new Error(data.error || "");
        }
        return data;
      });
    });
  }

  /* The label itself as the button's face: emoji icons need a font a phone may not have. */
  function textIcon(text) {
    var span = document.createElement("span");
    span.textContent = text || "";
    return span.innerHTML;
  }

  function figureHtml(url, alt) {
    var figure = document.createElement("figure");
    var image = document.createElement("img");
    image.setAttribute("src", url);
    image.setAttribute("alt", alt);
    figure.appendChild(image);
    return figure.outerHTML + "<p><br></p>";
  }

  /* The caret is lost while the file picker is open: keep it to insert the image there. */
  function savedRange(content) {
    var selection = window.getSelection();
    if (selection.rangeCount && content.contains(selection.getRangeAt(0).commonAncestorContainer)) {
      return selection.getRangeAt(0).cloneRange();
    }
    return null;
  }

  function restoreRange(content, range) {
    var selection = window.getSelection();
    content.focus();
    if (!range) {
      range = document.createRange();
      range.selectNodeContents(content);
      range.collapse(false);
    }
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function setup(textarea) {
    var form = textarea.form;
    var labels = labelsOf(form);
    var holder = document.createElement("div");
    var status = document.createElement("p");
    var picker = document.createElement("input");
    var range = null;
    var editor;

    function say(text) {
      status.textContent = text || "";
    }

    holder.className = "pell rich-editor";
    status.className = "editor-status";
    status.setAttribute("role", "status");
    picker.type = "file";
    picker.accept = IMAGE_TYPES;
    picker.hidden = true;
    textarea.parentNode.insertBefore(holder, textarea);
    textarea.parentNode.insertBefore(status, textarea);
    textarea.parentNode.insertBefore(picker, textarea);

    editor = window.pell.init({
      element: holder,
      defaultParagraphSeparator: "p",
      onChange: function (html) { textarea.value = html; },
      actions: [
        { name: "bold", title: labels.bold },
        { name: "italic", title: labels.italic },
        { name: "heading2", title: labels.heading2, icon: "H2" },
        {
          name: "heading3", title: labels.heading3, icon: "H3",
          result: function () { window.pell.exec("formatBlock", "<h3>"); }
        },
        { name: "ulist", title: labels.ulist },
        { name: "olist", title: labels.olist, icon: "1." },
        { name: "quote", title: labels.quote },
        {
          name: "link", title: labels.link, icon: textIcon(labels.link),
          result: function () {
            var kept = savedRange(editor.content);
            var url = window.prompt(labels.linkPrompt || "URL");
            if (!url) { return; }
            url = url.trim();
            if (!SAFE_LINK.test(url)) { say(labels.badLink); return; }
            restoreRange(editor.content, kept);
            window.pell.exec("createLink", url);
            textarea.value = editor.content.innerHTML;
          }
        },
        {
          name: "image", title: labels.image, icon: textIcon(labels.image),
          result: function () {
            range = savedRange(editor.content);
            picker.value = "";
            picker.click();
          }
        }
      ]
    });

    picker.addEventListener("change", function () {
      var file = picker.files && picker.files[0];
      var alt;
      if (!file) { return; }
      alt = (window.prompt(labels.altPrompt || "Alt") || "").trim();
      if (!alt) { say(labels.altMissing); return; }
      say(labels.uploading);
      upload(form, file, alt).then(function (data) {
        restoreRange(editor.content, range);
        window.pell.exec("insertHTML", figureHtml(data.url, data.alt));
        textarea.value = editor.content.innerHTML;
        say(labels.uploaded);
      }).catch(function (error) {
        say(error.message || labels.uploadFailed);
      });
    });

    describe(textarea, holder, editor.content, labels);
    Array.prototype.forEach.call(holder.querySelectorAll(".pell-actionbar button"),
      function (button, index) { button.setAttribute("data-action", ACTIONS[index]); });
    editor.content.innerHTML = textarea.value;
    textarea.hidden = true;
    form.addEventListener("submit", function () {
      textarea.value = editor.content.innerHTML;
    });
  }

  /* Names for assistive technology: the toolbar, its buttons, and the editable area. */
  function describe(textarea, holder, content, labels) {
    var label = document.querySelector("label[for='" + textarea.id + "']");
    var toolbar = holder.querySelector(".pell-actionbar");
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", labels.toolbar || "");
    Array.prototype.forEach.call(toolbar.querySelectorAll("button"), function (button) {
      button.setAttribute("aria-label", button.title);
    });
    content.id = textarea.id + "-editor";
    content.setAttribute("role", "textbox");
    content.setAttribute("aria-multiline", "true");
    if (textarea.getAttribute("aria-describedby")) {
      content.setAttribute("aria-describedby", textarea.getAttribute("aria-describedby"));
    }
    if (label) {
      label.id = label.id || textarea.id + "-label";
      content.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function (event) {
        event.preventDefault();
        content.focus();
      });
    }
  }

  function start() {
    if (!window.pell) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-editor]"), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
