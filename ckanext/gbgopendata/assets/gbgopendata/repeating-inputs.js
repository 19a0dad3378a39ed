/* The repeating inputs of a field (gbgopendata_multiple_text.html): the
 * field's label names the first, a visually hidden label each further one
 * ("Följer standard 2"). Scheming's script copies the last input to add one
 * and removes an input in place, so a copy would carry the last one's id and
 * label: the inputs are renumbered whenever the list changes. */
(function () {
  "use strict";

  function renumber(list) {
    var field = list.getAttribute("data-gbgopendata-field");
    var label = list.getAttribute("data-gbgopendata-label");
    Array.prototype.forEach.call(list.querySelectorAll("li.multiple-text-field"), function (item, index) {
      var id = "field-" + field + "-" + (index + 1);
      var input = item.querySelector("input");
      var caption = item.querySelector("label");
      if (input) {
        input.id = id;
      }
      if (index === 0) {
        if (caption) {
          caption.remove();
        }
        return;
      }
      if (!caption) {
        caption = document.createElement("label");
        caption.className = "visually-hidden";
        item.insertBefore(caption, item.firstChild);
      }
      caption.htmlFor = id;
      caption.textContent = label + " " + (index + 1);
    });
  }

  function watch() {
    Array.prototype.forEach.call(document.querySelectorAll("ol[data-gbgopendata-field]"), function (list) {
      if (list.getAttribute("data-gbgopendata-watched")) {
        return;
      }
      list.setAttribute("data-gbgopendata-watched", "1");
      new MutationObserver(function () { renumber(list); }).observe(list, {childList: true});
      renumber(list);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
