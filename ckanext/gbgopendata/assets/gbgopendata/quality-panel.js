/* The metadata quality panel on the dataset form (gbgopendata/quality/panel.html):
   while the publisher fills in the form, its fields (with the CSRF token the
   form carries) go to the preview view, debounced, and the score it answers
   replaces the panel's live region. A link from an improvement moves the focus
   to the field's input. Without JavaScript the panel shows the stored score. */
(function () {
  "use strict";
  var DELAY_MS = 700;

  function focusField(id) {
    var target = document.getElementById(id);
    if (!target) return false;
    var input = target.matches("input, select, textarea, button")
      ? target
      : target.querySelector("input:not([type=hidden]), select, textarea");
    (input || target).focus();
    (input || target).scrollIntoView({block: "center"});
    return document.activeElement === (input || target);
  }

  function start() {
    var region = document.querySelector("[data-gbgopendata-quality-preview]");
    if (!region) return;
    var form = region.closest("form") || document.querySelector("form#dataset-edit, form.dataset-form");
    if (!form) return;
    var url = region.getAttribute("data-gbgopendata-quality-preview");
    var datasetId = region.getAttribute("data-gbgopendata-quality-id");
    var timer = null;
    var asked = 0;

    function refresh() {
      var body = new FormData(form);
      if (datasetId && !body.has("id")) body.append("id", datasetId);
      var number = ++asked;
      fetch(url, {method: "POST", body: body, credentials: "same-origin", headers: {"X-Requested-With": "XMLHttpRequest"}})
        .then(function (response) { return response.text().then(function (text) { return [response, text]; }); })
        .then(function (answer) {
          if (number !== asked) return;  // a later answer is on its way
          region.innerHTML = answer[1];
          region.setAttribute("data-gbgopendata-quality-status", answer[0].ok ? "ok" : "refused");
        })
        .catch(function () {
          if (number !== asked) return;
          var note = document.createElement("p");
          note.className = "gbgopendata-quality-refused";
          note.textContent = region.getAttribute("data-gbgopendata-quality-failed");
          region.appendChild(note);
        });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY_MS);
    }

    form.addEventListener("input", later);
    form.addEventListener("change", later);
    region.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-gbgopendata-focus]");
      if (link && focusField(link.getAttribute("data-gbgopendata-focus"))) {
        event.preventDefault();
        if (history.replaceState) history.replaceState(null, "", "#" + link.getAttribute("data-gbgopendata-focus"));
      }
    });
    if (!datasetId) refresh();  // a new dataset has no stored score
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
