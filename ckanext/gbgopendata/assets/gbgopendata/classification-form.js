/* Dataset form: a confidentiality level the publication rule forbids on a
 * public dataset removes the "Public" choice of the visibility select and
 * shows the rule's reason (rendered by the server in the visitor's
 * language, on each level's radio button) under the visibility select and,
 * at the moment of the choice, next to the level itself. Progressive
 * enhancement only: the server refuses or unpublishes whatever the form
 * sends, and says so after saving. */
(function () {
  "use strict";

  function init() {
    var select = document.getElementById("field-private");
    var note = document.getElementById("gbgopendata-visibility-note");
    var levels = document.querySelectorAll('input[name="confidentiality_level"][data-gbgopendata-publication-blocker]');
    if (!select || !note || !levels.length) {
      return;
    }
    var publicOption = select.querySelector('option[value="False"]');
    if (!publicOption) {
      publicOption = document.createElement("option");
      publicOption.value = "False";
      publicOption.textContent = select.getAttribute("data-gbgopendata-public-label");
    }

    var levelNote = document.getElementById("field-confidentiality_level-note");

    function showNextToTheLevel(reason) {
      if (!levelNote) {
        return;
      }
      levelNote.textContent = "";
      // The lead is there only when the save changes the visibility.
      var leadText = levelNote.getAttribute("data-gbgopendata-lead");
      if (reason && leadText) {
        var lead = document.createElement("strong");
        lead.textContent = leadText;
        levelNote.appendChild(lead);
        levelNote.appendChild(document.createTextNode(" "));
      }
      if (reason) {
        levelNote.appendChild(document.createTextNode(reason));
      }
      levelNote.hidden = !reason;
    }

    function update() {
      var chosen = document.querySelector('input[name="confidentiality_level"]:checked');
      var reason = chosen ? chosen.getAttribute("data-gbgopendata-publication-blocker") : "";
      showNextToTheLevel(reason);
      if (reason) {
        if (publicOption.parentNode === select) {
          select.removeChild(publicOption);
        }
        select.value = "True";
        note.textContent = reason;
        note.hidden = false;
      } else {
        // A new dataset is published from its checklist, never from here.
        if (publicOption.parentNode !== select && !select.hasAttribute("data-gbgopendata-creating")) {
          select.appendChild(publicOption);
        }
        note.hidden = true;
      }
    }

    Array.prototype.forEach.call(levels, function (input) {
      input.addEventListener("change", update);
    });
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
