/* The header's disclosures (the phone menu, the account menu) close on Escape and on a click elsewhere, as
 * menus do. They open and close without JavaScript; this only adds the ways out. */
(function () {
  "use strict";

  var menus = document.querySelectorAll(".site-header details");

  function closeAll(except) {
    menus.forEach(function (menu) {
      if (menu !== except && !menu.contains(except) && menu.open) {
        menu.open = false;
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = Array.prototype.filter.call(menus, function (menu) { return menu.open; });
    if (!open.length) {
      return;
    }
    // The innermost open menu closes first; focus goes back to its button.
    var inner = open[open.length - 1];
    inner.open = false;
    inner.querySelector("summary").focus();
  });

  document.addEventListener("click", function (event) {
    var inside = event.target.closest ? event.target.closest(".site-header details") : null;
    closeAll(inside);
  });
})();
