/* CKAN's notify.js gives every message's close button the label "Close"
 * before CKAN's JavaScript translations have loaded, so the label stayed
 * English on Swedish pages. The page carries the label in its language
 * (data-gbgopendata-close-label on the messages' container); once CKAN's
 * scripts have run, the buttons get it. */
(function () {
  "use strict";

  function relabel() {
    var container = document.querySelector(".flash-messages[data-gbgopendata-close-label]");
    if (!container) {
      return;
    }
    var label = container.getAttribute("data-gbgopendata-close-label");
    Array.prototype.forEach.call(container.querySelectorAll(".btn-close"), function (button) {
      button.setAttribute("aria-label", label);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", relabel);
  } else {
    relabel();
  }
  window.addEventListener("load", relabel);
})();
