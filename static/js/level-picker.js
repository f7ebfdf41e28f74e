/* Skill page enhancements; the page works without them.
 *
 * 1. The level picker submits itself when a level is chosen; its submit
 *    button, needed only without JavaScript, goes.
 * 2. Rows of the level tables open their cell page when clicked anywhere;
 *    the link in the row stays the real, focusable target.
 */
(function () {
  "use strict";

  document.querySelectorAll("form[data-level-picker]").forEach(function (form) {
    var select = form.querySelector("select[name=level]");
    if (!select) {
      return;
    }
    // Say it before it happens (WCAG 3.2.2): choosing a level reloads the page.
    var hint = form.querySelector("[data-level-picker-hint]");
    if (hint) {
      hint.hidden = false;
    }
    var button = form.querySelector("[data-level-picker-submit]");
    if (button) {
      button.hidden = true;
    }
    select.addEventListener("change", function () {
      if (select.value) {
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
  });

  document.querySelectorAll("table.row-link tr[data-href]").forEach(function (row) {
    row.classList.add("is-clickable");
    row.addEventListener("click", function (event) {
      // Leave clicks on links and text selections alone.
      if (event.target.closest("a, button, input, select, textarea, summary")) {
        return;
      }
      var selection = window.getSelection ? window.getSelection().toString() : "";
      if (selection) {
        return;
      }
      var href = row.getAttribute("data-href");
      if (event.ctrlKey || event.metaKey || event.button === 1) {
        window.open(href, "_blank", "noopener");
      } else {
        window.location.assign(href);
      }
    });
  });
})();
