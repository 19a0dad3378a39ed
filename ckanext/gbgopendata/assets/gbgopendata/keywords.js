/* Dataset form: a keyword the catalogue refuses (the same rule as the
 * server's fluent_gbgopendata_tags: letters, digits, spaces, hyphens,
 * underscores and dots, at least 2 characters) is named while it is typed,
 * under the field, in the visitor's language. Progressive enhancement only:
 * the server refuses the same keywords with the same message. */
(function () {
  "use strict";

  // Python's \w is Unicode letters, digits (and marks) and the underscore.
  var KEYWORD = /^[\p{L}\p{M}\p{N}_ .\-]+$/u;

  function problem(input) {
    var messages = JSON.parse(input.getAttribute("data-gbgopendata-keywords"));
    var keywords = input.value.split(",");
    for (var i = 0; i < keywords.length; i++) {
      var tag = keywords[i].trim();
      if (!tag) {
        continue;
      }
      if (tag.length < 2 || !KEYWORD.test(tag)) {
        var message = tag.indexOf("/") >= 0 ? messages.slash : messages.other;
        return message.replace("{tag}", tag);
      }
    }
    return "";
  }

  function init() {
    var inputs = document.querySelectorAll("input[data-gbgopendata-keywords]");
    Array.prototype.forEach.call(inputs, function (input) {
      var note = document.createElement("span");
      note.className = "error-block gbgopendata-keyword-note";
      note.setAttribute("role", "alert");
      note.hidden = true;
      input.insertAdjacentElement("afterend", note);
      function check() {
        var text = problem(input);
        note.textContent = text;
        note.hidden = !text;
        input.setCustomValidity(text);
        input.setAttribute("aria-invalid", text ? "true" : "false");
      }
      input.addEventListener("input", check);
      check();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
