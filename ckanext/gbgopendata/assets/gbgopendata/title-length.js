/* Dataset form: a text's length against its limit while it is typed, in
 * the counter the server rendered under the input (aria-describedby,
 * aria-live="polite"; the server counts the same way: characters, not
 * UTF-16 units). Progressive enhancement: the server refuses a longer text
 * with the same limit. */
(function () {
  "use strict";

  function render(counter, length) {
    var limit = parseInt(counter.getAttribute("data-limit"), 10);
    var over = length > limit;
    var template = counter.getAttribute(over ? "data-over" : "data-text");
    counter.textContent = template
      .replace("{count}", String(length))
      .replace("{over}", String(length - limit))
      .replace("{max}", String(limit));
    counter.classList.toggle("over", over);
  }

  function init() {
    var inputs = document.querySelectorAll("[data-gbgopendata-length]");
    Array.prototype.forEach.call(inputs, function (input) {
      var counter = document.getElementById(input.getAttribute("data-gbgopendata-length"));
      if (!counter) {
        return;
      }
      var timer = null;
      input.addEventListener("input", function () {
        // Announced once typing pauses, not at every key.
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          render(counter, Array.from(input.value).length);
        }, 300);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
