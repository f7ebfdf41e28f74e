/* Growth plan enhancements; the pages work without them.
 *
 * 1. The plan settings form offers only the levels of the chosen role (the
 *    server checks the pair anyway and answers with a form error).
 * 2. The printable page gets a Print button.
 */
(function () {
  "use strict";

  document.querySelectorAll("form[data-plan-settings]").forEach(function (form) {
    var role = form.querySelector("select[data-plan-role]");
    var level = form.querySelector("select[data-plan-level]");
    if (!role || !level) {
      return;
    }
    function filterLevels() {
      var option = role.options[role.selectedIndex];
      var allowed = option && option.value ? (option.getAttribute("data-levels") || "").split(" ") : null;
      Array.prototype.forEach.call(level.options, function (choice) {
        var off = Boolean(choice.value) && allowed !== null && allowed.indexOf(choice.value) === -1;
        choice.disabled = off;
        choice.hidden = off;
      });
      if (level.selectedOptions.length && level.selectedOptions[0].disabled) {
        level.value = "";
      }
    }
    role.addEventListener("change", filterLevels);
    filterLevels();
  });

  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
